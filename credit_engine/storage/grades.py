"""Stored grades by subject: set-based look-ups shared by grading and the public lookup."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import Session

from credit_engine.domain.grade_summary import summarise
from credit_engine.domain.model import CreditResult, Record, SubjectRef
from credit_engine.storage.grades_in_force import keep_latest
from credit_engine.storage.models import GradeRow


def _subject_filter(subjects: Sequence[SubjectRef]) -> Any:
    # One `subject_id IN (...)` per type rather than a row-value IN: SQLite plans
    # `(type, id) IN (VALUES ...)` as a scan of the whole index, PostgreSQL either way seeks.
    ids: dict[str, list[str]] = {}
    for subject in subjects:
        ids.setdefault(subject.type, []).append(subject.id)
    clauses = [and_(GradeRow.subject_type == kind, GradeRow.subject_id.in_(sorted(set(values))))
               for kind, values in sorted(ids.items())]
    return or_(*clauses) if clauses else false()


def _by_subject(rows: Any) -> dict[SubjectRef, GradeRow]:
    return {SubjectRef(r.subject_type, r.subject_id): r for r in rows}  # type: ignore[arg-type]


def _latest(subjects: Sequence[SubjectRef], bound: Any) -> Any:
    """Subquery: id of each subject's latest stored grade among those matching `bound`."""
    ranked = (
        select(GradeRow.id, func.row_number().over(
            partition_by=(GradeRow.subject_type, GradeRow.subject_id),
            order_by=GradeRow.as_of.desc()).label("rank"))
        .where(_subject_filter(subjects), bound)
        .subquery()
    )
    return select(ranked.c.id).where(ranked.c.rank == 1)


def _latest_before(subjects: Sequence[SubjectRef], before: date) -> Any:
    """Subquery: id of each subject's latest stored grade strictly before `before`."""
    return _latest(subjects, GradeRow.as_of < before)


def latest_grades_before(session: Session, subjects: Sequence[SubjectRef],
                         before: date) -> dict[SubjectRef, GradeRow]:
    """The latest stored grade of each subject strictly before `before` (one query)."""
    if not subjects:
        return {}
    return _by_subject(session.scalars(
        select(GradeRow).where(GradeRow.id.in_(_latest_before(subjects, before)))))


def grades_in_force(session: Session, subjects: Sequence[SubjectRef],
                    on: date) -> dict[SubjectRef, GradeRow]:
    """The grade of each subject in force on `on`: its latest stored on or before `on`, so a
    grade stored for a later date is never taken for an earlier day's (one query)."""
    if not subjects:
        return {}
    return _by_subject(session.scalars(
        select(GradeRow).where(GradeRow.id.in_(_latest(subjects, GradeRow.as_of <= on)))))


@dataclass(frozen=True)
class PreviousGrade:
    """What a regrade compares a new result with: the letter and the measure codes of the
    subject's latest grade before the date."""

    letter: str
    measure_codes: frozenset[str]


def latest_before(session: Session, subjects: Sequence[SubjectRef],
                  before: date) -> dict[SubjectRef, PreviousGrade]:
    """The letter and measure codes of each subject's latest grade before `before`, for the
    announcements and the change feed: only the `measures` member of the stored result is
    read, not the whole result (one query)."""
    if not subjects:
        return {}
    rows = session.execute(
        select(GradeRow.subject_type, GradeRow.subject_id, GradeRow.grade,
               GradeRow.result["measures"])
        .where(GradeRow.id.in_(_latest_before(subjects, before))))
    return {SubjectRef(t, i): PreviousGrade(g, measure_codes(measures))  # type: ignore[arg-type]
            for t, i, g, measures in rows}


def measure_codes(measures: Any) -> frozenset[str]:
    """The codes of a stored result's `measures` member."""
    return frozenset(m["code"] for m in (measures or []))


def grades_on(session: Session, subjects: Sequence[SubjectRef],
              as_of: date) -> dict[SubjectRef, GradeRow]:
    """The grade each subject had stored for exactly `as_of` (one query)."""
    if not subjects:
        return {}
    return _by_subject(session.scalars(
        select(GradeRow).where(_subject_filter(subjects), GradeRow.as_of == as_of)))


def store_grade(session: Session, existing: GradeRow | None, result: CreditResult,
                data: dict[str, Any], records: Iterable[Record] = ()) -> None:
    """Store `result` (serialised as `data`) as the subject's grade for its date, over
    `existing`, the grade already stored for that date (from `grades_on`), if any, with the
    summary statistics count (`records`: the subject's own, for practices and insurance);
    the subject's row of `grades_in_force` follows when this is its latest grade."""
    row = existing or GradeRow(subject_type=result.subject.type, subject_id=result.subject.id,
                               as_of=result.as_of)
    row.ruleset, row.score, row.grade = result.ruleset, result.score, result.grade
    row.result, row.next_change_on = data, result.next_change_on
    summary = summarise(result, records)
    for name, value in asdict(summary).items():
        setattr(row, name, value)
    if existing is None:
        session.add(row)
    keep_latest(session, result.subject.type, result.subject.id, result.as_of, result.grade,
                summary)


def stored_results(session: Session, subject: SubjectRef, until: date) -> list[dict[str, Any]]:
    """The stored results of every grade of the subject up to `until`, oldest first."""
    rows = session.scalars(
        select(GradeRow).where(GradeRow.subject_type == subject.type,
                               GradeRow.subject_id == subject.id, GradeRow.as_of <= until)
        .order_by(GradeRow.as_of))
    return [r.result for r in rows]
