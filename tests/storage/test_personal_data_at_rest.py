"""Personal ID numbers and names at rest: encrypted, found by keyed hash, keys rotated."""

from __future__ import annotations

import json
import stat
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from credit_engine.api.app import create_app
from credit_engine.bootstrap import Container, bootstrap
from credit_engine.cli import main
from credit_engine.config import InvalidSettings, Settings
from credit_engine.domain.identifiers import mask_id_number
from credit_engine.services.audit import append_audit, verify_chain
from credit_engine.services.data_keys import rotate_data_key
from credit_engine.services.keys import create_key
from credit_engine.storage.database import make_engine
from credit_engine.storage.migrate import upgrade_database
from credit_engine.storage.personal_data import fresh_keyring, write_key_file
from credit_engine.storage.models import AuditRow
from credit_engine.storage.repositories.subjects import (
    add_person, get_person, person_by_id_number,
)

from api_helpers import valid_id_number
from process_helpers import CLI, cli_env, free_port, settings_env

PEOPLE = [(valid_id_number(f"110105194912310{n:02d}"), name)
          for n, name in enumerate(["欧阳明华", "诸葛亮亮", "司马光明", "上官婉儿", "东方不败"])]


def _register_over_http(container: Container) -> list[str]:
    with container.transaction() as session:
        key = create_key(session, "desk-writer", ["records:write"])
    client = create_app(container=container).test_client()
    ids = []
    for number, name in PEOPLE:
        for expected in (201, 200):  # the second time: found by the keyed hash
            response = client.post("/api/v1/persons", json={"id_number": number, "name": name},
                                   headers={"Authorization": f"Bearer {key}"})
            assert response.status_code == expected, response.get_json()
        ids.append(response.get_json()["id"])
    return ids


def _stored_text(container: Container) -> bytes:
    """Everything the database holds of persons and the audit log, as bytes."""
    url = container.settings.database_url
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        wal = path.with_name(path.name + "-wal")
        return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    with container.engine.connect() as connection:
        rows = [str(row) for table in ("persons", "audit_log")
                for row in connection.execute(text(f"SELECT * FROM {table}"))]
    return "\n".join(rows).encode("utf-8")


def test_no_id_number_or_full_name_is_stored_in_clear(container: Container) -> None:
    ids = _register_over_http(container)
    stored = _stored_text(container)
    assert len(stored) > 1000
    for number, name in PEOPLE:
        for form in (number, name):
            assert form.encode("utf-8") not in stored
            assert form.encode("utf-16-le") not in stored
    with container.session_factory() as session:
        assert [(get_person(session, i).id_number, get_person(session, i).name)  # type: ignore[union-attr]
                for i in ids] == PEOPLE


def test_the_embedded_database_creates_its_key_file_0600_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'office.db'}"
    upgrade_database(url)
    container = bootstrap(Settings(database_url=url))
    with container.transaction() as session:
        add_person(session, "p1", *PEOPLE[0])
    key_file = tmp_path / "office.db.data-key.json"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    before = key_file.read_bytes()
    again = bootstrap(Settings(database_url=url))
    with again.session_factory() as session:
        assert get_person(session, "p1").name == PEOPLE[0][1]  # type: ignore[union-attr]
    assert key_file.read_bytes() == before
    container.engine.dispose()
    again.engine.dispose()


def test_postgresql_without_a_data_key_file_stops_naming_the_variable() -> None:
    env = {"CREDIT_ENGINE_DATABASE_URL": "postgresql://credit@127.0.0.1/x"}
    with pytest.raises(InvalidSettings, match="CREDIT_ENGINE_DATA_KEY_FILE"):
        Settings.from_env(env)
    result = CliRunner().invoke(main, ["db", "current"], env=env)
    assert result.exit_code != 0 and "CREDIT_ENGINE_DATA_KEY_FILE" in result.output


def _key_file(container: Container) -> dict[str, object]:
    path = container.personal_data.path
    assert path is not None
    return json.loads(path.read_text())  # type: ignore[no-any-return]


def test_rotation_resumes_after_an_interruption_and_reads_stay_correct(
        container: Container) -> None:
    with container.transaction() as session:
        for n, (number, name) in enumerate(PEOPLE):
            add_person(session, f"p{n}", number, name)
    old = _key_file(container)["current"]
    first = rotate_data_key(container.personal_data, container.transaction, chunk=2,
                            max_chunks=1)  # as if killed after one chunk
    assert (first.finished, first.resealed) == (False, 2)
    halfway = _key_file(container)
    assert halfway["current"] != old and set(halfway["keys"]) == {old, halfway["current"]}
    with container.session_factory() as session:  # both keys in use: every read works
        for n, (number, name) in enumerate(PEOPLE):
            found = person_by_id_number(session, number)
            assert found is not None and (found.id, found.name) == (f"p{n}", name)
    done: list[tuple[int, int]] = []
    second = rotate_data_key(container.personal_data, container.transaction, chunk=2,
                             progress=lambda d, t: done.append((d, t)))
    assert (second.finished, second.current, second.removed) == (True, halfway["current"],
                                                                (old,))
    assert done == [(2, 3), (3, 3)]
    assert set(_key_file(container)["keys"]) == {halfway["current"]}
    with container.session_factory() as session:
        assert [person_by_id_number(session, n).name for n, _ in PEOPLE] == [  # type: ignore[union-attr]
            name for _, name in PEOPLE]
        assert set(session.scalars(text("SELECT data_key_id FROM persons"))) == {
            halfway["current"]}


def test_the_migration_encrypts_the_plain_persons_of_a_database_at_0005(
        empty_database_url: str, database_backend: str, data_key_file: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    if database_backend == "postgresql":
        monkeypatch.setenv("CREDIT_ENGINE_DATA_KEY_FILE", str(data_key_file))
    upgrade_database(empty_database_url, "0005")
    engine = make_engine(empty_database_url)
    with engine.begin() as connection:
        for n, (number, name) in enumerate(PEOPLE):
            connection.execute(text(
                "INSERT INTO persons (id, id_number, name, created_at, updated_at) "
                "VALUES (:i, :n, :m, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                {"i": f"p{n}", "n": number, "m": name})
    with Session(engine) as session, session.begin():  # what releases before 0006 audited
        append_audit(session, "cli", "api_key.create", "api_key:desk", {"scopes": ["admin"]})
        for n, (number, name) in enumerate(PEOPLE):
            append_audit(session, "key:desk", "person.created", f"person:p{n}",
                         {"id_number": mask_id_number(number), "name": name})
        append_audit(session, "key:desk", "decision.query", "enterprise:x", {"grade": "A"})
        old_head = verify_chain(session)
    engine.dispose()
    upgrade_database(empty_database_url)
    settings = Settings(database_url=empty_database_url,
                        data_key_file=data_key_file if database_backend != "sqlite" else None)
    container = bootstrap(settings)
    with container.session_factory() as session:
        for n, (number, name) in enumerate(PEOPLE):
            found = person_by_id_number(session, number)
            assert found is not None and (found.id, found.name) == (f"p{n}", name)
    with container.engine.connect() as connection:
        dumped = "\n".join(str(r) for table in ("persons", "audit_log")
                           for r in connection.execute(text(f"SELECT * FROM {table}")))
    assert all(number not in dumped and name not in dumped for number, name in PEOPLE)
    if database_backend == "sqlite":  # nor in freed pages of the file or its WAL
        path = Path(make_engine(empty_database_url).url.database or "")
        raw = b"".join(f.read_bytes() for f in (path, path.with_name(path.name + "-wal"))
                       if f.exists())
        assert all(number.encode() not in raw and name.encode("utf-8") not in raw
                   for number, name in PEOPLE)
    with container.session_factory() as session:  # the re-hashed chain verifies, and says so
        chain = verify_chain(session)
        closing = session.scalars(select(AuditRow).order_by(AuditRow.id.desc()).limit(1)).one()
    assert chain.ok and chain.checked == old_head.checked + 1
    assert (closing.action, closing.payload["masked_entries"]) == ("audit.rechained", len(PEOPLE))
    assert closing.payload["old_head"] == f"{old_head.checked}:{old_head.head_hash}"
    container.engine.dispose()


def test_the_rotate_command_prints_progress_and_the_new_key(container: Container) -> None:
    with container.transaction() as session:
        add_person(session, "p0", *PEOPLE[0])
    old = _key_file(container)["current"]
    env = {"CREDIT_ENGINE_DATABASE_URL": container.settings.database_url}
    result = CliRunner().invoke(main, ["data-key", "rotate"], env=env)
    assert result.exit_code == 0, result.output
    new = _key_file(container)["current"]
    assert "re-encrypted 1/1 persons" in result.output
    assert f"rotation complete: current key {new}" in result.output and new != old
    with container.session_factory() as session:
        assert person_by_id_number(session, PEOPLE[0][0]).name == PEOPLE[0][1]  # type: ignore[union-attr]


def test_a_wrong_data_key_file_stops_commands_and_serve_naming_the_variable(
        container: Container, tmp_path: Path) -> None:
    """A well-formed key file that is not the database's would match nobody: a licensing
    desk's person would be registered twice. It stops everything at start instead."""
    with container.transaction() as session:
        add_person(session, "p0", *PEOPLE[0])
    wrong = tmp_path / "other.data-key.json"
    write_key_file(wrong, fresh_keyring(), replace=False)
    env = dict(settings_env(container.settings), CREDIT_ENGINE_DATA_KEY_FILE=str(wrong))
    listed = CliRunner().invoke(main, ["jobs", "status"], env=env)
    assert listed.exit_code == 1 and "CREDIT_ENGINE_DATA_KEY_FILE" in listed.output
    assert "does not open the stored personal data" in listed.output
    served = subprocess.run([*CLI, "serve", "--port", str(free_port())], cwd=tmp_path,
                            env=cli_env(container.settings.database_url, **env),
                            capture_output=True, text=True, timeout=120)
    assert served.returncode == 1 and "CREDIT_ENGINE_DATA_KEY_FILE" in served.stderr
    right = CliRunner().invoke(main, ["jobs", "status"], env=settings_env(container.settings))
    assert right.exit_code == 0, right.output
