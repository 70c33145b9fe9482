"""`credit-engine rules`: check ruleset files before they are published."""

from __future__ import annotations

import sys

import click

from credit_engine.errors import RulesetError
from credit_engine.rules import load_ruleset_file


@click.group()
def rules() -> None:
    """Ruleset files: check them before publishing."""


@rules.command("check")
@click.argument("path", type=click.Path(dir_okay=False))
def check(path: str) -> None:
    """Validate and compile one ruleset file; exit 1 with the reason if it is bad."""
    try:
        ruleset = load_ruleset_file(path)
    except RulesetError as exc:
        click.echo(f"invalid: {exc.detail}", err=True)
        sys.exit(1)
    click.echo(f"ok: {ruleset.name} (effective {ruleset.effective_from.isoformat()}), "
               f"{len(ruleset.rules)} rules")
