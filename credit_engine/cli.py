"""The `credit-engine` command. Each command group lives in `credit_engine/commands/`."""

from __future__ import annotations

import click

from credit_engine.commands import (
    audit, backup, calendar, data_key, db, jobs, keys, regrade, rules, serve, worker,
)
from credit_engine.commands import webhooks
from credit_engine.commands import users
from credit_engine.commands import statistics
from credit_engine.config import InvalidSettings, Settings


@click.group()
@click.version_option(package_name="credit-engine")
def main() -> None:
    """Food-safety credit rating and joint reward/punishment rule engine."""
    try:  # every command stops here on a bad CREDIT_ENGINE_* value, naming it
        Settings.from_env()
    except InvalidSettings as error:
        raise click.ClickException(str(error)) from None


for command in (db.db, keys.keys, serve.serve, regrade.regrade, rules.rules, audit.audit,
                jobs.jobs, jobs.scheduler, calendar.calendar, data_key.data_key,
                backup.backup, worker.worker, webhooks.webhooks, users.users,
                statistics.statistics):
    main.add_command(command)
