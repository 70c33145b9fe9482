"""`credit-engine db`, `keys` and `audit` from the command line."""

from __future__ import annotations

import click
from click.testing import CliRunner
from sqlalchemy import text

from credit_engine.commands import audit, db, keys
from credit_engine.services.keys import authenticate
from credit_engine.storage.migrate import head_revision


# Only this area's groups, as cli.py registers them, so other areas' commands cannot break
# these tests while they are being written.
main = click.Group(commands=[db.db, keys.keys, audit.audit])


def _run(url: str, *args: str):
    return CliRunner().invoke(main, list(args), env={"CREDIT_ENGINE_DATABASE_URL": url})


def test_db_upgrade_creates_the_schema_of_an_empty_database(empty_database_url):
    result = _run(empty_database_url, "db", "upgrade")
    assert result.exit_code == 0, result.output
    assert head_revision() in result.stdout


def test_commands_on_an_unmigrated_database_say_to_upgrade(empty_database_url):
    result = _run(empty_database_url, "keys", "list")
    assert result.exit_code == 1
    assert "credit-engine db upgrade" in result.stderr


def test_keys_create_prints_a_working_key_alone_on_the_last_line(database_url, container):
    result = _run(database_url, "keys", "create", "--name", "desk", "--scopes", "credit:read")
    assert result.exit_code == 0, result.output
    key = result.stdout.splitlines()[-1]
    with container.session_factory() as session:
        assert authenticate(session, key).name == "desk"


def test_keys_create_with_an_unknown_scope_fails_naming_the_field(database_url):
    result = _run(database_url, "keys", "create", "--name", "desk", "--scopes", "all")
    assert result.exit_code == 1
    assert "scopes" in result.stderr and "'all'" in result.stderr


def test_keys_list_shows_names_and_scopes_but_never_the_key(database_url):
    key = _run(database_url, "keys", "create", "--name", "desk", "--scopes", "admin"
               ).stdout.splitlines()[-1]
    listed = _run(database_url, "keys", "list")
    assert listed.exit_code == 0
    assert "desk" in listed.stdout and "admin" in listed.stdout
    assert key not in listed.stdout and key.split("_", 2)[2] not in listed.stdout


def test_keys_revoke_stops_the_key(database_url, container):
    key = _run(database_url, "keys", "create", "--name", "desk", "--scopes", "admin"
               ).stdout.splitlines()[-1]
    assert _run(database_url, "keys", "revoke", "desk").exit_code == 0
    with container.session_factory() as session:
        assert authenticate(session, key) is None


def test_keys_revoke_of_an_unknown_name_fails(database_url):
    result = _run(database_url, "keys", "revoke", "nobody")
    assert result.exit_code == 1 and "nobody" in result.stderr


def test_audit_verify_counts_an_intact_chain(database_url):
    _run(database_url, "keys", "create", "--name", "desk", "--scopes", "admin")
    _run(database_url, "keys", "revoke", "desk")
    result = _run(database_url, "audit", "verify")
    assert result.exit_code == 0
    assert "2 entries" in result.stdout


def test_audit_verify_names_the_first_bad_entry_on_stderr(database_url, container):
    _run(database_url, "keys", "create", "--name", "desk", "--scopes", "admin")
    _run(database_url, "keys", "revoke", "desk")
    with container.engine.begin() as connection:
        first = connection.scalar(text("SELECT min(id) FROM audit_log"))
        connection.execute(text("UPDATE audit_log SET actor = 'someone' WHERE id = :i"),
                           {"i": first})
    result = _run(database_url, "audit", "verify")
    assert result.exit_code == 1
    assert f"entry {first}" in result.stderr
