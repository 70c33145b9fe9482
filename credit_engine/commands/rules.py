"""`credit-engine rules` (placeholder until implemented)."""

import click


@click.group()
def rules() -> None:
    """Not implemented yet."""
