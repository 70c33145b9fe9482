"""`credit-engine backup`: a consistent, verified copy of the embedded SQLite database.

The copy is made with SQLite's online backup API in one step: one read transaction, which
in WAL mode never blocks the service's writers and sees a single committed state (copying
the file of a WAL database instead may miss commits still in the -wal file or catch a
page half written). The copy goes to a temporary name beside the target and is renamed
only when complete, so a file at `--to` is always a whole backup; then its audit chain is
verified as `audit verify` would (exit 1 if broken).

The personal-data key file is not inside the database: without it no ID number or name
in the copy can be read. It is copied only with `--with-data-key PATH`, and belongs on
other media than the database copy (docs/operations.md, "Backup and restore").

PostgreSQL is backed up with its own tools (`pg_dump -Fc`, or continuous archiving for
point-in-time recovery): this command says so and exits 2.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import click
from sqlalchemy.engine import make_url

from credit_engine.bootstrap import Container, bootstrap
from credit_engine.services.audit import VerifyResult, verify_chain

POSTGRES_ADVICE = (
    "the database is not the embedded SQLite file: `credit-engine backup` copies SQLite "
    "only. Back up PostgreSQL with its own tools: `pg_dump -Fc` (or continuous archiving "
    "for point-in-time recovery), restore with `pg_restore`, then run `credit-engine audit "
    "verify --head N:HASH` against a head published before the backup. The data key file "
    "(CREDIT_ENGINE_DATA_KEY_FILE) is not in the dump: back it up apart. "
    "See docs/operations.md, \"Backup and restore\"."
)
BUSY_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class CopySummary:
    """What a finished copy holds: user tables, their rows, the schema revision."""

    tables: int
    rows: int
    revision: str


def _sqlite_path(container: Container) -> Path:
    database = make_url(container.settings.database_url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise click.ClickException("an in-memory database has nothing to back up")
    path = Path(database)
    if not path.is_file():
        raise click.ClickException(f"no database file at {path}")
    return path


def _refuse_existing(path: Path, force: bool, option: str) -> None:
    if path.exists() and not force:
        raise click.ClickException(f"{path} exists: not overwritten (use --force to replace "
                                   f"it with this {option})")


def _temporary_beside(path: Path) -> Path:
    return path.with_name(f".{path.name}.partial-{secrets.token_hex(4)}")


def _fsync_directory(path: Path) -> None:
    descriptor = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _publish(temporary: Path, target: Path, force: bool) -> None:
    """Give the complete file at `temporary` its final name; without `force` never replace
    a file that appeared at `target` in the meantime (a hard link fails if it exists)."""
    try:
        if force:
            os.replace(temporary, target)
        else:
            os.link(temporary, target)
            os.unlink(temporary)
    except FileExistsError:
        raise click.ClickException(f"{target} appeared during the backup: not overwritten "
                                   "(use --force)") from None
    _fsync_directory(target)


@contextmanager
def _temporary_file(temporary: Path) -> Iterator[Path]:
    """`temporary`, removed afterwards unless it was given its final name."""
    try:
        yield temporary
    finally:
        temporary.unlink(missing_ok=True)


def _connect_existing(path: Path) -> sqlite3.Connection:
    # mode=rw: never create an empty database where the source was expected.
    return sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=rw", uri=True,
                           timeout=BUSY_TIMEOUT_SECONDS)


def _count(copy: sqlite3.Connection) -> CopySummary:
    names = [row[0] for row in copy.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]
    rows = sum(copy.execute(f'SELECT count(*) FROM "{name.replace(chr(34), chr(34) * 2)}"'
                            ).fetchone()[0] for name in names)
    revision = "none"
    if "alembic_version" in names:
        found = copy.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = found[0] if found else "none"
    return CopySummary(len(names), rows, revision)


def _copy_database(source: Path, temporary: Path) -> CopySummary:
    """Back `source` up into `temporary` (one step: a single consistent snapshot) as a
    self-contained file (rollback journal, no -wal beside it); checked and counted."""
    os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # private
    with closing(_connect_existing(source)) as origin, \
            closing(sqlite3.connect(temporary)) as copy:
        origin.backup(copy)  # pages=-1: all at once, one read transaction
        copy.execute("PRAGMA journal_mode=DELETE")
        problem = copy.execute("PRAGMA quick_check").fetchone()[0]
        if problem != "ok":
            raise click.ClickException(f"the copy fails SQLite's quick_check: {problem}")
        summary = _count(copy)
    with open(temporary, "rb+") as handle:
        os.fsync(handle.fileno())
    return summary


def _write_private(path: Path, content: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())


def _key_source(container: Container) -> Path:
    path = container.personal_data.path
    if path is None or not path.is_file():
        raise click.ClickException(f"no data key file at {path}: nothing to copy (the "
                                   "service creates it on first start)")
    return path


def _verify_copy(container: Container, copy: Path) -> VerifyResult:
    """Walk the copy's audit chain, opened with the service's own plumbing."""
    opened = bootstrap(container.settings.replace(database_url=f"sqlite:///{copy}"))
    try:
        with opened.session_factory() as session:
            return verify_chain(session)
    finally:
        opened.engine.dispose()


def _report_broken(copy: Path, result: VerifyResult) -> None:
    click.echo(f"backup written to {copy}, but its audit chain is broken at entry "
               f"{result.first_bad_id} after {result.checked} good entries: {result.reason} "
               "(so is the source's: run `credit-engine audit verify`)", err=True)
    raise SystemExit(1)


@click.command()
@click.option("--to", "target", required=True, metavar="PATH",
              type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write; an existing one is refused unless --force.")
@click.option("--force", is_flag=True,
              help="Replace an existing file at --to (and at --with-data-key).")
@click.option("--with-data-key", "key_target", default=None, metavar="PATH",
              type=click.Path(dir_okay=False, path_type=Path),
              help="Also copy the personal-data key file there (mode 0600). Store it apart "
                   "from the database copy: together they reveal every ID number and name.")
def backup(target: Path, force: bool, key_target: Path | None) -> None:
    """Copy the SQLite database while the service runs, then verify the copy's audit
    chain (exit 1 if broken). PostgreSQL: exit 2, use pg_dump (docs/operations.md)."""
    container = bootstrap()
    if not container.settings.is_sqlite:
        click.echo(f"backup: {POSTGRES_ADVICE}", err=True)
        raise SystemExit(2)
    source = _sqlite_path(container)
    if target.resolve() == source.resolve():
        raise click.ClickException("--to names the database itself")
    _refuse_existing(target, force, "backup")
    key_source = _key_source(container) if key_target is not None else None
    if key_target is not None:
        _refuse_existing(key_target, force, "key file copy")
    key_before = key_source.read_bytes() if key_source is not None else b""
    with _temporary_file(_temporary_beside(target)) as temporary:
        try:
            summary = _copy_database(source, temporary)
        except sqlite3.Error as error:
            raise click.ClickException(f"cannot back up {source}: {error}") from None
        if summary.revision == "none":
            raise click.ClickException(f"{source} has no schema: nothing to back up (run "
                                       "`credit-engine db upgrade` first)")
        if key_source is not None and key_source.read_bytes() != key_before:
            raise click.ClickException("the data key file changed during the backup (a "
                                       "rotation?): run it again once `data-key rotate` "
                                       "has finished")
        _publish(temporary, target, force)
    if key_target is not None:
        with _temporary_file(_temporary_beside(key_target)) as temporary:
            _write_private(temporary, key_before)
            _publish(temporary, key_target, force)
    result = _verify_copy(container, target)
    if not result.ok:
        _report_broken(target, result)
    click.echo(f"backup written to {target}: {summary.tables} tables, {summary.rows} rows, "
               f"revision {summary.revision}, audit head {result.head} (chain verified)")
    if key_target is None:
        click.echo(f"the data key is NOT in this backup: ID numbers and names in it can only "
                   f"be read with the key file {container.personal_data.path}; back that up "
                   "apart, or run again with --with-data-key PATH")
    else:
        click.echo(f"data key copied to {key_target} (mode 0600): store it apart from the "
                   "database copy; anyone holding both reads every ID number and name")
