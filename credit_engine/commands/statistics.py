"""`credit-engine statistics rebuild --from DAY`: count the stored month-end statistics again.

A month-end snapshot (services/statistics_snapshots.py) is what the public trend published;
a grade stored later for a day in a closed month does not change it. When the office decides
to republish, this drops the snapshots from DAY on and stores the trend's month ends again,
as of the service's business date (audited as `statistics.rebuild`).
"""

from __future__ import annotations

from datetime import datetime

import click
from sqlalchemy.orm import Session

from credit_engine.commands.db import migrated_container
from credit_engine.services.audit import append_audit
from credit_engine.services.statistics_snapshots import rebuild_from


@click.group()
def statistics() -> None:
    """The plan's statistics: the stored month-end snapshots of the public trend."""


@statistics.command()
@click.option("--from", "first", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The first day (YYYY-MM-DD) whose snapshots are counted again.")
def rebuild(first: datetime) -> None:
    """Drop the month-end snapshots from --from on and store them again."""
    day = first.date()
    container = migrated_container()
    today = container.settings.today()
    if day > today:
        container.engine.dispose()
        raise click.BadParameter(f"{day} is after the business date {today}",
                                 param_hint="--from")

    def work(session: Session) -> tuple[int, int]:
        dropped, stored = rebuild_from(session, day, today)
        append_audit(session, "cli", "statistics.rebuild", "statistics",
                     {"from": day.isoformat(), "dropped": dropped, "stored": stored})
        return dropped, stored
    try:
        dropped, stored = container.run(work)
    finally:
        container.engine.dispose()
    click.echo(f"statistics snapshots from {day}: {dropped} dropped, {stored} stored")
