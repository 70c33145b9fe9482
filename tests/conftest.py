"""Shared fixtures: a fresh database per test on SQLite and on PostgreSQL.

`database_url` is parametrised over `sqlite` and `postgresql`; tests that use it (or
`settings`, `container`, `session`) run once per backend. The PostgreSQL server is named
by CREDIT_ENGINE_TEST_POSTGRES_URL (a role with CREATEDB); without it the postgresql
runs are skipped, unless CREDIT_ENGINE_REQUIRE_POSTGRES=1, which makes them fail.

Speed: the schema is migrated once per session (per xdist worker). SQLite tests get a
copy of the migrated file; PostgreSQL tests share one migrated database per worker whose
tables are emptied (and id sequences restarted) before each test.

Fixtures: `database_backend` ("sqlite" | "postgresql"), `database_url` (clean, at head),
`empty_database_url` (no tables: for migration tests), `settings`, `container`
(bootstrap(settings)), `session` (from the container's session factory), `container_on`
(containers on the same database whose clock stands at noon of a given day).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime
from datetime import time as day_time
from pathlib import Path

import pytest
from sqlalchemy import Engine, MetaData, create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool, StaticPool

from credit_engine.bootstrap import Container, bootstrap
from credit_engine.config import Settings, fixed_clock
from credit_engine.rules import RulesetRegistry
from credit_engine.storage.database import normalise_url
from credit_engine.storage.migrate import upgrade_database
from grading_builders import RULESETS_DIR

POSTGRES_URL_VAR = "CREDIT_ENGINE_TEST_POSTGRES_URL"
REQUIRE_POSTGRES_VAR = "CREDIT_ENGINE_REQUIRE_POSTGRES"
DB_PREFIX = "cet_"  # every test database starts so; nothing else on the server is touched
STALE_AFTER_SECONDS = 6 * 3600  # databases left behind by killed runs are dropped after this


class PostgresServer:
    """Creates and drops uniquely named test databases on one PostgreSQL server."""

    def __init__(self, url: str) -> None:
        self.base_url: URL = normalise_url(url)
        self.admin: Engine = create_engine(
            self.base_url, isolation_level="AUTOCOMMIT", poolclass=NullPool
        )
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        # Time first, so stale leftovers can be recognised; random, so parallel runs
        # (other people's, other workers') never collide.
        self.prefix = f"{DB_PREFIX}{int(time.time())}_{worker}_{secrets.token_hex(3)}"
        self.counter = 0

    def url_for(self, name: str) -> str:
        return self.base_url.set(database=name).render_as_string(hide_password=False)

    def create(self) -> tuple[str, str]:
        """A new empty database: its (name, url)."""
        self.counter += 1
        name = f"{self.prefix}_{self.counter}"
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        return name, self.url_for(name)

    def drop(self, name: str) -> None:
        # FORCE cannot end a session of another role (an autovacuum worker that just started
        # on the database): that one ends by itself within moments, so try again briefly.
        for attempt in range(20):
            try:
                with self.admin.connect() as connection:
                    connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                return
            except ProgrammingError as error:
                if "pg_signal_backend" not in str(error) or attempt == 19:
                    raise
                time.sleep(0.5)

    def drop_stale(self) -> None:
        """Drop test databases that killed runs left behind long ago."""
        with self.admin.connect() as connection:
            names = connection.scalars(
                text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
                {"p": f"{DB_PREFIX}%"},
            ).all()
        for name in names:
            match = re.match(rf"{DB_PREFIX}(\d+)_", name)
            if match and time.time() - int(match[1]) > STALE_AFTER_SECONDS:
                self.drop(name)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The test PostgreSQL server; skipped (or failed, when required) if not configured."""
    url = os.environ.get(POSTGRES_URL_VAR)
    required = os.environ.get(REQUIRE_POSTGRES_VAR) == "1"
    if not url:
        if required:
            pytest.fail(f"{REQUIRE_POSTGRES_VAR}=1 but {POSTGRES_URL_VAR} is not set",
                        pytrace=False)
        pytest.skip(f"{POSTGRES_URL_VAR} is not set")
    server = PostgresServer(url)
    try:
        server.drop_stale()
    except Exception as error:  # the server is named but unreachable: never silently skip
        pytest.fail(f"cannot use the PostgreSQL server in {POSTGRES_URL_VAR}: {error}",
                    pytrace=False)
    yield server
    server.admin.dispose()


class MigratedPostgresDatabase:
    """One database per session (per worker) at head, emptied before each test."""

    def __init__(self, url: str) -> None:
        self.url = url
        # One kept connection: reconnecting for every test would cost more than the reset.
        self.engine = create_engine(normalise_url(url), poolclass=StaticPool)
        reflected = MetaData()
        reflected.reflect(self.engine)
        with self.engine.connect() as connection:
            sequences = connection.scalars(text(
                "SELECT quote_ident(sequencename) FROM pg_sequences "
                "WHERE schemaname = current_schema()"
            )).all()
        # DELETE children before parents, then restart ids: ten times faster than
        # TRUNCATE on the handful of rows a test leaves behind.
        self.reset_sql = "; ".join(
            [f'DELETE FROM "{t.name}"' for t in reversed(reflected.sorted_tables)
             if t.name != "alembic_version"]
            + [f"ALTER SEQUENCE {name} RESTART" for name in sequences]
        )

    def reset(self) -> None:
        """Empty every table and restart every id sequence."""
        with self.engine.begin() as connection:
            # Fail instead of hanging if a previous test leaked an open transaction.
            connection.exec_driver_sql("SET LOCAL lock_timeout = '5s'")
            connection.exec_driver_sql(self.reset_sql)


@pytest.fixture(scope="session")
def postgres_migrated_database(postgres_server: PostgresServer
                               ) -> Iterator[MigratedPostgresDatabase]:
    """The worker's PostgreSQL database at the newest migration."""
    name, url = postgres_server.create()
    upgrade_database(url)
    database = MigratedPostgresDatabase(url)
    yield database
    database.engine.dispose()
    postgres_server.drop(name)


@pytest.fixture(scope="session")
def sqlite_migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file migrated to head once per session, copied by each test."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    upgrade_database(f"sqlite:///{path}")  # disposes its engine: the WAL is folded back in
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_backend(request: pytest.FixtureRequest) -> str:
    """`sqlite` or `postgresql`: each database test runs on both."""
    return request.param


@pytest.fixture
def database_url(database_backend: str, request: pytest.FixtureRequest,
                 tmp_path: Path) -> str:
    """A clean database at the newest migration, of the current backend."""
    if database_backend == "sqlite":
        path = tmp_path / "credit_engine.db"
        shutil.copyfile(request.getfixturevalue("sqlite_migrated_template"), path)
        return f"sqlite:///{path}"
    database: MigratedPostgresDatabase = request.getfixturevalue("postgres_migrated_database")
    database.reset()
    # Commands run in the test (CliRunner, or processes given os.environ) need the data key
    # file PostgreSQL requires; Settings built in code get it from the `settings` fixture.
    request.getfixturevalue("monkeypatch").setenv(
        "CREDIT_ENGINE_DATA_KEY_FILE", str(request.getfixturevalue("data_key_file")))
    return database.url


@pytest.fixture
def empty_database_url(database_backend: str, request: pytest.FixtureRequest,
                       tmp_path: Path) -> Iterator[str]:
    """A new database with no tables at all (for migration tests)."""
    if database_backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name, url = server.create()
    request.getfixturevalue("monkeypatch").setenv(  # what PostgreSQL requires (database_url)
        "CREDIT_ENGINE_DATA_KEY_FILE", str(request.getfixturevalue("data_key_file")))
    yield url
    server.drop(name)


@pytest.fixture(scope="session")
def data_key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A personal-data key file for the PostgreSQL test databases (SQLite keeps its own)."""
    from credit_engine.services.data_keys import create_key_file

    path = tmp_path_factory.mktemp("data-key") / "data-key.json"
    create_key_file(path)
    return path


@pytest.fixture
def settings(database_url: str, database_backend: str, request: pytest.FixtureRequest
             ) -> Settings:
    """Settings for the test database and the packaged rulesets (and, on PostgreSQL, the
    data key file it requires)."""
    if database_backend == "sqlite":
        return Settings(database_url=database_url)
    return Settings(database_url=database_url,
                    data_key_file=request.getfixturevalue("data_key_file"))


@pytest.fixture
def container(settings: Settings) -> Iterator[Container]:
    """The composition root on the migrated test database."""
    built = bootstrap(settings)
    yield built
    if "engine" in built.__dict__:  # cached_property: only dispose an engine that was made
        built.engine.dispose()


@pytest.fixture
def session(container: Container) -> Iterator[Session]:
    """A session of the container; the test commits or not as it needs."""
    with container.session_factory() as opened:
        yield opened


def settings_on(settings: Settings, day: date) -> Settings:
    """`settings` whose clock stands at noon of `day` in the configured time zone."""
    return settings.replace(clock=fixed_clock(datetime.combine(day, day_time(12), settings.tz)))


@pytest.fixture
def container_on(settings: Settings) -> Iterator[Callable[[date], Container]]:
    """Containers on the test database whose "today" is a given day (the settings' clock)."""
    built: list[Container] = []

    def on(day: date) -> Container:
        built.append(bootstrap(settings_on(settings, day)))
        return built[-1]

    yield on
    for each in built:
        if "engine" in each.__dict__:
            each.engine.dispose()


@pytest.fixture(scope="session")
def registry() -> RulesetRegistry:
    """The packaged rulesets, loaded and compiled once."""
    return RulesetRegistry.load_dir(RULESETS_DIR)


@pytest.fixture(params=["engine", "python"])
def backend(request: pytest.FixtureRequest) -> str:
    """Both evaluation backends: durable-rules and the plain-Python interpreter."""
    return request.param


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A private redis-server for the test (tests/support/process_helpers.redis_server)."""
    from process_helpers import redis_server

    with redis_server(tmp_path) as url:
        yield url

