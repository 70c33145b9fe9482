"""`credit-engine keys`: create, list and revoke API keys (never over HTTP)."""

from __future__ import annotations

from datetime import datetime, timezone

import click

from credit_engine.commands.db import as_click_error, migrated_container
from credit_engine.domain.scopes import SCOPE_NAMES
from credit_engine.errors import CreditEngineError
from credit_engine.services.keys import create_key, list_keys, revoke_key


@click.group()
def keys() -> None:
    """API keys for the /api/v1/ endpoints."""


@keys.command()
@click.option("--name", required=True, help="Unique name of the consuming system.")
@click.option("--scopes", required=True,
              help=f"Comma-separated scopes: {', '.join(sorted(SCOPE_NAMES))}.")
def create(name: str, scopes: str) -> None:
    """Create a key; the key itself is printed alone on the last line, once."""
    container = migrated_container()
    try:
        with container.transaction() as session:
            key = create_key(session, name, scopes, actor="cli")
    except CreditEngineError as error:
        raise as_click_error(error) from error
    finally:
        container.engine.dispose()
    click.echo(f"created API key {name!r}; store it now, it cannot be shown again:")
    click.echo(key)


@keys.command(name="list")
def list_() -> None:
    """List keys: name, prefix, scopes, created, revoked (never the key)."""
    container = migrated_container()
    try:
        with container.session_factory() as session:
            rows = list_keys(session)
    finally:
        container.engine.dispose()
    click.echo("\t".join(("name", "prefix", "scopes", "created", "revoked")))
    for row in rows:
        click.echo("\t".join((row.name, row.prefix, row.scopes, _when(row.created_at),
                              _when(row.revoked_at))))


@keys.command()
@click.argument("name")
def revoke(name: str) -> None:
    """Revoke the key NAME; it stops working at once."""
    container = migrated_container()
    try:
        with container.transaction() as session:
            revoke_key(session, name, actor="cli")
    except CreditEngineError as error:
        raise as_click_error(error) from error
    finally:
        container.engine.dispose()
    click.echo(f"revoked API key {name!r}")


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "-"
    aware = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)  # SQLite: naive UTC
    return aware.astimezone(timezone.utc).isoformat(timespec="seconds")
