"""The inspection calendar of an enterprise as of a date (docs/domain.md, Inspection calendar).

When it was last inspected, when the next routine inspection is due (12 / inspections per
year calendar months later), whether a failed or refused inspection calls for a
re-inspection within 30 days, and whether either date has passed. Pure: the caller reads
the latest counting inspection from storage (the plan does so for a million enterprises
in SQL, storage/repositories/inspection_plan.py, which must agree with this module).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from credit_engine.domain.dates import add_months

NEVER_INSPECTED_MONTHS = 3    # a licence never inspected is due three months after it
REINSPECTION_DAYS = 30        # after a non_compliant or refused inspection
FAILED_RESULTS = ("non_compliant",)
REINSPECTION_DUE, OVERDUE = "reinspection_due", "overdue"
CALENDAR_FLAGS = (REINSPECTION_DUE, OVERDUE)


@dataclass(frozen=True)
class LastInspection:
    """The latest counting inspection: its date and whether it failed (non_compliant or
    refused). Of several on that day, it failed when any of them did: none is later."""

    on: date
    failed: bool


@dataclass(frozen=True)
class InspectionCalendar:
    """What the inspection teams plan with, as of `as_of`."""

    as_of: date
    last_inspected_on: date | None
    next_due_on: date
    reinspection_due_on: date | None

    @property
    def flags(self) -> tuple[str, ...]:
        """`reinspection_due` while a failed inspection is the latest; `overdue` once D is
        after next_due_on or after reinspection_due_on."""
        flags: list[str] = []
        if self.reinspection_due_on is not None:
            flags.append(REINSPECTION_DUE)
        if self.as_of > self.next_due_on or (
                self.reinspection_due_on is not None and self.as_of > self.reinspection_due_on):
            flags.append(OVERDUE)
        return tuple(flags)


def inspection_failed(result: str | None, refused: bool) -> bool:
    """A failed inspection for the calendar: `non_compliant`, or refused whatever its result."""
    return refused or result in FAILED_RESULTS


def months_between_inspections(inspections_per_year: int | None) -> int:
    """12 / inspections per year, in whole calendar months (1 → 12, 2 → 6, 3 → 4, 4 → 3);
    a count that does not divide 12 rounds the interval down (more often, never less),
    at least one month; no count (never graded) means once a year."""
    per_year = inspections_per_year if inspections_per_year and inspections_per_year > 0 else 1
    return max(1, 12 // per_year)


def latest_inspection(inspections: list[tuple[date, bool]]) -> LastInspection | None:
    """The latest of (date, failed) pairs, failed when any inspection of that day failed."""
    if not inspections:
        return None
    last = max(day for day, _ in inspections)
    return LastInspection(last, any(failed for day, failed in inspections if day == last))


def inspection_calendar(as_of: date, inspections_per_year: int | None,
                        licensed_on: date | None,
                        last: LastInspection | None) -> InspectionCalendar:
    """The calendar as of `as_of` from the latest counting inspection on or before it
    (None: never inspected, due `licensed_on` + 3 months, or `as_of` itself without one)."""
    if last is None:
        due = add_months(licensed_on, NEVER_INSPECTED_MONTHS) if licensed_on else as_of
        return InspectionCalendar(as_of, None, due, None)
    due = add_months(last.on, months_between_inspections(inspections_per_year))
    again = last.on + timedelta(days=REINSPECTION_DAYS) if last.failed else None
    return InspectionCalendar(as_of, last.on, due, again)
