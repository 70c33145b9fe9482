"""Engine construction: SQLite with safe pragmas, PostgreSQL through psycopg 3."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

# Applied on every new SQLite connection. WAL lets readers run beside one writer;
# busy_timeout makes a second writer wait instead of failing at once.
SQLITE_PRAGMAS = (
    "PRAGMA foreign_keys=ON",
    "PRAGMA journal_mode=WAL",
    "PRAGMA busy_timeout=5000",
    "PRAGMA synchronous=NORMAL",
)


def normalise_url(url: str | URL) -> URL:
    """Parse `url`; `postgresql://` and `postgres://` both mean psycopg 3."""
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername.startswith("postgresql") and parsed.drivername != "postgresql+psycopg":
        raise ValueError(
            f"database URL: driver {parsed.drivername!r} is not supported; "
            "use postgresql:// or postgresql+psycopg://"
        )
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValueError(
            f"database URL: backend {parsed.get_backend_name()!r} is not supported; "
            "use sqlite:/// or postgresql://"
        )
    return parsed


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # A plain cursor: toggling `dbapi_connection.autocommit` (the documented recipe)
    # fails on Python 3.11's sqlite3, and PRAGMAs do not open a transaction anyway.
    cursor = dbapi_connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def make_engine(url: str | URL, **kwargs: Any) -> Engine:
    """An engine for `url` with the project's connection settings applied."""
    parsed = normalise_url(url)
    options: dict[str, Any] = {"pool_pre_ping": True}
    options.update(kwargs)
    engine = create_engine(parsed, **options)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _set_sqlite_pragmas)
    return engine


def is_sqlite(engine: Engine) -> bool:
    """True when `engine` talks to SQLite."""
    return engine.dialect.name == "sqlite"


def database_problem(engine: Engine) -> str | None:
    """Why the database does not answer `SELECT 1` (None when it does): the readiness probe."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        return str(error)
    return None
