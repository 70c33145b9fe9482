"""The `credit-engine` command. Each command group lives in `credit_engine/commands/`."""

from __future__ import annotations

import click

from credit_engine.commands import audit, calendar, db, jobs, keys, regrade, rules, serve


@click.group()
@click.version_option(package_name="credit-engine")
def main() -> None:
    """Food-safety credit rating and joint reward/punishment rule engine."""


for command in (db.db, keys.keys, serve.serve, regrade.regrade, rules.rules, audit.audit,
                jobs.jobs, jobs.scheduler, calendar.calendar):
    main.add_command(command)
