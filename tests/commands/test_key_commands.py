"""`credit-engine keys create --expires`, `keys list` and `keys rotate` from the command line."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import click
from click.testing import CliRunner
from sqlalchemy import select

from credit_engine.commands import keys
from credit_engine.services.keys import authenticate, check_key
from credit_engine.storage.models import ApiKeyRow, AuditRow
from process_helpers import settings_env

main = click.Group(commands=[keys.keys])


def _run(settings, *args: str):
    return CliRunner().invoke(main, ["keys", *args], env=settings_env(settings))


def _create(settings, *extra):
    result = _run(settings, "create", "--name", "desk", "--scopes", "credit:read", *extra)
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()[-1]


def test_create_with_expires_stores_the_day_and_prints_the_key_last(settings, container):
    key = _create(settings, "--expires", "2099-12-31")
    with container.session_factory() as session:
        assert session.scalar(select(ApiKeyRow.expires_on)) == date(2099, 12, 31)
        assert authenticate(session, key).name == "desk"


def test_create_with_a_past_date_makes_an_already_expired_key(settings, container):
    result = _run(settings, "create", "--name", "desk", "--scopes", "credit:read",
                  "--expires", "2020-01-01")
    assert result.exit_code == 0 and "already expired" in result.stderr
    with container.session_factory() as session:
        checked = check_key(session, result.stdout.splitlines()[-1],
                            datetime.now(timezone.utc), container.settings.tz)
    assert checked.refusal == "expired"


def test_create_with_a_malformed_date_fails_naming_the_option(settings):
    result = _run(settings, "create", "--name", "desk", "--scopes", "credit:read",
                  "--expires", "31/12/2099")
    assert result.exit_code == 2 and "--expires" in result.output


def test_list_shows_expiry_and_last_use_columns(settings, container):
    key = _create(settings, "--expires", "2099-12-31")
    _run(settings, "create", "--name", "unused", "--scopes", "admin")
    with container.transaction() as session:
        authenticate(session, key)  # a use
    lines = _run(settings, "list").stdout.splitlines()
    header = lines[0].split("\t")
    assert header == ["name", "prefix", "scopes", "created", "expires", "last_used",
                      "previous_secret_until", "revoked"]
    rows = {line.split("\t")[0]: dict(zip(header, line.split("\t"))) for line in lines[1:]}
    assert rows["desk"]["expires"] == "2099-12-31"
    used = datetime.fromisoformat(rows["desk"]["last_used"])
    assert abs(used - datetime.now(timezone.utc)) < timedelta(minutes=1)
    assert (rows["unused"]["expires"], rows["unused"]["last_used"]) == ("-", "-")


def test_rotate_prints_a_new_key_last_and_the_old_works_for_the_grace(settings, container):
    old = _create(settings)
    result = _run(settings, "rotate", "desk", "--grace-hours", "2")
    assert result.exit_code == 0, result.output
    new = result.stdout.splitlines()[-1]
    assert new != old and new.split("_")[1] == old.split("_")[1]  # same lookup prefix
    now, zone = datetime.now(timezone.utc), container.settings.tz
    with container.transaction() as session:
        assert check_key(session, new, now, zone).key.name == "desk"
        assert check_key(session, old, now + timedelta(hours=1, minutes=59), zone).key.name == "desk"
        assert check_key(session, old, now + timedelta(hours=2, minutes=1), zone).refusal == "rotated"
        assert session.scalar(select(AuditRow.action).order_by(AuditRow.id.desc())) == "api_key.rotate"
    listed = _run(settings, "list").stdout.splitlines()[1].split("\t")
    assert listed[6] != "-" and old not in "".join(listed) and new not in "".join(listed)


def test_rotate_defaults_to_24_hours_of_grace(settings, container):
    _create(settings)
    assert _run(settings, "rotate", "desk").exit_code == 0
    with container.session_factory() as session:
        until = session.scalar(select(ApiKeyRow.previous_valid_until))
    until = until if until.tzinfo else until.replace(tzinfo=timezone.utc)
    assert abs(until - datetime.now(timezone.utc) - timedelta(hours=24)) < timedelta(minutes=1)


def test_rotate_of_an_unknown_or_revoked_key_fails(settings):
    assert _run(settings, "rotate", "nobody").exit_code == 1
    _create(settings)
    _run(settings, "revoke", "desk")
    result = _run(settings, "rotate", "desk")
    assert result.exit_code == 1 and "revoked" in result.stderr


def test_rotate_refuses_a_negative_grace(settings):
    _create(settings)
    assert _run(settings, "rotate", "desk", "--grace-hours", "-1").exit_code == 2
