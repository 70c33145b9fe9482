"""The packaged migrations build the schema the models describe, on both databases."""

from __future__ import annotations

from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from credit_engine.storage.database import make_engine
from credit_engine.storage.models import Base
from credit_engine.storage.migrate import (
    alembic_config, current_revision, head_revision, schema_differences, upgrade_database,
)


def test_an_empty_database_upgrades_to_head_with_every_table(empty_database_url):
    assert upgrade_database(empty_database_url) == head_revision()
    engine = make_engine(empty_database_url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert set(Base.metadata.tables) | {"alembic_version"} == tables


def test_models_and_migrations_agree(database_url):
    engine = make_engine(database_url)
    differences = schema_differences(engine)
    engine.dispose()
    assert differences == [], "models.py changed without a migration: see migrations/autogen.py"


def test_the_schedulers_job_table_is_not_a_migration_difference(database_url):
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    from credit_engine.jobs.scheduler import JOBSTORE_TABLE

    engine = make_engine(database_url)
    store = SQLAlchemyJobStore(engine=engine, tablename=JOBSTORE_TABLE)
    store.start(None, "default")  # creates its table, as the scheduler process does
    try:
        assert JOBSTORE_TABLE in inspect(engine).get_table_names()
        assert schema_differences(engine) == []
    finally:
        store.shutdown()
        with engine.begin() as connection:
            connection.exec_driver_sql(f"DROP TABLE {JOBSTORE_TABLE}")
        engine.dispose()


def test_upgrading_a_database_at_head_changes_nothing(database_url):
    engine = make_engine(database_url)
    assert upgrade_database(engine) == head_revision()
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_downgrade_to_base_removes_every_table(empty_database_url):
    from alembic import command

    upgrade_database(empty_database_url)
    command.downgrade(alembic_config(url=empty_database_url), "base")
    engine = make_engine(empty_database_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_migrations_form_one_line_of_history():
    assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1
