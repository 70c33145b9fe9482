"""`credit-engine users`: staff accounts of the office workbench (create, list, disable,
reset-password). A password is read from standard input or generated and printed once;
it never appears on the command line (where `ps` and shell history would show it)."""

from __future__ import annotations

import sys

import click

from credit_engine.commands.db import migrated_container, run_command
from credit_engine.domain.staff_roles import STAFF_ROLE_NAMES
from credit_engine.services import staff

ACTOR = "cli"


def _password(from_stdin: bool) -> tuple[str, bool]:
    """The password from standard input (first line, newline dropped), or a generated one;
    whether it was generated."""
    if not from_stdin:
        return staff.generate_password(), True
    line = sys.stdin.readline()
    return line.removesuffix("\n"), False


@click.group()
def users() -> None:
    """Staff accounts of the office workbench (/office/)."""


@users.command()
@click.option("--username", required=True, help="Login name: lower-case letters, digits, . _ -.")
@click.option("--role", required=True, type=click.Choice(STAFF_ROLE_NAMES))
@click.option("--district", default=None, help="Bind the user to one district's enterprises.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from standard input instead of generating one.")
def create(username: str, role: str, district: str | None, password_stdin: bool) -> None:
    """Create an account; a generated password is printed alone on the last line, once."""
    password, generated = _password(password_stdin)
    run_command(lambda s: staff.create_account(s, username, role, district, password, ACTOR))
    click.echo(f"created {role} {username!r}" + (f" for district {district}" if district else ""))
    if generated:
        click.echo("the password is shown now only; hand it over securely:")
        click.echo(password)


@users.command(name="list")
def list_() -> None:
    """List accounts: username, role, district, status (never a password)."""
    click.echo("username\trole\tdistrict\tstatus")
    for account in run_command(staff.list_accounts):
        click.echo("\t".join((account.username, account.role, account.district or "*",
                              "active" if account.active else "disabled")))


@users.command()
@click.argument("username")
def disable(username: str) -> None:
    """Disable USERNAME: no more logins, its open sessions end."""
    container = migrated_container()
    now = container.settings.clock()
    container.engine.dispose()
    run_command(lambda s: staff.disable_account(s, username, now, ACTOR))
    click.echo(f"disabled {username!r}")


@users.command(name="reset-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True,
              help="Read the new password from standard input instead of generating one.")
def reset_password(username: str, password_stdin: bool) -> None:
    """Give USERNAME a new password (generated and printed once unless read from standard
    input); its open sessions end."""
    password, generated = _password(password_stdin)
    run_command(lambda s: staff.reset_password(s, username, password, ACTOR))
    click.echo(f"new password set for {username!r}; its sessions have ended")
    if generated:
        click.echo(password)
