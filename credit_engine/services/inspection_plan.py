"""The inspection plan: each graded enterprise's inspections per year and flags."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from credit_engine.storage.repositories.public_reads import graded_enterprises


def inspection_plan(session: Session, as_of: date, district: str | None, limit: int,
                    after_uscc: str | None) -> tuple[list[dict[str, Any]], str | None]:
    """One page of graded enterprises (latest grade on or before `as_of`), keyed by USCC."""
    rows = graded_enterprises(session, as_of, district, limit + 1, after_uscc)
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
