"""`credit-engine webhooks`: add, list and remove the receivers of the change feed."""

from __future__ import annotations

from pathlib import Path

import click

from credit_engine.commands.db import local_moment, migrated_container, run_command
from credit_engine.services.webhooks import (
    add_webhook,
    remove_webhook,
    webhook_statuses,
)
from credit_engine.validation.webhooks import MAX_SECRET

_COLUMNS = ("name", "url", "backlog", "delivered", "last_error_at", "last_error")


@click.group()
def webhooks() -> None:
    """Webhook endpoints: each change of the change feed is POSTed to each, signed."""


def _read_secret(path: Path) -> str:
    # The file, not the command line: a secret in argv shows in `ps` and shell history.
    try:
        raw = path.read_bytes()[: MAX_SECRET * 4 + 2]
        return raw.decode("utf-8").rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as error:
        raise click.BadParameter(f"cannot read the secret: {error}",
                                 param_hint="--secret-file") from None


@webhooks.command()
@click.option("--name", required=True, help="Unique name of the receiving system.")
@click.option("--url", required=True, help="http(s) URL that receives the POSTs.")
@click.option("--secret-file", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="File holding the signing secret (16 to 1024 characters; one trailing "
                   "newline ignored).")
def add(name: str, url: str, secret_file: Path) -> None:
    """Add an endpoint: it receives every change recorded from now on."""
    secret = _read_secret(secret_file)
    run_command(lambda session: add_webhook(session, name, url, secret, actor="cli"))
    click.echo(f"added webhook {name!r} -> {url}")


@webhooks.command(name="list")
def list_() -> None:
    """List endpoints: name, URL, backlog (changes not yet delivered), delivered, and the
    last error with its time (configured time zone)."""
    container = migrated_container()
    try:
        with container.session_factory() as session:
            rows = webhook_statuses(session)
    finally:
        container.engine.dispose()
    zone = container.settings.tz
    click.echo("\t".join(_COLUMNS))
    for row in rows:
        error = (row.last_error or "-").replace("\t", " ").replace("\n", " ")
        click.echo("\t".join((row.name, row.url, str(row.backlog), str(row.delivered),
                              local_moment(row.last_error_at, zone), error)))


@webhooks.command()
@click.option("--name", required=True, help="The endpoint to remove.")
def remove(name: str) -> None:
    """Remove an endpoint with its pending deliveries and delivery log."""
    run_command(lambda session: remove_webhook(session, name, actor="cli"))
    click.echo(f"removed webhook {name!r}")

