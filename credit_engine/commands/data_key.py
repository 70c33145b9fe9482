"""`credit-engine data-key`: the key that encrypts personal ID numbers and names."""

from __future__ import annotations

from pathlib import Path

import click

from credit_engine.commands.db import migrated_container
from credit_engine.services.data_keys import ROTATION_CHUNK, create_key_file, rotate_data_key


@click.group("data-key")
def data_key() -> None:
    """The personal-data key file (docs/security.md): create one, rotate to a new key."""


@data_key.command()
@click.option("--file", "path", required=True, type=click.Path(path_type=Path),
              help="Where to write the new key file (mode 0600); never overwritten.")
def create(path: Path) -> None:
    """Write a new key file; name it in CREDIT_ENGINE_DATA_KEY_FILE and back it up."""
    try:
        key_id = create_key_file(path)
    except FileExistsError:
        raise click.ClickException(f"{path} exists: a key file is never overwritten") from None
    except OSError as error:
        raise click.ClickException(f"cannot write {path}: {error}") from None
    click.echo(f"data key {key_id} written to {path}")


@data_key.command()
@click.option("--chunk", type=click.IntRange(1, 100_000), default=ROTATION_CHUNK,
              show_default=True, help="Persons re-encrypted per transaction.")
@click.option("--max-chunks", type=click.IntRange(min=1), default=None,
              help="Stop after this many chunks (run again to continue).")
def rotate(chunk: int, max_chunks: int | None) -> None:
    """Make a new key current and re-encrypt every person and webhook secret, resumably."""
    container = migrated_container()
    try:
        result = rotate_data_key(
            container.personal_data, container.transaction, chunk=chunk, max_chunks=max_chunks,
            progress=lambda done, total: click.echo(f"re-encrypted {done}/{total} persons"))
    except ValueError as error:  # DataKeyError: unreadable key file, a value that fails
        raise click.ClickException(str(error)) from None
    finally:
        container.engine.dispose()
    if not result.finished:
        click.echo(f"stopped after {result.resealed} persons; run `credit-engine data-key "
                   f"rotate` again to continue (current key {result.current})")
        return
    removed = ", ".join(result.removed) or "none"
    click.echo(f"rotation complete: current key {result.current}, "
               f"{result.resealed} persons and {result.secrets} webhook secrets re-encrypted, "
               f"keys removed: {removed}")
