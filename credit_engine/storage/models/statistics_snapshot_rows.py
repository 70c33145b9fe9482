"""The plan's statistics as published for a closed month's end (docs/statistics.md, Trend).

The public page's trend shows 24 month-end points; each is stored here once (by the nightly
`statistics_snapshots` job, or on first need) instead of counted over every enterprise on
each view. A snapshot is what was published: late data for a closed month does not change it
until `credit-engine statistics rebuild --from` recomputes it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from credit_engine.storage.models.base import Base, utcnow

ALL_DISTRICTS = ""  # the `district` of the snapshot over every enterprise


class StatisticsSnapshotRow(Base):
    """The statistics document (services/statistics.py `figures`) of one day and district."""

    __tablename__ = "statistics_snapshots"

    as_of: Mapped[date] = mapped_column(Date, primary_key=True)
    district: Mapped[str] = mapped_column(String(100), primary_key=True)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
