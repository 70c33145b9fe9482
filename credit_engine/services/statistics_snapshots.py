"""Month-end statistics, stored once and then read (docs/statistics.md, Trend).

The public page's trend has a point at each of the last 24 months' ends. A closed month's
figures are counted once, stored (storage/repositories/statistics_snapshots.py) and read
from then on: by the nightly `statistics_snapshots` job right after the month closes (when
only the subjects regraded since need a look-up of their grade then, so it is cheap), or on
first need by a page. A snapshot is what was published: a grade stored later for a date in a
closed month (a regrade of a past date) does not change it; `credit-engine statistics
rebuild --from DAY` drops the snapshots from DAY on and counts them again.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from credit_engine.services.statistics import compute_statistics, figures, trend_dates
from credit_engine.storage.repositories import statistics_reads, statistics_snapshots

TREND_MONTHS = 24


def month_end_figures(session: Session, on: date, district: str | None) -> dict[str, Any]:
    """The statistics of a closed day: the stored snapshot, or counted and stored now."""
    found = statistics_snapshots.stored(session, on, district)
    if found is not None:
        return found
    result = compute_statistics(session, on, district)
    statistics_snapshots.add(session, on, district, result)
    return result


def store_month_ends(session: Session, today: date, months: int = TREND_MONTHS) -> int:
    """Store the missing snapshots of the closed month ends of the trend up to `today`, for
    all districts and each one; one grouped count per month end. How many were stored."""
    closed = [day for day in trend_dates(today, months) if day < today]
    have = statistics_snapshots.stored_days(session, closed)
    wanted: list[str | None] = [None, *statistics_snapshots.districts(session)]
    stored = 0
    for day in closed:
        missing = [d for d in wanted if (day, d) not in have]
        if not missing:
            continue
        groups = statistics_reads.summary_groups(session, day, None)
        for district in missing:
            mine = [g for g in groups if district is None or g.district == district]
            listed = statistics_reads.listed_person_count(session, day, district)
            statistics_snapshots.add(session, day, district,
                                     figures(mine, day, district, listed))
            stored += 1
    return stored


def rebuild_from(session: Session, first: date, today: date,
                 months: int = TREND_MONTHS) -> tuple[int, int]:
    """Drop the snapshots of `first` and later and store the trend's again: (dropped,
    stored). For late data that changed a closed month, when the office decides to
    republish."""
    dropped = statistics_snapshots.drop_from(session, first)
    return dropped, store_month_ends(session, today, months)
