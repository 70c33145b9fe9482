"""Schema upgrades: Alembic configured from code, so the installed package migrates alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine
from sqlalchemy.engine import URL

from credit_engine.storage.database import make_engine, normalise_url
from credit_engine.storage.models import Base

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | URL | None = None, connection: Connection | None = None) -> Config:
    """An Alembic Config for the packaged migrations, for `url` or an open `connection`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", str(MIGRATIONS_DIR / "versions"))
    if url is not None:
        # Stored unescaped in attributes: the ini interpolation would choke on '%' in passwords.
        config.attributes["url"] = normalise_url(url)
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision shipped with the package."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the package ships no migrations"  # a packaging bug, not input
    return head


# From this revision on personal data is encrypted: an SQLite file upgraded across it is
# rewritten, or its freed pages would still hold the plain ID numbers and names.
ENCRYPTED_FROM = "0006"


def upgrade_database(target: str | URL | Engine, revision: str = "head") -> str:
    """Create or migrate the schema of `target` (a URL or an engine) to `revision`."""
    engine = target if isinstance(target, Engine) else make_engine(target)
    try:
        before = current_revision(engine)
        if isinstance(target, Engine):
            with target.begin() as connection:
                command.upgrade(alembic_config(connection=connection), revision)
        else:
            command.upgrade(alembic_config(url=target), revision)
        after = current_revision(engine) or ""
        if before is not None and _crossed(before, after, ENCRYPTED_FROM):
            _rewrite_sqlite_file(engine)
        return after
    finally:
        if not isinstance(target, Engine):
            engine.dispose()


def _crossed(before: str, after: str, revision: str) -> bool:
    """Whether an upgrade from `before` to `after` applied `revision`."""
    script = ScriptDirectory.from_config(alembic_config())
    applied = {s.revision for s in script.iterate_revisions(after, before)} if after else set()
    return revision in applied


def _rewrite_sqlite_file(engine: Engine) -> None:
    """VACUUM and truncate the WAL: no freed page keeps what a migration replaced."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM")
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def current_revision(engine: Engine) -> str | None:
    """The revision the database of `engine` is at; None for an unmigrated database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_up_to_date(engine: Engine) -> bool:
    """True when the database of `engine` is at the packaged head revision."""
    return current_revision(engine) == head_revision()


# Tables other libraries keep in the same database: not ours to migrate or drop.
FOREIGN_TABLES = frozenset({"apscheduler_jobs"})


def include_object(obj: Any, name: str | None, type_: str, reflected: bool,
                   compare_to: Any) -> bool:
    """Alembic filter: leave other libraries' tables (and their indexes) alone."""
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return table not in FOREIGN_TABLES


def schema_differences(engine: Engine) -> list[Any]:
    """Alembic's diff between the models and the database (empty when they agree)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True,
                              "include_object": include_object}
        )
        return list(compare_metadata(context, Base.metadata))
