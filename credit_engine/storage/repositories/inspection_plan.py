"""Reads of the inspection plan: graded enterprises with their latest counting inspection.

The grade in force is the latest stored on or before D; the latest inspection is the
latest on or before D that is neither revoked nor repaired as of D (a correlated max() per
enterprise through the records' (enterprise_uscc, kind) index); the calendar's dates are
computed in SQL (storage/portable_sql.py) so that `next_due_on` can be sorted and
`overdue` filtered in the database, never by grading or reading a million rows in Python.

A page in USCC order walks the enterprises by key in windows, with a per-enterprise
look-up of the grade in force, and stops after the page; an order by `next_due_on` (and
the export) needs every enterprise of the filter, so grades are ranked once over all.
The calendar shown is domain/inspection_calendar.py's from the same latest inspection;
tests/services/test_inspection_plan_sql.py holds the two to the same dates.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Integer, and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from credit_engine.domain.record_kinds import INSPECTION
from credit_engine.domain.inspection_calendar import (
    NEVER_INSPECTED_MONTHS,
    OVERDUE,
    REINSPECTION_DAYS,
    REINSPECTION_DUE,
    LastInspection,
)
from credit_engine.storage.models import (
    EnterpriseRow,
    GradeRow,
    RecordRow,
    RepairRow,
    RevocationRow,
)
from credit_engine.storage.portable_sql import (
    add_days_sql,
    add_months_sql,
    json_list_contains,
)
from credit_engine.storage.repositories.public_reads import StoredGrade
from credit_engine.storage.repositories.subjects import StoredEnterprise

STREAM_BATCH = 1000
# A USCC page reads windows of enterprises: the first as large as the page, each next one
# 4 times larger (a selective grade or flag filter), never more than MAX_WINDOW.
WINDOW_GROWTH = 4
MAX_WINDOW = 20_000


@dataclass(frozen=True)
class PlanFilter:
    """What a plan page or export asks for; `flag` is a calendar or a grade flag."""

    as_of: date
    district: str | None = None
    category: str | None = None
    grade: str | None = None
    flag: str | None = None


@dataclass(frozen=True)
class PlanRow:
    """One enterprise of the plan: its grade in force and its latest counting inspection."""

    enterprise: StoredEnterprise
    grade: StoredGrade
    last: LastInspection | None
    next_due_on: date


def _failed() -> Any:
    details = RecordRow.details
    return case((or_(details["result"].as_string() == "non_compliant",
                     details["refused"].as_boolean().is_(True)), 1), else_=0)


def _counting(uscc: Any, as_of: date) -> Any:
    """Inspections of the enterprise `uscc` (a column) that count as of `as_of`: on or
    before it, neither revoked nor repaired by then (looked up by (enterprise_uscc, kind))."""
    return and_(
        RecordRow.enterprise_uscc == uscc, RecordRow.kind == INSPECTION,
        RecordRow.occurred_on <= as_of,
        ~exists().where(RevocationRow.record_id == RecordRow.id, RevocationRow.revoked_on <= as_of),
        ~exists().where(RepairRow.record_id == RecordRow.id, RepairRow.approved_on <= as_of))


def _last_on(uscc: Any, as_of: date) -> Any:
    """Correlated: the date of the enterprise's latest counting inspection (NULL: none)."""
    return select(func.max(RecordRow.occurred_on)).where(_counting(uscc, as_of)) \
        .scalar_subquery()


def _last_failed(uscc: Any, last_on: Any, as_of: date) -> Any:
    """Correlated: 1 when a counting inspection on `last_on` failed (none is later), else 0."""
    return func.coalesce(select(func.max(_failed())).where(
        _counting(uscc, as_of), RecordRow.occurred_on == last_on).scalar_subquery(), 0)


def latest_inspections(session: Session, usccs: Sequence[str],
                       as_of: date) -> dict[str, LastInspection]:
    """The latest counting inspection on or before `as_of` of each enterprise (one query)."""
    if not usccs:
        return {}
    last = (select(EnterpriseRow.uscc, _last_on(EnterpriseRow.uscc, as_of).label("last_on"))
            .where(EnterpriseRow.uscc.in_(sorted(set(usccs)))).subquery())
    rows = session.execute(select(last.c.uscc, last.c.last_on,
                                  _last_failed(last.c.uscc, last.c.last_on, as_of))
                           .where(last.c.last_on.is_not(None)))
    return {uscc: LastInspection(on, bool(failed)) for uscc, on, failed in rows}


def licence_dates(session: Session, usccs: Sequence[str]) -> dict[str, date | None]:
    """`licensed_on` of each known enterprise among `usccs` (one query)."""
    if not usccs:
        return {}
    rows = session.execute(select(EnterpriseRow.uscc, EnterpriseRow.licensed_on)
                           .where(EnterpriseRow.uscc.in_(sorted(set(usccs)))))
    return {uscc: licensed_on for uscc, licensed_on in rows}


def _months(per_year: Any) -> Any:
    """domain/inspection_calendar.py's months_between_inspections in SQL."""
    return case((or_(per_year.is_(None), per_year < 1), 12), (per_year > 12, 1),
                else_=literal(12, Integer) // per_year)


def _enterprise_filter(plan: PlanFilter) -> list[Any]:
    """The district and category conditions of the plan on the enterprises."""
    conditions = []
    if plan.district:
        conditions.append(EnterpriseRow.district == plan.district)
    if plan.category:
        conditions.append(EnterpriseRow.category == plan.category)
    return conditions


def _grade_in_force(plan: PlanFilter) -> Any:
    """Join condition of GradeRow with each enterprise's grade in force, looked up per
    enterprise (ORDER BY as_of DESC LIMIT 1 on the uq_grades_subject_day index: a
    LATERAL-like probe on both databases) — for a window of a few enterprises. Over the
    whole filter _plan_query ranks every stored grade once instead, cheaper when every
    enterprise is needed anyway."""
    earlier = aliased(GradeRow)
    latest = (select(earlier.id)
              .where(earlier.subject_type == "enterprise",
                     earlier.subject_id == EnterpriseRow.uscc, earlier.as_of <= plan.as_of)
              .order_by(earlier.as_of.desc()).limit(1).correlate(EnterpriseRow)
              .scalar_subquery())
    return GradeRow.id == latest


def _plan_query(plan: PlanFilter, window: tuple[str | None, str] | None = None) -> Any:
    """Subquery of every graded enterprise in the filter with its calendar columns (only
    those with a USCC in (window[0], window[1]] when a window is given).

    The enterprises with their grade in force and latest inspection date are a
    MATERIALIZED common table expression (SQLite >= 3.35, PostgreSQL >= 12), so the
    correlated look-up of the last inspection runs once per enterprise, not once per use
    of its column in the date arithmetic."""
    as_of = literal(plan.as_of)
    base = (
        select(EnterpriseRow.uscc, EnterpriseRow.licensed_on, GradeRow.id.label("grade_id"),
               GradeRow.result["inspections_per_year"].as_integer().label("per_year"),
               _last_on(EnterpriseRow.uscc, plan.as_of).label("last_on"))
        .where(*_enterprise_filter(plan)))
    if window is not None:
        after, last = window
        base = base.join(GradeRow, _grade_in_force(plan)).where(EnterpriseRow.uscc <= last)
        if after is not None:
            base = base.where(EnterpriseRow.uscc > after)
    else:
        ranked = (
            select(GradeRow.id, GradeRow.subject_id, func.row_number().over(
                partition_by=GradeRow.subject_id, order_by=GradeRow.as_of.desc()).label("rank"))
            .where(GradeRow.subject_type == "enterprise", GradeRow.as_of <= plan.as_of)
            .subquery())
        base = (base.join(ranked, ranked.c.subject_id == EnterpriseRow.uscc)
                .join(GradeRow, GradeRow.id == ranked.c.id).where(ranked.c.rank == 1))
    if plan.grade:
        base = base.where(GradeRow.grade == plan.grade)
    if plan.flag and plan.flag not in (REINSPECTION_DUE, OVERDUE):
        base = base.where(json_list_contains(GradeRow.result, literal("flags"),
                                             literal(plan.flag)))
    known = base.cte("plan_base").prefix_with("MATERIALIZED")
    failed = _last_failed(known.c.uscc, known.c.last_on, plan.as_of)
    next_due = case(
        (known.c.last_on.is_not(None), add_months_sql(known.c.last_on, _months(known.c.per_year))),
        (known.c.licensed_on.is_not(None),
         add_months_sql(known.c.licensed_on, NEVER_INSPECTED_MONTHS)),
        else_=as_of)
    again = case((failed == 1, add_days_sql(known.c.last_on, REINSPECTION_DAYS)))
    return select(known.c.uscc, known.c.grade_id, known.c.last_on, failed.label("last_failed"),
                  next_due.label("next_due_on"), again.label("reinspection_due_on")).subquery()


def _calendar_flag(plan: PlanFilter, rows: Any) -> Any:
    as_of = literal(plan.as_of)
    if plan.flag == REINSPECTION_DUE:
        return rows.c.last_failed == 1
    if plan.flag == OVERDUE:
        return or_(as_of > rows.c.next_due_on,
                   and_(rows.c.reinspection_due_on.is_not(None),
                        as_of > rows.c.reinspection_due_on))
    return None


def _ordered(plan: PlanFilter, *, by_due_date: bool,
             after: tuple[date | None, str] | None,
             window: tuple[str | None, str] | None = None) -> Any:
    """The plan's keys and calendar columns in order, after the cursor position `after`
    (only the enterprises of the USCC `window` when one is given)."""
    rows = _plan_query(plan, window)
    page = select(rows.c.uscc, rows.c.grade_id, rows.c.last_on, rows.c.last_failed,
                  rows.c.next_due_on)
    flag = _calendar_flag(plan, rows)
    if flag is not None:
        page = page.where(flag)
    if by_due_date:
        if after is not None:
            due, uscc = after
            page = page.where(or_(rows.c.next_due_on > due,
                                  and_(rows.c.next_due_on == due, rows.c.uscc > uscc)))
        page = page.order_by(rows.c.next_due_on, rows.c.uscc)
    else:  # a USCC page's cursor is its window (_uscc_page)
        page = page.order_by(rows.c.uscc)
    return page


def _window_end(session: Session, plan: PlanFilter, after: str | None,
                size: int) -> str | None:
    """The USCC of the `size`-th enterprise of the filter after `after` (or the last one;
    None when none is left): a range scan of the enterprises' key, grades not read."""
    keys = select(EnterpriseRow.uscc).where(*_enterprise_filter(plan))
    if after is not None:
        keys = keys.where(EnterpriseRow.uscc > after)
    window = keys.order_by(EnterpriseRow.uscc).limit(size).subquery()
    return session.scalar(select(func.max(window.c.uscc)))


def _uscc_page(session: Session, plan: PlanFilter, limit: int,
               after: str | None) -> list[Any]:
    """Up to `limit` plan rows in USCC order after `after`, window by window (the next
    enterprises of the filter by key, kept when graded and matching the grade and flag
    filters) until the page is full: the cost follows the page, not the population."""
    found: list[Any] = []
    size = limit
    while len(found) < limit:
        last = _window_end(session, plan, after, size)
        if last is None:
            break
        query = _ordered(plan, by_due_date=False, after=None, window=(after, last))
        found += session.execute(query.limit(limit - len(found)))
        after, size = last, min(size * WINDOW_GROWTH, MAX_WINDOW)
    return found


def plan_rows(session: Session, plan: PlanFilter, limit: int, *, by_due_date: bool,
              after: tuple[date | None, str] | None) -> list[PlanRow]:
    """Up to `limit` enterprises of the plan after the cursor position `after`, by USCC or
    by (next_due_on, USCC) with `by_due_date` (then `after` is (due date, USCC))."""
    if not by_due_date:
        return _with_rows(session, _uscc_page(session, plan, limit,
                                              None if after is None else after[1]))
    page = _ordered(plan, by_due_date=True, after=after).limit(limit)
    return _with_rows(session, list(session.execute(page)))


def plan_stream(session: Session, plan: PlanFilter, *, by_due_date: bool,
                batch: int = STREAM_BATCH) -> Iterator[PlanRow]:
    """Every enterprise of the plan in order, read through one server-side cursor in
    batches of `batch` (memory bounded by the batch, not the plan's size)."""
    query = _ordered(plan, by_due_date=by_due_date, after=None)
    result = session.execute(query, execution_options={"yield_per": batch})
    for keys in result.partitions():
        yield from _with_rows(session, list(keys))


def _with_rows(session: Session, page: list[Any]) -> list[PlanRow]:
    """The page's enterprises and grades, read by key in two queries (columns, not ORM
    objects: an export reads a million of them), in the page's order."""
    enterprises = {e.uscc: StoredEnterprise(*e) for e in session.execute(
        select(EnterpriseRow.uscc, EnterpriseRow.name, EnterpriseRow.category,
               EnterpriseRow.district, EnterpriseRow.licence_no, EnterpriseRow.licensed_on,
               EnterpriseRow.created_at, EnterpriseRow.updated_at)
        .where(EnterpriseRow.uscc.in_([r.uscc for r in page])))}
    grades = {g.id: StoredGrade(g.grade, g.score, g.as_of, g.ruleset, g.result)
              for g in session.execute(
                  select(GradeRow.id, GradeRow.grade, GradeRow.score, GradeRow.as_of,
                         GradeRow.ruleset, GradeRow.result)
                  .where(GradeRow.id.in_([r.grade_id for r in page])))}
    return [PlanRow(enterprises[r.uscc], grades[r.grade_id],
                    None if r.last_on is None else LastInspection(r.last_on, bool(r.last_failed)),
                    r.next_due_on)
            for r in page]
