"""`credit-engine regrade` (placeholder until implemented)."""

import click


@click.group()
def regrade() -> None:
    """Not implemented yet."""
