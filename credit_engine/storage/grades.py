"""Stored grades by subject: set-based look-ups shared by grading and the public lookup."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from credit_engine.domain.model import SubjectRef
from credit_engine.storage.models import GradeRow


def _subject_filter(subjects: Sequence[SubjectRef]) -> Any:
    return tuple_(GradeRow.subject_type, GradeRow.subject_id).in_(
        [(s.type, s.id) for s in subjects])


def _by_subject(rows: Any) -> dict[SubjectRef, GradeRow]:
    return {SubjectRef(r.subject_type, r.subject_id): r for r in rows}  # type: ignore[arg-type]


def latest_grades_before(session: Session, subjects: Sequence[SubjectRef],
                         before: date) -> dict[SubjectRef, GradeRow]:
    """The latest stored grade of each subject strictly before `before` (one query)."""
    if not subjects:
        return {}
    ranked = (
        select(GradeRow.id, func.row_number().over(
            partition_by=(GradeRow.subject_type, GradeRow.subject_id),
            order_by=GradeRow.as_of.desc()).label("rank"))
        .where(_subject_filter(subjects), GradeRow.as_of < before)
        .subquery()
    )
    return _by_subject(session.scalars(
        select(GradeRow).join(ranked, ranked.c.id == GradeRow.id).where(ranked.c.rank == 1)))


def grades_on(session: Session, subjects: Sequence[SubjectRef],
              as_of: date) -> dict[SubjectRef, GradeRow]:
    """The grade each subject had stored for exactly `as_of` (one query)."""
    if not subjects:
        return {}
    return _by_subject(session.scalars(
        select(GradeRow).where(_subject_filter(subjects), GradeRow.as_of == as_of)))
