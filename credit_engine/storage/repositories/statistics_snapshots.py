"""Stored month-end statistics (models/statistics_snapshot_rows.py): read, add, drop."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from credit_engine.storage.models import EnterpriseRow, StatisticsSnapshotRow
from credit_engine.storage.models.statistics_snapshot_rows import ALL_DISTRICTS


def _key(district: str | None) -> str:
    return ALL_DISTRICTS if district is None else district


def stored(session: Session, on: date, district: str | None) -> dict[str, Any] | None:
    """The figures stored for `on` and `district` (None: all districts), or None."""
    row = session.get(StatisticsSnapshotRow, (on, _key(district)))
    return None if row is None else row.figures


def stored_days(session: Session, days: list[date]) -> set[tuple[date, str | None]]:
    """Which of `days` have a snapshot, as (day, district or None)."""
    rows = session.execute(select(StatisticsSnapshotRow.as_of, StatisticsSnapshotRow.district)
                           .where(StatisticsSnapshotRow.as_of.in_(days)))
    return {(day, None if key == ALL_DISTRICTS else key) for day, key in rows}


def add(session: Session, on: date, district: str | None, figures: dict[str, Any]) -> None:
    """Store the figures unless a snapshot is already there (two servers may compute the
    same missing one: the first stored is the one published)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(StatisticsSnapshotRow).values(
        as_of=on, district=_key(district), figures=figures).on_conflict_do_nothing())


def drop_from(session: Session, first: date) -> int:
    """Delete the snapshots of `first` and later; how many."""
    dropped = session.execute(delete(StatisticsSnapshotRow)
                              .where(StatisticsSnapshotRow.as_of >= first))
    return int(dropped.rowcount or 0)  # type: ignore[attr-defined]


def districts(session: Session) -> list[str]:
    """Every district an enterprise names, sorted."""
    return sorted(session.scalars(select(EnterpriseRow.district).distinct()
                                  .where(EnterpriseRow.district.is_not(None))))
