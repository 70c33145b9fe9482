"""Keeping `grades_in_force` (models/grades_in_force_rows.py) equal to the stored grades.

Two writers touch what it copies: the grade writer (`storage/grades.py` `store_grade`) calls
`keep_latest` with every grade it stores, and the enterprise writer calls
`follow_enterprise` when an enterprise is saved; both in their own transaction, so the row
never disagrees with what was committed. `keep_latest` is one upsert that only replaces an
older row (`as_of` ≥ the row's): a grade stored for an earlier date, when a later one is
already there, leaves the row alone.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from credit_engine.domain.grade_summary import GradeSummary
from credit_engine.storage.models import EnterpriseRow, GradeInForceRow

_SUMMARY = ("catering_rating", "licensing_restricted", "listed_until", "open_kitchen",
            "traceability", "insured")


@lru_cache(maxsize=2)
def _upsert(dialect_name: str) -> Any:
    """The upsert, built once per dialect: it runs for every stored grade, so it is a
    cached statement with bound parameters, executed on the connection (no ORM overhead)."""
    table = GradeInForceRow.__table__
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    place = select(EnterpriseRow.district, EnterpriseRow.category).where(
        bindparam("subject_type") == "enterprise", EnterpriseRow.uscc == bindparam("subject_id"))
    values: dict[str, Any] = {name: bindparam(name) for name in (
        "subject_type", "subject_id", "as_of", "grade", *_SUMMARY)}
    insert = dialect.insert(table).values(
        **values,
        district=place.with_only_columns(EnterpriseRow.district).scalar_subquery(),
        category=place.with_only_columns(EnterpriseRow.category).scalar_subquery())
    changed = {name: insert.excluded[name]
               for name in ("as_of", "grade", *_SUMMARY, "district", "category")}
    return insert.on_conflict_do_update(
        index_elements=["subject_type", "subject_id"], set_=changed,
        where=table.c.as_of <= insert.excluded.as_of)


def keep_latest(session: Session, subject_type: str, subject_id: str, as_of: date,
                grade: str, summary: GradeSummary) -> None:
    """Make the subject's row this grade's when it is the latest stored (one statement; an
    enterprise's district and category read in it). The session is not flushed: the grade's
    own row may wait for the session's batched flush."""
    connection = session.connection()
    connection.execute(_upsert(connection.dialect.name), {
        "subject_type": subject_type, "subject_id": subject_id, "as_of": as_of,
        "grade": grade, **asdict(summary)})


def follow_enterprise(session: Session, uscc: str, district: str | None,
                      category: str | None) -> None:
    """Copy an enterprise's district and category to its row (if it has been graded)."""
    session.execute(update(GradeInForceRow)
                    .where(GradeInForceRow.subject_type == "enterprise",
                           GradeInForceRow.subject_id == uscc)
                    .values(district=district, category=category),
                    execution_options={"synchronize_session": False})
