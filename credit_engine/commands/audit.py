"""`credit-engine audit`: check the hash chain of the audit log."""

from __future__ import annotations

import click

from credit_engine.commands.db import migrated_container
from credit_engine.services.audit import verify_chain


@click.group()
def audit() -> None:
    """The tamper-evident audit log."""


@audit.command()
def verify() -> None:
    """Recompute every hash; exit 1 naming the first bad entry if the chain is broken."""
    container = migrated_container()
    try:
        with container.session_factory() as session:
            result = verify_chain(session)
    finally:
        container.engine.dispose()
    if not result.ok:
        click.echo(f"audit chain broken at entry {result.first_bad_id} after "
                   f"{result.checked} good entries: {result.reason}", err=True)
        raise SystemExit(1)
    click.echo(f"audit chain intact: {result.checked} entries, head {result.head_hash}")
