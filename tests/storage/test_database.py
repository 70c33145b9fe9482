"""Engine settings and the unit of work."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from credit_engine.storage.database import make_engine, normalise_url
from credit_engine.storage.models import EnterpriseRow, RoleRow
from credit_engine.storage.unit_of_work import unit_of_work


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


def test_unit_of_work_discards_changes_that_were_not_committed(container):
    with unit_of_work(container.session_factory) as uow:
        uow.session.add(_enterprise())
        uow.session.flush()
    assert _count(container) == 0


def test_unit_of_work_rolls_back_what_follows_the_commit_when_the_use_case_fails(container):
    with pytest.raises(RuntimeError), unit_of_work(container.session_factory) as uow:
        uow.session.add(_enterprise())
        uow.commit()
        uow.session.add(_enterprise("91110000100000000L"))
        uow.session.flush()
        raise RuntimeError("use case failed")
    assert _count(container) == 1  # the committed enterprise only


def test_unit_of_work_keeps_committed_changes(container):
    with unit_of_work(container.session_factory) as uow:
        uow.session.add(_enterprise())
        uow.commit()
    assert _count(container) == 1


def test_foreign_keys_are_enforced(container):
    with pytest.raises(IntegrityError), container.transaction() as session:
        session.add(RoleRow(uscc="91310000MA1FL8XQ3B", person_id="nobody",
                            role="principal", from_on=date(2024, 1, 1)))
