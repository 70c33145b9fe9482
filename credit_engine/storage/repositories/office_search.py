"""The workbench's enterprise search: text, district, category and the grade in force."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from credit_engine.storage.models import EnterpriseRow, GradeRow
from credit_engine.storage.repositories.public_reads import StoredGrade
from credit_engine.storage.repositories.subjects import (
    StoredEnterprise,
    stored_enterprise,
)

NO_GRADE = "none"  # the grade filter for enterprises never graded by the date


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def enterprises_found(session: Session, *, text: str | None, district: str | None,
                      category: str | None, grade: str | None, as_of: date, offset: int,
                      limit: int) -> list[tuple[StoredEnterprise, StoredGrade | None]]:
    """Enterprises matching every filter given (name containing `text` or USCC starting
    with it), by name, each with its latest grade on or before `as_of`."""
    ranked = (
        select(GradeRow.id, GradeRow.subject_id, func.row_number().over(
            partition_by=GradeRow.subject_id, order_by=GradeRow.as_of.desc()).label("rank"))
        .where(GradeRow.subject_type == "enterprise", GradeRow.as_of <= as_of).subquery())
    query = (select(EnterpriseRow, GradeRow)
             .outerjoin(ranked, and_(ranked.c.subject_id == EnterpriseRow.uscc,
                                     ranked.c.rank == 1))
             .outerjoin(GradeRow, GradeRow.id == ranked.c.id))
    if text:
        query = query.where(or_(EnterpriseRow.name.ilike(_like(text), escape="\\"),
                                EnterpriseRow.uscc.startswith(text.upper(), autoescape=True)))
    if district:
        query = query.where(EnterpriseRow.district == district)
    if category:
        query = query.where(EnterpriseRow.category == category)
    if grade == NO_GRADE:
        query = query.where(GradeRow.id.is_(None))
    elif grade:
        query = query.where(GradeRow.grade == grade)
    rows = session.execute(query.order_by(EnterpriseRow.name, EnterpriseRow.uscc)
                           .offset(offset).limit(limit))
    return [(stored_enterprise(e), None if g is None else
             StoredGrade(g.grade, g.score, g.as_of, g.ruleset, g.result)) for e, g in rows]
