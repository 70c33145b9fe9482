"""`credit-engine users`: create (password from standard input or generated and printed
once), list, disable, reset-password."""

from __future__ import annotations

from datetime import datetime, timezone

import click
from api_helpers import audit_entries
from click.testing import CliRunner
from process_helpers import settings_env

from credit_engine.commands import users
from credit_engine.services.staff import log_in

main = click.Group(commands=[users.users])
NOW = datetime(2026, 6, 2, 2, tzinfo=timezone.utc)


def _run(settings, *args: str, stdin: str | None = None):
    return CliRunner().invoke(main, ["users", *args], env=settings_env(settings), input=stdin)


def _can_log_in(container, username: str, password: str) -> bool:
    with container.transaction() as session:
        return log_in(session, username, password, NOW).account is not None


def test_create_with_a_generated_password_prints_it_last_and_it_works(settings, container):
    result = _run(settings, "create", "--username", "li.clerk", "--role", "clerk",
                  "--district", "黄浦区")
    assert result.exit_code == 0, result.output
    password = result.stdout.splitlines()[-1]
    assert len(password) >= 20
    assert _can_log_in(container, "li.clerk", password)
    [entry] = audit_entries(container, "staff.create")
    assert entry.actor == "cli" and entry.payload == {"role": "clerk", "district": "黄浦区"}
    assert password not in str(entry.payload)


def test_create_reads_the_password_from_standard_input_and_never_prints_it(settings, container):
    result = _run(settings, "create", "--username", "wang", "--role", "admin",
                  "--password-stdin", stdin="a long enough secret\n")
    assert result.exit_code == 0, result.output
    assert "a long enough secret" not in result.output
    assert _can_log_in(container, "wang", "a long enough secret")


def test_a_bad_role_short_password_or_taken_name_is_refused_naming_it(settings, container):
    bad_role = _run(settings, "create", "--username", "x1", "--role", "boss")
    assert bad_role.exit_code != 0 and "--role" in bad_role.output
    short = _run(settings, "create", "--username", "x1", "--role", "clerk",
                 "--password-stdin", stdin="short\n")
    assert short.exit_code != 0 and "password" in short.output
    assert _run(settings, "create", "--username", "x1", "--role", "clerk").exit_code == 0
    taken = _run(settings, "create", "--username", "x1", "--role", "clerk")
    assert taken.exit_code != 0 and "already exists" in taken.output


def test_list_disable_and_reset_password(settings, container):
    first = _run(settings, "create", "--username", "li", "--role", "clerk").stdout
    old_password = first.splitlines()[-1]
    assert _run(settings, "reset-password", "li", "--password-stdin",
                stdin="brand new password\n").exit_code == 0
    assert not _can_log_in(container, "li", old_password)
    assert _can_log_in(container, "li", "brand new password")
    assert _run(settings, "disable", "li").exit_code == 0
    assert not _can_log_in(container, "li", "brand new password")
    listing = _run(settings, "list").stdout.splitlines()
    assert listing == ["username\trole\tdistrict\tstatus", "li\tclerk\t*\tdisabled"]
    missing = _run(settings, "disable", "nobody")
    assert missing.exit_code != 0 and "nobody" in missing.output
