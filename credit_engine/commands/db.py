"""`credit-engine db` (placeholder until implemented)."""

import click


@click.group()
def db() -> None:
    """Not implemented yet."""
