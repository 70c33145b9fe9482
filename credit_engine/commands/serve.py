"""`credit-engine serve` (placeholder until implemented)."""

import click


@click.group()
def serve() -> None:
    """Not implemented yet."""
