"""Reads behind the plan's statistics and the public list of restricted enterprises.

Everything counts the grade *in force* on a date D: each enterprise's latest grade stored on
or before D. The figures come from `grades_in_force` (one narrow row per subject: its latest
stored grade's date and summary, an enterprise's district and category): a row dated on or
before D is the grade in force on D, so today's figures are one grouped scan of it; only
subjects regraded after D find their grade with one seek of the grades' `(subject_type,
subject_id, as_of)` index (a correlated `ORDER BY as_of DESC LIMIT 1`). Grouped in the
database, no result JSON parsed (domain/grade_summary.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from credit_engine.storage.models import (
    EnterpriseRow,
    GradeInForceRow,
    GradeRow,
    PersonRow,
    RoleRow,
)
from credit_engine.storage.repositories.subjects import (
    StoredEnterprise,
    stored_enterprise,
)


@dataclass(frozen=True)
class SummaryGroup:
    """How many enterprises share one district, category and grade summary on a date."""

    district: str | None
    category: str
    grade: str | None          # None: no grade stored on or before the date
    catering_rating: str | None
    licensing_restricted: bool
    open_kitchen: bool
    traceability: bool
    insured: bool
    count: int


def _in_force_id(subject_type: str, subject_id: Any, on: date) -> Any:
    """Scalar subquery: the id of the subject's grade in force on `on` (one index seek)."""
    inner = aliased(GradeRow)
    return (select(inner.id)
            .where(inner.subject_type == subject_type, inner.subject_id == subject_id,
                   inner.as_of <= on)
            .order_by(inner.as_of.desc()).limit(1)
            .correlate_except(inner).scalar_subquery())


_SUMMARY = ("grade", "catering_rating", "licensing_restricted", "open_kitchen",
            "traceability", "insured")


def _group(district: str | None, category: str, summary: tuple[Any, ...],
           count: int) -> SummaryGroup:
    grade, rating, restricted, kitchen, trace, insured = summary
    return SummaryGroup(district, category, grade, rating, bool(restricted), bool(kitchen),
                        bool(trace), bool(insured), count)


def summary_groups(session: Session, on: date, district: str | None) -> list[SummaryGroup]:
    """Every enterprise (of `district`, or all) counted by district, category and the
    summary of its grade in force on `on` (a few thousand groups at most).

    From `grades_in_force` (one row per graded enterprise, its latest grade): a row dated on
    or before `on` *is* the grade in force then (no grade is stored for a future date); only
    the rows of enterprises regraded after `on` look their grade up among the stored
    grades; an enterprise without a row has never been graded, counted as the enterprises
    of each district and category less the rows there."""
    f = GradeInForceRow
    keys = (f.district, f.category, *(getattr(f, name) for name in _SUMMARY))
    # In the order of ix_grades_in_force_summary, which SQLite reads alone, with no sort.
    scan = (select(*keys, func.count(), func.sum(case((f.as_of <= on, 1), else_=0)))
            .where(f.subject_type == "enterprise").group_by(*keys))
    g = GradeRow
    since = (select(f.district, f.category, *(getattr(g, name) for name in _SUMMARY),
                    func.count())
             .select_from(f)
             .outerjoin(g, g.id == _in_force_id("enterprise", f.subject_id, on))
             .where(f.subject_type == "enterprise", f.as_of > on)
             .group_by(f.district, f.category, *(getattr(g, name) for name in _SUMMARY)))
    everyone = (select(EnterpriseRow.district, EnterpriseRow.category, func.count())
                .group_by(EnterpriseRow.district, EnterpriseRow.category))
    if district is not None:
        scan = scan.where(f.district == district)
        since = since.where(f.district == district)
        everyone = everyone.where(EnterpriseRow.district == district)
    counts: dict[tuple[Any, ...], int] = {}
    ungraded = {(d, c): n for d, c, n in session.execute(everyone)}
    for d, c, *rest, rows, current in session.execute(scan):
        ungraded[(d, c)] = ungraded.get((d, c), 0) - rows
        key = (d, c, *rest)
        counts[key] = counts.get(key, 0) + int(current or 0)
    for d, c, *rest, n in session.execute(since):
        key = (d, c, *rest)
        counts[key] = counts.get(key, 0) + n
    for (d, c), n in ungraded.items():
        key = (d, c, None, None, False, False, False, False)
        counts[key] = counts.get(key, 0) + n
    return [_group(d, c, tuple(rest), n) for (d, c, *rest), n in counts.items() if n]


def grade_mix(session: Session, on: date, district: str | None) -> dict[str | None, int]:
    """Enterprises by the letter of their grade in force on `on` (None: ungraded)."""
    mix: dict[str | None, int] = {}
    for group in summary_groups(session, on, district):
        mix[group.grade] = mix.get(group.grade, 0) + group.count
    return mix


def listed_person_count(session: Session, on: date, district: str | None) -> int:
    """Persons whose grade in force on `on` lists them beyond `on`; with `district`, only
    those with a role active on `on` in one of its enterprises.

    Rows of `grades_in_force` dated on or before `on` answer from the index on
    `listed_until`; a person regraded after `on` is a candidate only when one of its stored
    grades lists it beyond `on` (the grades' own index), and its grade in force decides."""
    f = GradeInForceRow
    current = (select(func.count()).select_from(f)
               .join(PersonRow, PersonRow.id == f.subject_id)
               .where(f.subject_type == "person", f.listed_until > on, f.as_of <= on))
    candidates = (select(GradeRow.subject_id)
                  .where(GradeRow.subject_type == "person", GradeRow.listed_until > on)
                  .distinct().subquery())
    in_force = aliased(GradeRow)
    since = (select(func.count()).select_from(f)
             .join(candidates, candidates.c.subject_id == f.subject_id)
             .join(PersonRow, PersonRow.id == f.subject_id)
             .join(in_force, in_force.id == _in_force_id("person", f.subject_id, on))
             .where(f.subject_type == "person", f.as_of > on, in_force.listed_until > on))
    if district is not None:
        active = exists().where(
            RoleRow.person_id == f.subject_id, RoleRow.from_on <= on,
            or_(RoleRow.to_on.is_(None), RoleRow.to_on >= on),
            EnterpriseRow.uscc == RoleRow.uscc, EnterpriseRow.district == district)
        current, since = current.where(active), since.where(active)
    return int(session.scalar(current) or 0) + int(session.scalar(since) or 0)


def restricted_enterprises(session: Session, on: date, offset: int,
                           limit: int) -> list[tuple[StoredEnterprise, date, dict[str, Any]]]:
    """Enterprises whose grade in force on `on` restricts licensing, by USCC: each with its
    grade's date and stored result (only a page of them is parsed)."""
    rows = session.execute(
        select(EnterpriseRow, GradeRow.as_of, GradeRow.result)
        .join(GradeRow, and_(GradeRow.id == _in_force_id("enterprise", EnterpriseRow.uscc, on),
                             GradeRow.licensing_restricted))
        .order_by(EnterpriseRow.uscc).offset(offset).limit(limit))
    return [(stored_enterprise(e), as_of, result) for e, as_of, result in rows]
