"""Engine settings and the unit of work."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from credit_engine.storage.database import make_engine, normalise_url
from credit_engine.storage.models import EnterpriseRow, RoleRow
from credit_engine.storage.unit_of_work import run_in_transaction, transaction


def test_sqlite_connections_get_the_safety_pragmas(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as connection:
        values = [connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                  for name in ("foreign_keys", "journal_mode", "busy_timeout", "synchronous")]
    engine.dispose()
    assert values == [1, "wal", 5000, 1]  # synchronous NORMAL is 1


@pytest.mark.parametrize("url", ["postgresql://u:p@h/db", "postgresql+psycopg://u:p@h/db",
                                 "postgres://u:p@h/db"])
def test_postgresql_urls_use_psycopg_3(url):
    assert normalise_url(url).drivername == "postgresql+psycopg"


@pytest.mark.parametrize("url", ["mysql://u:p@h/db", "postgresql+psycopg2://u:p@h/db"])
def test_unsupported_database_urls_are_rejected(url):
    with pytest.raises(ValueError, match="database URL"):
        normalise_url(url)


def test_engines_check_connections_before_use(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    assert engine.pool._pre_ping is True
    engine.dispose()


def _enterprise(uscc: str = "91310000MA1FL8XQ3B") -> EnterpriseRow:
    return EnterpriseRow(uscc=uscc, name="Test Foods", category="retail")


def _count(container) -> int:
    with container.session_factory() as session:
        return session.scalar(select(func.count()).select_from(EnterpriseRow))


def test_unit_of_work_rolls_back_everything_when_the_use_case_fails(container):
    with pytest.raises(RuntimeError), transaction(container.session_factory) as session:
        session.add(_enterprise())
        session.flush()
        session.add(_enterprise("91110000100000000L"))
        session.flush()
        raise RuntimeError("use case failed")
    assert _count(container) == 0


def test_unit_of_work_commits_when_the_use_case_succeeds(container):
    with transaction(container.session_factory) as session:
        session.add(_enterprise())
    assert _count(container) == 1


@pytest.mark.parametrize("options", [{"lock_now": True}, {"wait_for_lock": True}])
def test_unit_of_work_with_the_sqlite_write_lock_commits_and_rolls_back_alike(container, options):
    with pytest.raises(RuntimeError), transaction(container.session_factory, **options) as session:
        session.add(_enterprise())
        session.flush()
        raise RuntimeError("use case failed")
    with transaction(container.session_factory, **options) as session:
        session.add(_enterprise("91110000100000000L"))
    assert _count(container) == 1


def test_the_use_case_runner_does_not_retry_other_integrity_errors(container):
    calls = []

    def use_case(session):
        calls.append(1)
        session.add(_enterprise())
        session.add(_enterprise())
        session.flush()

    with pytest.raises(IntegrityError):
        run_in_transaction(container.session_factory, use_case)
    assert calls == [1]
    assert _count(container) == 0


def test_foreign_keys_are_enforced(container):
    with pytest.raises(IntegrityError), container.transaction() as session:
        session.add(RoleRow(uscc="91310000MA1FL8XQ3B", person_id="nobody",
                            role="principal", from_on=date(2024, 1, 1)))
