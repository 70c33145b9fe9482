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


@rules.command("simulate")
@click.option("--ruleset", "path", required=True, type=click.Path(dir_okay=False),
              help="The candidate ruleset file (YAML).")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Date to grade as of (YYYY-MM-DD), not after today; default today in the "
                   "configured time zone.")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Plain-text table or one JSON document.")
@click.option("--chunk-size", type=click.IntRange(min=1), default=500, show_default=True,
              help="Subjects loaded at a time (bounds memory).")
def simulate(path: str, as_of: object, output: str, chunk_size: int) -> None:
    """Grade the stored population under a candidate ruleset, storing nothing: print the
    grade migration matrix and the subjects whose restrictions would change."""
    import json

    from credit_engine.commands.db import as_click_error, migrated_container
    from credit_engine.errors import CreditEngineError
    from credit_engine.services.simulation import format_report, load_candidate
    from credit_engine.services.simulation import simulate as run_simulation
    from credit_engine.validation.context import business_date_problem

    try:
        candidate = load_candidate(path)
    except RulesetError as exc:
        click.echo(f"invalid: {exc.detail}", err=True)
        sys.exit(1)
    container = migrated_container()
    today = container.settings.today()
    day = as_of.date() if as_of is not None else today  # type: ignore[attr-defined]
    if problem := business_date_problem(day, today):  # nothing computed for the future
        container.engine.dispose()
        raise click.BadParameter(problem, param_hint="'--as-of'")
    try:
        report = run_simulation(container.session_factory, container.rulesets, candidate, day,
                                chunk_size=chunk_size)
    except CreditEngineError as exc:
        raise as_click_error(exc) from exc
    finally:
        container.engine.dispose()
    click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if output == "json"
               else format_report(report))
