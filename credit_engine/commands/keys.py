"""`credit-engine keys` (placeholder until implemented)."""

import click


@click.group()
def keys() -> None:
    """Not implemented yet."""
