"""An in-process cache for statistics pages, per `as_of` date (docs/statistics.md, Caching).

Today's figures over a million enterprises cost about a second (one scan of
`grades_in_force`); the public statistics page also shows the grade mix at the end of each
of the last 24 months. A closed month's end is read from its stored snapshot
(services/statistics_snapshots.py: counted once, ever) and kept here for as long as the
business date stays the same; figures for the date itself are kept `ttl_seconds` only (a
regrade may store today's grades meanwhile). When the business date moves on, everything is
dropped: the cache is invalidated by date. Each server process has its own (no shared state
to go stale across restarts).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from credit_engine.services.statistics import mix_of, trend_dates
from credit_engine.services.statistics_snapshots import month_end_figures
from credit_engine.storage.repositories import statistics_reads


class StatisticsCache:
    """Values computed for one business date, each kept for the day or for `ttl_seconds`."""

    def __init__(self, ttl_seconds: float = 600.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl, self._clock = ttl_seconds, clock
        self._lock = threading.Lock()
        self._date: date | None = None
        self._values: dict[Hashable, tuple[Any, float | None]] = {}
        self.computed = 0  # how many values were computed rather than found (tests, metrics)

    def get(self, today: date, key: Hashable, compute: Callable[[], Any], *,
            for_the_day: bool) -> Any:
        """The value of `key` for business date `today`, computing it when absent or
        expired; `for_the_day`: it cannot change before the date does."""
        now = self._clock()
        with self._lock:
            if today != self._date:
                self._date, self._values = today, {}
            found = self._values.get(key)
            if found is not None and (found[1] is None or found[1] > now):
                return found[0]
        value = compute()  # outside the lock: two requests may both compute, never block
        with self._lock:
            if today == self._date:
                self.computed += 1
                self._values[key] = (value, None if for_the_day else now + self._ttl)
        return value

    def grade_trend(self, session_of: Callable[[Callable[[Session], Any]], Any], today: date,
                    as_of: date, district: str | None,
                    months: int = 24) -> list[tuple[date, dict[str, int]]]:
        """The grade mix in force at each month's end over the last `months` months up to
        `as_of` (services.statistics.grade_trend), each point cached; `session_of` runs a
        read in a transaction (Container.run or api.runtime.run_use_case)."""
        series = []
        for day in trend_dates(as_of, months):
            if day < today:  # a closed day: its stored snapshot (counted once, ever)
                mix = self.get(today, ("grade_mix", district, day),
                               lambda day=day: dict(session_of(  # type: ignore[misc]
                                   lambda s: month_end_figures(s, day, district))["grades"]),
                               for_the_day=True)
            else:
                mix = self.get(today, ("grade_mix", district, day),
                               lambda day=day: mix_of(session_of(  # type: ignore[misc]
                                   lambda s: statistics_reads.grade_mix(s, day, district))),
                               for_the_day=False)
            series.append((day, mix))
        return series
