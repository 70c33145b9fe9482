"""Alembic environment: the models' metadata, batch mode for SQLite, URL or connection
handed in by `credit_engine.storage.migrate.alembic_config`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from credit_engine.storage.database import make_engine
from credit_engine.storage.models import Base
from credit_engine.storage.migrate import include_object

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things: recreate tables instead
        compare_type=True,
        compare_server_default=True,
        include_object=include_object,
    )


def _migrate(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Batch mode drops and recreates tables; with foreign keys on, dropping a
        # referenced table would fail or cascade. The pragma is a no-op inside a
        # transaction, so it is set before Alembic begins one.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    try:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
    finally:
        if sqlite:  # the connection goes back to the pool: restore the engine's setting
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")


def run_migrations_online() -> None:
    """Run the migrations on the given connection, or on a new one to the given URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    url = config.attributes.get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL or connection given to the migrations")
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            _migrate(connection)
            connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported")
run_migrations_online()
