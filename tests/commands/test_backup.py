"""`credit-engine backup`: a copy of the SQLite database taken while the service writes
restores (schema at head, audit chain intact, persons readable with the key file); an
existing file is never overwritten without --force; PostgreSQL is sent to pg_dump."""

from __future__ import annotations

import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from credit_engine.bootstrap import bootstrap
from credit_engine.cli import main
from credit_engine.config import Settings
from credit_engine.services import subjects
from credit_engine.storage.migrate import head_revision
from credit_engine.storage.models import AuditRow, PersonRow, RecordRow
from process_helpers import CLI, cli_env, settings_env, wait_until

# A process writing through the service until told to stop: each transaction registers a
# person (encrypted ID number and name, audited) and ingests a record (audited). It prints
# the number and time of each transaction once committed.
WRITER = r"""
import sys, time
from datetime import date, timedelta
from pathlib import Path
from credit_engine.bootstrap import bootstrap
from credit_engine.domain.identifiers import id_check_digit
from credit_engine.services import records, subjects

USCC = "91310000631234567X"
stop, deadline = Path(sys.argv[1]), time.monotonic() + float(sys.argv[2])
container = bootstrap()
container.run(lambda s: subjects.upsert_enterprise(
    s, USCC, {"name": "Golden Wok", "category": "catering"}, "writer"))

def write(session, n):
    born = date(1980, 1, 1) + timedelta(days=n // 1000)
    first17 = f"310101{born:%Y%m%d}{n % 1000:03d}"
    subjects.register_person(session, {"id_number": first17 + id_check_digit(first17),
                                       "name": f"张{n}"}, "writer")
    records.ingest_records(session, [{
        "external_id": f"pen-{n}", "subject": {"type": "enterprise", "id": USCC},
        "kind": "penalty", "occurred_on": date(2026, 6, 1),
        "details": {"measures": ["warning"]}}], "writer")

n = 0
while not stop.exists() and time.monotonic() < deadline:
    n += 1
    container.run(lambda session: write(session, n))
    print(n, time.time(), flush=True)
    time.sleep(0.005)  # a busy service, not a benchmark: the machine is shared
"""
WRITER_SECONDS = 90  # the writer stops on its own after this, whatever happens to the test


def _counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as connection:
        return {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("persons", "records", "audit_log")}


@pytest.fixture
def sqlite_database(sqlite_migrated_template: Path, tmp_path: Path) -> Path:
    """A fresh SQLite file at head, in its own folder (its key file will sit beside it)."""
    path = tmp_path / "live" / "credit_engine.db"
    path.parent.mkdir()
    shutil.copyfile(sqlite_migrated_template, path)
    return path


def _invoke(database: Path, *args: str):
    return CliRunner().invoke(main, list(args),
                              env={"CREDIT_ENGINE_DATABASE_URL": f"sqlite:///{database}",
                                   "CREDIT_ENGINE_DATA_KEY_FILE": ""})


def _follow(writer: subprocess.Popen[str], commits: list[tuple[int, float]]) -> threading.Thread:
    """A thread appending the writer's (number, time) lines to `commits` until it ends."""
    def read() -> None:
        assert writer.stdout is not None
        for line in writer.stdout:
            number, at = line.split()
            commits.append((int(number), float(at)))

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def _backup_during_writes(database: Path, tmp_path: Path
                          ) -> tuple[subprocess.CompletedProcess[str], int, int]:
    """Run the backup as a process while the writer process commits; the number of the
    last transaction committed before the backup started and of the last one overall."""
    stop, errors = tmp_path / "stop", tmp_path / "writer.err"
    env = cli_env(f"sqlite:///{database}", CREDIT_ENGINE_DATA_KEY_FILE="")
    with open(errors, "w") as stderr:
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(stop), str(WRITER_SECONDS)],
                                  env=env, stdout=subprocess.PIPE, stderr=stderr, text=True,
                                  start_new_session=True)
    commits: list[tuple[int, float]] = []
    reader = _follow(writer, commits)
    try:
        wait_until(lambda: len(commits) >= 30, 60, "30 committed writes")
        before, started = commits[-1][0], time.time()
        backup = subprocess.run(CLI + ["backup", "--to", str(tmp_path / "copy" / "backup.db"),
                                       "--with-data-key", str(tmp_path / "keys" / "key.json")],
                                env=env, capture_output=True, text=True, timeout=120)
        ended = time.time()
        wait_until(lambda: commits[-1][1] > ended + 0.2, 60, "writes after the backup")
        stop.touch()
        assert writer.wait(timeout=60) == 0, errors.read_text()
        reader.join(timeout=10)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait(timeout=10)
    during = [number for number, at in commits if started < at < ended]
    assert len(during) >= 5, "the writer kept committing while the backup ran"
    return backup, before, commits[-1][0]


def test_a_backup_taken_while_a_process_writes_restores_with_chain_schema_and_persons(
        sqlite_database: Path, tmp_path: Path) -> None:
    (tmp_path / "copy").mkdir()
    (tmp_path / "keys").mkdir()
    backup, before, last = _backup_during_writes(sqlite_database, tmp_path)
    copy, key = tmp_path / "copy" / "backup.db", tmp_path / "keys" / "key.json"
    assert backup.returncode == 0, backup.stderr
    assert "(chain verified)" in backup.stdout and "store it apart" in backup.stdout
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert sorted(p.name for p in copy.parent.iterdir()) == ["backup.db"]  # nothing else
    # A consistent snapshot: whole transactions only, from between start and end.
    counts = _counts(copy)
    assert before <= counts["persons"] < last
    assert counts["records"] == counts["persons"]
    assert counts["audit_log"] == 1 + 2 * counts["persons"]  # the enterprise, then 2 each
    assert _counts(sqlite_database)["persons"] == last
    head = backup.stdout.split("audit head ")[1].split()[0]
    assert head.startswith(f"{counts['audit_log']}:")
    # Opened with the service: schema at head, the chain holds the printed head.
    env = cli_env(f"sqlite:///{copy}", CREDIT_ENGINE_DATA_KEY_FILE=str(key))
    current = subprocess.run(CLI + ["db", "current"], env=env, capture_output=True,
                             text=True, timeout=60)
    assert current.stdout.splitlines() == [f"database revision: {head_revision()}",
                                           f"packaged head: {head_revision()}"]
    verified = subprocess.run(CLI + ["audit", "verify", "--head", head], env=env,
                              capture_output=True, text=True, timeout=60)
    assert verified.returncode == 0, verified.stderr
    assert f"{counts['audit_log']} entries" in verified.stdout
    # Every person's ID number and name decrypt with the copied key file.
    restored = bootstrap(Settings(database_url=f"sqlite:///{copy}", data_key_file=key))
    try:
        with restored.session_factory() as session:
            ids = session.scalars(select(PersonRow.id)).all()
            names = {subjects.get_person(session, person_id).name for person_id in ids}
            assert session.scalar(select(func.count()).select_from(RecordRow)) == len(ids)
            actions = session.scalars(select(AuditRow.action)).all()
    finally:
        restored.engine.dispose()
    assert names == {f"张{n}" for n in range(1, counts["persons"] + 1)}
    assert actions.count("person.created") == len(ids)


def test_without_with_data_key_the_output_says_the_key_is_not_in_the_backup(
        sqlite_database: Path, tmp_path: Path) -> None:
    result = _invoke(sqlite_database, "backup", "--to", str(tmp_path / "b.db"))
    assert result.exit_code == 0, result.output
    assert "the data key is NOT in this backup" in result.stdout
    assert f"{sqlite_database}.data-key.json" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["b.db"]
    with sqlite3.connect(sqlite_database) as connection:
        tables = connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                    "AND name NOT LIKE 'sqlite_%'").fetchone()[0]
    assert f": {tables} tables, 1 rows, revision {head_revision()}, audit head 0:" in \
        result.stdout


def test_an_existing_file_is_not_overwritten_without_force(sqlite_database: Path,
                                                           tmp_path: Path) -> None:
    target = tmp_path / "backup.db"
    target.write_text("yesterday's backup")
    refused = _invoke(sqlite_database, "backup", "--to", str(target))
    assert refused.exit_code == 1 and "not overwritten" in refused.output
    assert target.read_text() == "yesterday's backup"
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["backup.db"]
    forced = _invoke(sqlite_database, "backup", "--to", str(target), "--force")
    assert forced.exit_code == 0, forced.output
    assert _counts(target) == _counts(sqlite_database)


def test_a_database_without_a_schema_is_refused_and_nothing_is_left_behind(
        tmp_path: Path) -> None:
    sqlite3.connect(tmp_path / "empty.db").close()
    (tmp_path / "out").mkdir()
    result = _invoke(tmp_path / "empty.db", "backup", "--to", str(tmp_path / "out" / "b.db"))
    assert result.exit_code == 1 and "has no schema" in result.output
    assert list((tmp_path / "out").iterdir()) == []


def test_an_existing_key_copy_is_refused_before_anything_is_written(
        sqlite_database: Path, tmp_path: Path) -> None:
    live = bootstrap(Settings(database_url=f"sqlite:///{sqlite_database}"))
    assert live.personal_data.ring.current  # the embedded key file, created on first use
    (tmp_path / "key.json").write_text("another key")
    refused = _invoke(sqlite_database, "backup", "--to", str(tmp_path / "b.db"),
                      "--with-data-key", str(tmp_path / "key.json"))
    assert refused.exit_code == 1 and "not overwritten" in refused.output
    assert not (tmp_path / "b.db").exists()
    assert (tmp_path / "key.json").read_text() == "another key"


def test_a_copy_whose_audit_chain_is_broken_exits_1_naming_the_entry(
        sqlite_database: Path, tmp_path: Path) -> None:
    for name in ("a", "b"):
        _invoke(sqlite_database, "keys", "create", "--name", name, "--scopes", "admin")
    with sqlite3.connect(sqlite_database) as connection:
        connection.execute("UPDATE audit_log SET actor = 'someone else' WHERE id = 1")
    result = _invoke(sqlite_database, "backup", "--to", str(tmp_path / "b.db"))
    assert result.exit_code == 1
    assert "audit chain is broken at entry 1 after 0 good entries" in result.stderr
    assert (tmp_path / "b.db").exists()  # written: the copy is faithful, the source is bad


@pytest.mark.parametrize("database_backend",
                         [pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_postgresql_is_sent_to_pg_dump_with_exit_2(settings: Settings, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["backup", "--to", str(tmp_path / "b.db")],
                                env=settings_env(settings))
    assert result.exit_code == 2
    for advice in ("pg_dump -Fc", "pg_restore", "audit verify --head N:HASH",
                   "docs/operations.md"):
        assert advice in result.stderr
    assert not (tmp_path / "b.db").exists()


def test_the_command_is_listed_with_its_options() -> None:
    result = CliRunner().invoke(main, ["backup", "--help"])
    assert result.exit_code == 0
    assert all(option in result.output for option in ("--to", "--force", "--with-data-key"))
