"""Calendar arithmetic used by windows, bans and listings (docs/domain.md, settled readings)."""

from __future__ import annotations

import calendar
from datetime import date
from functools import lru_cache


@lru_cache(maxsize=1 << 16)  # hot in grading (every record x every window); pure, few distinct inputs
def add_months(day: date, months: int) -> date:
    """`day` plus `months` calendar months, the day clamped to the month's end."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def add_years(day: date, years: int) -> date:
    """`day` plus whole years (29 February becomes 28 February)."""
    return add_months(day, 12 * years)


def within_months(occurred_on: date, as_of: date, months: int) -> bool:
    """True when a record dated `occurred_on` counts as of `as_of`: O <= D < O + N months."""
    return occurred_on <= as_of < add_months(occurred_on, months)
