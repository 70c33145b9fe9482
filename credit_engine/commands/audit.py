"""`credit-engine audit` (placeholder until implemented)."""

import click


@click.group()
def audit() -> None:
    """Not implemented yet."""
