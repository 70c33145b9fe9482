"""`credit-engine db`: create or migrate the schema, and show its revision."""

from __future__ import annotations

import click

from credit_engine.bootstrap import Container, bootstrap
from credit_engine.errors import CreditEngineError, ValidationFailed
from credit_engine.storage.migrate import current_revision, head_revision, upgrade_database


@click.group()
def db() -> None:
    """Database schema (Alembic migrations shipped with the package)."""


@db.command()
def upgrade() -> None:
    """Create the schema or migrate it to the newest revision."""
    container = bootstrap()
    try:
        revision = upgrade_database(container.engine)
    finally:
        container.engine.dispose()
    click.echo(f"database at revision {revision} (head)")


@db.command()
def current() -> None:
    """Show the database's revision and the packaged head."""
    container = bootstrap()
    try:
        revision = current_revision(container.engine) or "none (empty database)"
    finally:
        container.engine.dispose()
    click.echo(f"database revision: {revision}\npackaged head: {head_revision()}")


def upgrade_embedded(database_url: str) -> None:
    """Migrate the embedded SQLite database to head (what `serve` does on its own)."""
    upgrade_database(database_url)


def migrated_container() -> Container:
    """The composition root, after checking that the schema is at the packaged head."""
    container = bootstrap()
    revision = current_revision(container.engine)
    if revision != head_revision():
        container.engine.dispose()
        raise click.ClickException(
            f"the database is at revision {revision or 'none'}, not {head_revision()}: "
            "run `credit-engine db upgrade` first"
        )
    return container


def as_click_error(error: CreditEngineError) -> click.ClickException:
    """A service error as a one-line command-line error naming the fields at fault."""
    if isinstance(error, ValidationFailed):
        fields = "; ".join(f"{field}: {', '.join(map(str, messages))}"
                           for field, messages in error.errors.items())
        return click.ClickException(f"{error.detail} {fields}")
    return click.ClickException(error.detail)
