"""The inspection plan: each graded enterprise's inspections per year, calendar and flags.

The plan is read from stored grades (never graded on the request) and the latest counting
inspection of each enterprise (storage/repositories/inspection_plan.py); the calendar
shown is domain/inspection_calendar.py's. Decisions of context `inspection` carry the same
calendar (`with_inspection_calendars`, batched for many decisions at once).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from credit_engine.domain.inspection_calendar import (
    CALENDAR_FLAGS,
    InspectionCalendar,
    inspection_calendar,
)
from credit_engine.domain.model import INSPECTION_CONTEXT, Decision
from credit_engine.errors import ValidationFailed
from credit_engine.rules import RulesetRegistry
from credit_engine.storage.repositories.inspection_plan import (
    PlanFilter,
    PlanRow,
    latest_inspections,
    licence_dates,
    plan_rows,
    plan_stream,
)

__all__ = ["PlanFilter", "calendar_of", "check_plan_filter", "inspection_plan", "known_flags",
           "plan_item", "plan_items", "plan_position", "with_inspection_calendars"]

SORTS = ("uscc", "next_due_on")
_DUE_CURSOR = re.compile(r"^(\d{4}-\d{2}-\d{2}):([0-9A-Z]{18})$")


def known_flags(registry: RulesetRegistry) -> tuple[str, ...]:
    """Every flag a plan item can carry: the calendar's and each flag a loaded ruleset
    names (a `flag:` anywhere in its file, e.g. the catering target's), sorted."""
    names: set[str] = set(CALENDAR_FLAGS)

    def collect(node: Any) -> None:
        if isinstance(node, Mapping):
            for key, value in node.items():
                if key == "flag" and isinstance(value, str):
                    names.add(value)
                else:
                    collect(value)
        elif isinstance(node, (list, tuple)):
            for item in node:
                collect(item)

    for ruleset in registry.rulesets:
        collect(ruleset.config)
    return tuple(sorted(names))


def _require_known_flag(registry: RulesetRegistry, flag: str | None) -> None:
    if flag is not None and flag not in known_flags(registry):
        raise ValidationFailed({"flag": [
            f"Unknown flag; one of: {', '.join(known_flags(registry))}."]})


def plan_position(cursor: str | None, sort: str) -> tuple[date | None, str] | None:
    """The cursor of a plan page as (due date, USCC); ValidationFailed naming `cursor` when
    it is not one of this sort (a USCC; `YYYY-MM-DD:USCC` by next_due_on)."""
    if not cursor:
        return None
    if sort == "uscc":
        if not re.fullmatch(r"[0-9A-Z]{18}", cursor):
            raise ValidationFailed({"cursor": ["Not a valid cursor."]})
        return None, cursor
    match = _DUE_CURSOR.match(cursor)
    try:
        return date.fromisoformat(match.group(1)), match.group(2)  # type: ignore[union-attr]
    except (AttributeError, ValueError):
        raise ValidationFailed({"cursor": ["Not a valid cursor."]}) from None


def _cursor_of(row: PlanRow, sort: str) -> str:
    uscc = row.enterprise.uscc
    return uscc if sort == "uscc" else f"{row.next_due_on.isoformat()}:{uscc}"


def calendar_of(row: PlanRow, as_of: date) -> InspectionCalendar:
    """The calendar of a plan row as of `as_of` (from its grade's inspections per year)."""
    return inspection_calendar(as_of, row.grade.result.get("inspections_per_year"),
                               row.enterprise.licensed_on, row.last)


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def plan_item(row: PlanRow, as_of: date) -> dict[str, Any]:
    """A plan item as docs/api.md shows it: grade flags, then calendar flags."""
    calendar = calendar_of(row, as_of)
    ent, grade = row.enterprise, row.grade
    return {
        "subject": {"type": "enterprise", "id": ent.uscc}, "name": ent.name,
        "category": ent.category, "district": ent.district, "grade": grade.grade,
        "graded_on": grade.as_of.isoformat(),
        "inspections_per_year": grade.result.get("inspections_per_year"),
        "last_inspected_on": _iso(calendar.last_inspected_on),
        "next_due_on": calendar.next_due_on.isoformat(),
        "reinspection_due_on": _iso(calendar.reinspection_due_on),
        "flags": [*grade.result.get("flags", []), *calendar.flags],
    }


def inspection_plan(session: Session, registry: RulesetRegistry, plan: PlanFilter, *,
                    sort: str, limit: int,
                    cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    """One page of graded enterprises (grade in force on `plan.as_of`) in the filter, by
    USCC or by (next_due_on, USCC), and the cursor of the next page (None after the last)."""
    _require_known_flag(registry, plan.flag)
    after = plan_position(cursor, sort)
    rows = plan_rows(session, plan, limit + 1, by_due_date=sort == "next_due_on", after=after)
    items = [plan_item(row, plan.as_of) for row in rows[:limit]]
    return items, _cursor_of(rows[limit - 1], sort) if len(rows) > limit else None


def plan_items(session: Session, registry: RulesetRegistry, plan: PlanFilter, *,
               sort: str) -> Iterator[dict[str, Any]]:
    """Every plan item in the filter, in order, streamed (for the export)."""
    _require_known_flag(registry, plan.flag)
    for row in plan_stream(session, plan, by_due_date=sort == "next_due_on"):
        yield plan_item(row, plan.as_of)


def check_plan_filter(registry: RulesetRegistry, plan: PlanFilter) -> None:
    """ValidationFailed naming `flag` before anything is streamed."""
    _require_known_flag(registry, plan.flag)


def with_inspection_calendars(session: Session,
                              decisions: Sequence[Decision]) -> list[Decision]:
    """Decisions of context `inspection` about enterprises with their calendar as of each
    decision's date (two queries per date, however many decisions); others unchanged."""
    def needs(d: Decision) -> bool:
        return d.context == INSPECTION_CONTEXT and d.subject.type == "enterprise"

    wanted = [d for d in decisions if needs(d)]
    calendars: dict[tuple[str, date], InspectionCalendar] = {}
    for as_of in sorted({d.as_of for d in wanted}):
        usccs = [d.subject.id for d in wanted if d.as_of == as_of]
        last, licensed = latest_inspections(session, usccs, as_of), licence_dates(session, usccs)
        for d in wanted:
            if d.as_of == as_of:
                calendars[(d.subject.id, as_of)] = inspection_calendar(
                    as_of, d.inspections_per_year, licensed.get(d.subject.id),
                    last.get(d.subject.id))
    return [dataclasses.replace(d, inspection_calendar=calendars[(d.subject.id, d.as_of)])
            if needs(d) else d
            for d in decisions]
