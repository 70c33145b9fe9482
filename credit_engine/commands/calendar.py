"""`credit-engine calendar status|recompute`: holiday schedules and provisional deadlines."""

from __future__ import annotations

from pathlib import Path

import click

from credit_engine.commands.db import migrated_container
from credit_engine.domain.working_days import WorkingDayCalendar
from credit_engine.services.announcements import (
    count_provisional_deadlines, recompute_provisional_deadlines,
)


@click.group()
def calendar() -> None:
    """Working days for objection deadlines: official schedules by year."""


def _year_lines(work: WorkingDayCalendar, holidays_file: Path | None,
                this_year: int) -> list[str]:
    """One line a year from the first scheduled one to next year (or the last scheduled)."""
    years = set(work.schedules) | set(work.local_complete_years)
    lines = []
    for year in range(min(years | {this_year}), max(years | {this_year + 1}) + 1):
        if year in work.schedules:
            lines.append(f"{year}  official schedule (shipped): {work.schedules[year].source}")
        elif year in work.local_complete_years:
            lines.append(f"{year}  official schedule (holidays file {holidays_file})")
        else:
            lines.append(f"{year}  statutory holidays only: deadlines crossing it are provisional")
    return lines


@calendar.command()
def status() -> None:
    """Which years have an official schedule, and how many deadlines are provisional."""
    container = migrated_container()
    try:
        with container.session_factory() as session:
            provisional = count_provisional_deadlines(session)
        work_calendar = container.calendar
        this_year = container.settings.today().year
    finally:
        container.engine.dispose()
    for line in _year_lines(work_calendar, container.settings.holidays_file, this_year):
        click.echo(line)
    click.echo("later years: statutory holidays only")
    click.echo(f"provisional objection deadlines: {provisional}")


@calendar.command()
def recompute() -> None:
    """Recount provisional deadlines now (e.g. after adding a year's schedule); audited."""
    container = migrated_container()
    try:
        with container.transaction() as session:
            done = recompute_provisional_deadlines(session, container.calendar, "cli")
    finally:
        container.engine.dispose()
    click.echo(f"provisional deadlines checked: {done.checked}, moved later: {len(done.moved)}, "
               f"no longer provisional: {len(done.settled)}")
