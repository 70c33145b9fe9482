"""Reads for the public lookup and the inspection plan: enterprises with the grade in force.

The latest grade per subject is ranked with row_number() over (subject) by date, the shape
storage/grades.py explains; nothing here returns a person's opaque id outside the service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from credit_engine.domain.model import SubjectRef
from credit_engine.storage.grades import grades_in_force
from credit_engine.storage.models import EnterpriseRow, GradeRow, PersonRow
from credit_engine.storage.repositories.subjects import (
    StoredEnterprise, StoredPerson, stored_enterprise, stored_person,
)


@dataclass(frozen=True)
class StoredGrade:
    """A stored grade: letter, score, date, ruleset and the stored result."""

    grade: str
    score: int
    as_of: date
    ruleset: str
    result: dict[str, Any]


def _grade(row: GradeRow) -> StoredGrade:
    return StoredGrade(row.grade, row.score, row.as_of, row.ruleset, row.result)


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def enterprises_matching(session: Session, text: str, as_of: date, offset: int,
                         limit: int) -> list[tuple[StoredEnterprise, StoredGrade | None]]:
    """Enterprises whose name contains `text` or whose USCC starts with it, by name, each
    with its grade in force on `as_of` (two queries)."""
    rows = list(session.scalars(
        select(EnterpriseRow)
        .where(or_(EnterpriseRow.name.ilike(_like_pattern(text), escape="\\"),
                   EnterpriseRow.uscc.startswith(text.upper(), autoescape=True)))
        .order_by(EnterpriseRow.name, EnterpriseRow.uscc).offset(offset).limit(limit)))
    grades = grades_in_force(session, [SubjectRef("enterprise", r.uscc) for r in rows], as_of)
    return [(stored_enterprise(r), _in_force(grades, SubjectRef("enterprise", r.uscc)))
            for r in rows]


def _in_force(grades: dict[SubjectRef, GradeRow], subject: SubjectRef) -> StoredGrade | None:
    row = grades.get(subject)
    return None if row is None else _grade(row)


def grade_in_force(session: Session, subject: SubjectRef, on: date) -> StoredGrade | None:
    """The subject's grade in force on `on` (its latest stored on or before it)."""
    return _in_force(grades_in_force(session, [subject], on), subject)


def latest_person_grades(session: Session,
                         as_of: date) -> list[tuple[StoredPerson, dict[str, Any]]]:
    """Every graded person with the stored result of their latest grade on or before `as_of`."""
    ranked = (
        select(GradeRow.id, func.row_number().over(
            partition_by=GradeRow.subject_id, order_by=GradeRow.as_of.desc()).label("rank"))
        .where(GradeRow.subject_type == "person", GradeRow.as_of <= as_of).subquery())
    latest = session.execute(
        select(GradeRow, PersonRow).join(ranked, ranked.c.id == GradeRow.id)
        .join(PersonRow, PersonRow.id == GradeRow.subject_id).where(ranked.c.rank == 1))
    return [(stored_person(session, p), g.result) for g, p in latest]  # decrypted


def graded_enterprises(session: Session, as_of: date, district: str | None, limit: int,
                       after_uscc: str | None) -> list[tuple[StoredEnterprise, StoredGrade]]:
    """Up to `limit` enterprises by USCC after `after_uscc` (in `district`), each with its
    latest grade on or before `as_of`; enterprises never graded are left out."""
    ranked = (
        select(GradeRow.id, GradeRow.subject_id, func.row_number().over(
            partition_by=GradeRow.subject_id, order_by=GradeRow.as_of.desc()).label("rank"))
        .where(GradeRow.subject_type == "enterprise", GradeRow.as_of <= as_of)
        .subquery()
    )
    query = (
        select(EnterpriseRow, GradeRow)
        .join(ranked, ranked.c.subject_id == EnterpriseRow.uscc)
        .join(GradeRow, GradeRow.id == ranked.c.id)
        .where(ranked.c.rank == 1)
        .order_by(EnterpriseRow.uscc)
        .limit(limit)
    )
    if district:
        query = query.where(EnterpriseRow.district == district)
    if after_uscc:
        query = query.where(EnterpriseRow.uscc > after_uscc)
    return [(stored_enterprise(e), _grade(g)) for e, g in session.execute(query)]
