"""`credit-engine keys`: create, list, rotate and revoke API keys (never over HTTP)."""

from __future__ import annotations

from datetime import date, datetime

import click

from credit_engine.commands.db import as_click_error, local_moment, migrated_container, run_command
from credit_engine.domain.scopes import SCOPE_NAMES
from credit_engine.errors import CreditEngineError
from credit_engine.services.keys import (
    MAX_GRACE_HOURS, create_key, list_keys, revoke_key, rotate_key,
)

_COLUMNS = ("name", "prefix", "scopes", "created", "expires", "last_used",
            "previous_secret_until", "revoked")


@click.group()
def keys() -> None:
    """API keys for the /api/v1/ endpoints."""


@keys.command()
@click.option("--name", required=True, help="Unique name of the consuming system.")
@click.option("--scopes", required=True,
              help=f"Comma-separated scopes: {', '.join(sorted(SCOPE_NAMES))}.")
@click.option("--expires", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Last day the key is valid (YYYY-MM-DD, through its end in the configured "
                   "time zone); default: no expiry.")
def create(name: str, scopes: str, expires: datetime | None) -> None:
    """Create a key; the key itself is printed alone on the last line, once."""
    container = migrated_container()
    expires_on = expires.date() if expires is not None else None
    try:
        with container.transaction() as session:
            key = create_key(session, name, scopes, actor="cli", expires_on=expires_on)
        today = container.settings.today()
    except CreditEngineError as error:
        raise as_click_error(error) from error
    finally:
        container.engine.dispose()
    if expires_on is not None and expires_on < today:
        click.echo(f"note: {expires_on} is before today ({today}): the key is already expired",
                   err=True)
    valid = f"valid through {expires_on} ({container.settings.timezone})" if expires_on \
        else "no expiry"
    click.echo(f"created API key {name!r} ({valid}); store it now, it cannot be shown again:")
    click.echo(key)


@keys.command(name="list")
def list_() -> None:
    """List keys: name, prefix, scopes, created, expires, last use, the previous secret's
    end after a rotation, revoked (never the key); moments in the configured time zone."""
    container = migrated_container()
    try:
        with container.session_factory() as session:
            rows = list_keys(session)
    finally:
        container.engine.dispose()
    zone = container.settings.tz
    click.echo("\t".join(_COLUMNS))
    for row in rows:
        click.echo("\t".join((
            row.name, row.prefix, row.scopes, local_moment(row.created_at, zone), _day(row.expires_on),
            local_moment(row.last_used_at, zone), local_moment(row.previous_valid_until, zone),
            local_moment(row.revoked_at, zone))))


@keys.command()
@click.argument("name")
@click.option("--grace-hours", type=click.FloatRange(0, MAX_GRACE_HOURS), default=24.0,
              show_default=True, help="How long the current secret keeps working.")
def rotate(name: str, grace_hours: float) -> None:
    """Give the key NAME a new secret, printed alone on the last line, once; the current
    secret keeps working for the grace period, then answers 401."""
    container = migrated_container()
    now = container.settings.clock()
    try:
        with container.transaction() as session:
            key = rotate_key(session, name, now, grace_hours, actor="cli")
    except CreditEngineError as error:
        raise as_click_error(error) from error
    finally:
        container.engine.dispose()
    click.echo(f"rotated API key {name!r}; the previous secret works for {grace_hours:g} more "
               "hours. Store the new one now, it cannot be shown again:")
    click.echo(key)


@keys.command()
@click.argument("name")
def revoke(name: str) -> None:
    """Revoke the key NAME; it stops working at once."""
    run_command(lambda session: revoke_key(session, name, actor="cli"))
    click.echo(f"revoked API key {name!r}")


def _day(day: date | None) -> str:
    return "-" if day is None else day.isoformat()
