"""The inspection plan: each graded enterprise's inspections per year and flags."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credit_engine.storage.models import EnterpriseRow, GradeRow


def inspection_plan(session: Session, as_of: date, district: str | None, limit: int,
                    after_uscc: str | None) -> tuple[list[dict[str, Any]], str | None]:
    """One page of graded enterprises (latest grade on or before `as_of`), keyed by USCC."""
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
        .limit(limit + 1)
    )
    if district:
        query = query.where(EnterpriseRow.district == district)
    if after_uscc:
        query = query.where(EnterpriseRow.uscc > after_uscc)
    rows = session.execute(query).all()
    items = [
        {"subject": {"type": "enterprise", "id": ent.uscc}, "name": ent.name,
         "category": ent.category, "district": ent.district, "grade": grade.grade,
         "graded_on": grade.as_of.isoformat(),
         "inspections_per_year": grade.result.get("inspections_per_year"),
         "flags": list(grade.result.get("flags", []))}
        for ent, grade in rows[:limit]
    ]
    next_key = rows[limit - 1][0].uscc if len(rows) > limit else None
    return items, next_key
