"""Official yearly holiday schedules, one YAML file a year, and the local holidays file:
read here and handed to the domain's `WorkingDayCalendar` (docs/working-days.md)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from credit_engine.domain.working_days import (
    HolidaysFileError, LocalAdditions, WorkingDayCalendar, YearSchedule, parse_holidays_file,
)

SCHEDULES_PACKAGE = "credit_engine.calendars"


def load_holidays_file(path: Path | None) -> LocalAdditions:
    """The additions of the local holidays file at `path`; none when no file is configured."""
    if path is None:
        return LocalAdditions()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise HolidaysFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return parse_holidays_file(text.splitlines(), str(path))


def _dates(data: dict[str, Any], key: str, year: int, source: str) -> frozenset[date]:
    values = data.get(key) or []
    if not isinstance(values, list):
        raise HolidaysFileError(f"{source}: {key} must be a list of dates")
    days = set()
    for value in values:
        day = value if isinstance(value, date) else None
        if day is None or day.year != year:
            raise HolidaysFileError(f"{source}: {key}: {value!r} is not a date in {year}")
        days.add(day)
    return frozenset(days)


def parse_schedule(text: str, source: str) -> YearSchedule:
    """One shipped schedule file: `year`, `source` (the notice), `days_off`, `working_days`."""
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or not isinstance(data.get("year"), int):
        raise HolidaysFileError(f"{source}: needs `year: YYYY`")
    notice = data.get("source")
    if not isinstance(notice, dict) or not notice.get("title") or not notice.get("date"):
        raise HolidaysFileError(f"{source}: needs `source` with the notice's title and date")
    year = data["year"]
    off, work = (_dates(data, key, year, source) for key in ("days_off", "working_days"))
    if off & work:
        raise HolidaysFileError(f"{source}: {sorted(off & work)[0]} is both off and working")
    number = f"{notice['number']}, " if notice.get("number") else ""
    return YearSchedule(year, off, work, f"{notice['title']} ({number}{notice['date']})")


@lru_cache(maxsize=1)
def shipped_schedules() -> Mapping[int, YearSchedule]:
    """The official schedules shipped with the package, by year."""
    schedules: dict[int, YearSchedule] = {}
    for entry in resources.files(SCHEDULES_PACKAGE).iterdir():
        if entry.name.endswith(".yaml"):
            schedule = parse_schedule(entry.read_text(encoding="utf-8"), entry.name)
            if entry.name != f"{schedule.year}.yaml":
                raise HolidaysFileError(f"{entry.name}: holds year {schedule.year}")
            schedules[schedule.year] = schedule
    return schedules


def official_calendar(holidays_file: Path | None = None) -> WorkingDayCalendar:
    """The shipped schedules plus the additions of the local holidays file (if any)."""
    return WorkingDayCalendar(schedules=shipped_schedules(), local=load_holidays_file(holidays_file))


@lru_cache(maxsize=8)
def calendar_for(holidays_file: Path | None) -> WorkingDayCalendar:
    """The calendar of a holidays file, read once per process (restart to re-read it)."""
    return official_calendar(holidays_file)
