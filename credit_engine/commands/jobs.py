"""`credit-engine jobs` and `credit-engine scheduler` (placeholder until implemented)."""

import click


@click.group()
def jobs() -> None:
    """Not implemented yet."""


@click.command()
def scheduler() -> None:
    """Not implemented yet."""
