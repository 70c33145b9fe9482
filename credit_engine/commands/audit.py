"""`credit-engine audit`: check the hash chain of the audit log and print its head."""

from __future__ import annotations

import click

from credit_engine.commands.db import migrated_container
from credit_engine.errors import ValidationFailed
from credit_engine.services.audit import AuditHead, VerifyResult, parse_head, verify_chain


@click.group()
def audit() -> None:
    """The tamper-evident audit log."""


def _head_option(_ctx: click.Context, _param: click.Parameter, value: str | None
                 ) -> AuditHead | None:
    if value is None:
        return None
    try:
        return parse_head(value)
    except ValidationFailed as error:
        raise click.BadParameter(error.errors["head"][0]) from None


def _verified(head: AuditHead | None = None) -> VerifyResult:
    container = migrated_container()
    try:
        with container.session_factory() as session:
            return verify_chain(session, head=head)
    finally:
        container.engine.dispose()


def _fail(result: VerifyResult) -> None:
    if result.head_missing is not None:
        click.echo(f"audit log no longer holds the head: {result.head_missing}", err=True)
    else:
        click.echo(f"audit chain broken at entry {result.first_bad_id} after "
                   f"{result.checked} good entries: {result.reason}", err=True)
    raise SystemExit(1)


@audit.command()
@click.option("--head", "head", callback=_head_option, metavar="N:HASH", default=None,
              help="A head printed or published earlier: exit 1 unless the log still holds "
                   "it (entry N with that hash; entries after it are fine).")
def verify(head: AuditHead | None) -> None:
    """Recompute every hash; exit 1 naming the first bad entry if the chain is broken, or
    saying why the log no longer holds --head."""
    result = _verified(head)
    if not result.ok:
        _fail(result)
    held = f"; holds the head {head}" if head is not None else ""
    click.echo(f"audit chain intact: {result.checked} entries, head {result.head_hash}{held}")


@audit.command()
def head() -> None:
    """Print the chain's head as N:HASH (N entries, the hash of the newest) after verifying
    the chain; exit 1 if it is broken (a broken chain's head is worth nothing)."""
    result = _verified()
    if not result.ok:
        _fail(result)
    click.echo(str(result.head))
