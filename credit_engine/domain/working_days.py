"""Chinese working days: public holidays, official make-up working days, local closures.

The official arrangement comes from `chinesecalendar` (package `chinese_calendar`): it
publishes each year's State Council notice, including the make-up working days on
weekends (调休), which a weekend-only or holidays-only calendar gets wrong. A year the
library does not know yet (it raises NotImplementedError) falls back to "Monday to
Friday" with a logged warning, once per year. Extra local closures come from a plain
file: one ISO date per line, `#` starts a comment.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar

from credit_engine.errors import CreditEngineError

log = logging.getLogger(__name__)

OBJECTION_WORKING_DAYS = 15


class HolidaysFileError(CreditEngineError):
    """The extra-holidays file cannot be read; names the file and the line."""

    title = "Invalid holidays file"


def parse_extra_holidays(lines: Iterable[str], source: str = "holidays file") -> frozenset[date]:
    """Dates from `YYYY-MM-DD` lines; blank lines and `#` comments are ignored."""
    days: set[date] = set()
    for number, line in enumerate(lines, start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        try:
            days.add(date.fromisoformat(text))
        except ValueError:
            raise HolidaysFileError(
                f"{source}, line {number}: {text!r} is not a date in YYYY-MM-DD form"
            ) from None
    return frozenset(days)


def load_extra_holidays(path: Path | None) -> frozenset[date]:
    """The dates of the extra-holidays file at `path`; none when no file is configured."""
    if path is None:
        return frozenset()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise HolidaysFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return parse_extra_holidays(text.splitlines(), str(path))


class WorkingDayCalendar:
    """Decides whether a day is a working day and counts working days forward."""

    def __init__(self, extra_holidays: Iterable[date] = ()) -> None:
        self.extra_holidays = frozenset(extra_holidays)
        self._warned_years: set[int] = set()

    @classmethod
    def from_file(cls, path: Path | None) -> "WorkingDayCalendar":
        """A calendar with the local closures listed in `path` (or none)."""
        return cls(load_extra_holidays(path))

    def is_working_day(self, day: date) -> bool:
        """Official arrangement where known, else Monday to Friday; never a local closure."""
        if day in self.extra_holidays:
            return False
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            if day.year not in self._warned_years:
                self._warned_years.add(day.year)
                log.warning(
                    "chinesecalendar has no official holiday arrangement for %s; "
                    "counting Monday to Friday as working days for that year "
                    "(update the chinesecalendar package)", day.year)
            return day.weekday() < 5

    def add_working_days(self, start: date, count: int) -> date:
        """The `count`-th working day after `start` (`start` itself never counts)."""
        if count < 1:
            raise ValueError("count must be at least 1")
        day, found = start, 0
        while found < count:
            day += timedelta(days=1)
            if self.is_working_day(day):
                found += 1
        return day

    def objection_deadline(self, published_on: date) -> date:
        """Last day to object: the 15th working day after the publication date."""
        return self.add_working_days(published_on, OBJECTION_WORKING_DAYS)


_configured: WorkingDayCalendar | None = None


def configure_calendar(calendar: WorkingDayCalendar | None) -> None:
    """Set the calendar used when a caller passes none (None: rebuild from the environment)."""
    global _configured
    _configured = calendar


def current_calendar() -> WorkingDayCalendar:
    """The configured calendar, or one built from CREDIT_ENGINE_HOLIDAYS_FILE."""
    global _configured
    if _configured is None:
        from credit_engine.config import Settings

        _configured = WorkingDayCalendar.from_file(Settings.from_env().holidays_file)
    return _configured
