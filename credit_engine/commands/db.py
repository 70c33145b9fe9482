"""`credit-engine db`: create or migrate the schema, and show its revision."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from typing import TypeVar

import click
from sqlalchemy.orm import Session

from credit_engine.bootstrap import Container, bootstrap
from credit_engine.errors import CreditEngineError, ValidationFailed
from credit_engine.storage.migrate import current_revision, head_revision, upgrade_database

T = TypeVar("T")


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
    problem = _key_file_problem(container)  # the schema is at head: checked just above
    if problem:
        container.engine.dispose()
        raise click.ClickException(problem)
    return container


def data_key_problem(container: Container) -> str | None:
    """Why the configured data-key file does not open the stored personal data, or None."""
    if current_revision(container.engine) != head_revision():
        return None  # nothing to check against yet: `db upgrade` comes first
    return _key_file_problem(container)


def _key_file_problem(container: Container) -> str | None:
    from credit_engine.config import variable_name
    from credit_engine.storage.repositories.person_keys import key_file_problem

    with container.session_factory() as session:
        problem = key_file_problem(session, container.personal_data.ring)
    if problem is None:
        return None
    return (f"{variable_name('data_key_file')}: the data key file "
            f"({container.personal_data.path}) does not open the stored personal data: "
            f"{problem}")


def as_click_error(error: CreditEngineError) -> click.ClickException:
    """A service error as a one-line command-line error naming the fields at fault."""
    if isinstance(error, ValidationFailed):
        fields = "; ".join(f"{field}: {', '.join(map(str, messages))}"
                           for field, messages in error.errors.items())
        return click.ClickException(f"{error.detail} {fields}")
    return click.ClickException(error.detail)


def run_command(use_case: Callable[[Session], T]) -> T:
    """`use_case` in one transaction on the migrated database, for one command: a service
    error becomes a one-line command error naming the fields; the engine is disposed."""
    container = migrated_container()
    try:
        return container.run(use_case)
    except CreditEngineError as error:
        raise as_click_error(error) from error
    finally:
        container.engine.dispose()


def local_moment(moment: datetime | None, zone: tzinfo) -> str:
    """A stored moment in the configured time zone, to the second; "-" for none."""
    if moment is None:
        return "-"
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite: naive UTC
    return aware.astimezone(zone).isoformat(timespec="seconds")
