"""Chinese working days: statutory holidays, official yearly schedules, local additions.

Three layers decide whether a day is a working day (docs/working-days.md):

1. Statutory public holidays, fixed by the State Council's regulation on national
   holidays (2024 revision, in force from 2025), computed for any year with the
   `holidays` library (its China calendar, statutory days only: no "observed" days and
   none of its copies of yearly schedules).
2. The official schedule of a year published by the State Council's General Office:
   bridging days off and make-up working days (调休). Shipped as data, one YAML file a
   year, loaded by `credit_engine.calendars` (this module reads no files).
3. The local holidays file (CREDIT_ENGINE_HOLIDAYS_FILE): local closures, make-up working
   days of years not shipped yet, and `YYYY complete` for a year whose schedule it holds.

A year without a schedule counts weekends and statutory holidays only; a deadline that
crosses such a year is *provisional*.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import holidays

from credit_engine.errors import CreditEngineError

OBJECTION_WORKING_DAYS = 15

# The names the `holidays` China calendar (in zh_CN) gives the statutory
# days; anything else it lists (its copies of yearly schedules: "休息日（由 … 调休）",
# extensions, anniversaries) is not statutory.
STATUTORY_NAMES = frozenset({"元旦", "农历除夕", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"})


class HolidaysFileError(CreditEngineError):
    """The local holidays file or a shipped schedule is invalid; names the file and line."""

    title = "Invalid holidays file"


@lru_cache(maxsize=None)
def statutory_holidays(year: int) -> frozenset[date]:
    """The statutory public holidays of `year` (weekends included when they fall on one)."""
    # The language is explicit: the library otherwise follows the process locale.
    found = holidays.China(years=year, observed=False, categories=holidays.PUBLIC,
                           language="zh_CN")
    return frozenset(day for day, name in found.items()
                     if set(name.split("; ")) & STATUTORY_NAMES)


@dataclass(frozen=True)
class YearSchedule:
    """One year's official schedule: bridging days off and make-up working days."""

    year: int
    days_off: frozenset[date]
    working_days: frozenset[date]
    source: str


@dataclass(frozen=True)
class LocalAdditions:
    """What the local holidays file adds: closures, make-up working days, complete years."""

    closures: frozenset[date] = frozenset()
    working_days: frozenset[date] = frozenset()
    complete_years: frozenset[int] = frozenset()


def _parse_line(text: str) -> tuple[str, date | int]:
    words = text.split()
    if len(words) == 2 and words[1] == "complete" and words[0].isdigit() and len(words[0]) == 4:
        return "complete", int(words[0])
    if len(words) in (1, 2) and (len(words) == 1 or words[1] in ("off", "work")):
        day = date.fromisoformat(words[0])  # ValueError: reported with the line
        return (words[1] if len(words) == 2 else "off"), day
    raise ValueError


def parse_holidays_file(lines: Iterable[str], source: str = "holidays file") -> LocalAdditions:
    """`YYYY-MM-DD [off]`, `YYYY-MM-DD work`, `YYYY complete` lines; `#` starts a comment."""
    found: dict[str, set[Any]] = {"off": set(), "work": set(), "complete": set()}
    for number, line in enumerate(lines, start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        try:
            kind, value = _parse_line(text)
        except ValueError:
            raise HolidaysFileError(
                f"{source}, line {number}: {text!r} is not one of `YYYY-MM-DD`, "
                "`YYYY-MM-DD off`, `YYYY-MM-DD work` or `YYYY complete`") from None
        other = {"off": "work", "work": "off"}.get(kind)
        if other and value in found[other]:
            raise HolidaysFileError(
                f"{source}, line {number}: {value} is listed both as a day off and as a "
                "working day")
        found[kind].add(value)
    return LocalAdditions(frozenset(found["off"]), frozenset(found["work"]),
                          frozenset(found["complete"]))


@dataclass(frozen=True)
class ObjectionDeadline:
    """A deadline, provisional when the days it counts cross a year without a schedule."""

    day: date
    provisional: bool
    unscheduled_years: tuple[int, ...] = field(default=())


class WorkingDayCalendar:
    """Decides whether a day is a working day and counts working days forward."""

    def __init__(self, extra_holidays: Iterable[date] = (), *,
                 schedules: Mapping[int, YearSchedule],
                 local: LocalAdditions | None = None) -> None:
        """`schedules`: the official schedules known, by year (`credit_engine.calendars`
        loads the shipped ones); `local`: the additions of the local holidays file."""
        local = local or LocalAdditions()
        self.closures = local.closures | frozenset(extra_holidays)
        self.extra_working_days = local.working_days
        self.schedules = dict(schedules)
        self.local_complete_years = local.complete_years

    def has_schedule(self, year: int) -> bool:
        """Whether the official schedule of `year` is known (shipped or marked complete)."""
        return year in self.schedules or year in self.local_complete_years

    def is_working_day(self, day: date) -> bool:
        """Local additions first, then the year's schedule, then statutory days and weekends."""
        if day in self.closures:
            return False
        if day in self.extra_working_days:
            return True
        schedule = self.schedules.get(day.year)
        if schedule is not None:
            if day in schedule.working_days:
                return True
            if day in schedule.days_off:
                return False
        return day.weekday() < 5 and day not in statutory_holidays(day.year)

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

    def deadline(self, published_on: date) -> ObjectionDeadline:
        """The last day to object, and whether it is provisional."""
        day = self.add_working_days(published_on, OBJECTION_WORKING_DAYS)
        first = published_on + timedelta(days=1)
        missing = tuple(y for y in range(first.year, day.year + 1) if not self.has_schedule(y))
        return ObjectionDeadline(day, bool(missing), missing)

    def objection_deadline(self, published_on: date) -> date:
        """Last day to object: the 15th working day after the publication date."""
        return self.deadline(published_on).day
