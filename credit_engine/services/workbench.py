"""The office workbench's today page: what needs the staff today, from the same services
and reads as the API (the objections queue, repair applications, regrade runs).

A district-bound user sees only their district's enterprises; persons have no district, so
their items are shown to users of every district only (docs/office.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from credit_engine.domain.working_days import WorkingDayCalendar
from credit_engine.errors import NotFound
from credit_engine.services.objection_queue import objection_queue
from credit_engine.services.repair_applications import list_applications
from credit_engine.services.run_failures import failures_of_run
from credit_engine.services.subjects import get_enterprise
from credit_engine.storage.repositories.regrade_failures import StoredFailure
from credit_engine.storage.repositories.run_summaries import last_run as stored_last_run

DUE_SOON_WORKING_DAYS = 3  # an objection this close to its deadline is shown in red
AT_MOST = 200  # items per list on the page; the full queues are in the API
NIGHTLY_JOB = "nightly_regrade"


@dataclass(frozen=True)
class TodayOverview:
    """Everything of the today page."""

    today: date
    objections: list[dict[str, Any]] = field(default_factory=list)
    repair_applications: list[dict[str, Any]] = field(default_factory=list)
    last_run: dict[str, Any] | None = None
    failed_subjects: list[StoredFailure] = field(default_factory=list)


def working_days_left(calendar: WorkingDayCalendar, today: date, deadline: date) -> int:
    """Working days from tomorrow through `deadline` (0 on the deadline itself or after it)."""
    days, day = 0, today
    while day < deadline:
        day += timedelta(days=1)
        days += calendar.is_working_day(day)
    return days


def _in_district(session: Session, subject: dict[str, Any], district: str | None) -> bool:
    if district is None:
        return True
    if subject["type"] != "enterprise":
        return False
    try:
        return get_enterprise(session, subject["id"]).district == district
    except NotFound:
        return False


def _objections(session: Session, calendar: WorkingDayCalendar, today: date,
                district: str | None) -> list[dict[str, Any]]:
    items = objection_queue(session, "pending", 0, AT_MOST, district)
    for item in items:
        left = working_days_left(calendar, today, item["objection_deadline"])
        item["working_days_left"] = left
        item["due_soon"] = left <= DUE_SOON_WORKING_DAYS
    return sorted(items, key=lambda i: (i["objection_deadline"], i["id"]))


def today_overview(session: Session, calendar: WorkingDayCalendar, today: date,
                   district: str | None) -> TodayOverview:
    """Pending objections by deadline, repair applications waiting, the last nightly run
    and the subjects it could not grade (of `district` when given)."""
    applications = [a for a in list_applications(session, "pending", 0, AT_MOST)
                    if _in_district(session, a["subject"], district)]
    last_run = stored_last_run(session, NIGHTLY_JOB)
    failures: list[StoredFailure] = []
    if last_run is not None:
        failures = [f for f in failures_of_run(session, int(str(last_run["id"])))
                    if _in_district(session, {"type": f.subject_type, "id": f.subject_id},
                                    district)]
    return TodayOverview(today, _objections(session, calendar, today, district),
                         applications, last_run, failures)
