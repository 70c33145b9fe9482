"""One transaction per use case: the only way the API, the CLI, the jobs and the tests
write.

`transaction` opens a session whose transaction commits when the block ends and rolls
back when it raises. On SQLite it can also queue for the database's write lock:

- `lock_now=True` takes the write lock at once (`BEGIN IMMEDIATE`) and waits up to
  SQLITE_WRITER_WAIT_MS for it. With a deferred SQLite transaction, a reader that later
  writes fails at once when another writer committed meanwhile; taking the lock first
  makes writers queue.
- `wait_for_lock=True` only waits that long: the driver begins at the first write, so
  the reads before it run outside the transaction. For work that reads and computes long
  and writes briefly at the end, and re-checks what it read with a conditional update.

PostgreSQL needs neither: its transactions begin at once and writers wait on row locks.

`run_in_transaction` runs a use case in such a transaction, and runs it again from the
start when it lost a race to extend the audit chain (an IntegrityError on `prev_hash`:
services/audit.py serialises appends, the UNIQUE constraint is the last line).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")

# How long a queued SQLite writer waits for the write lock before failing: longer than any
# regrade chunk holds it.
SQLITE_WRITER_WAIT_MS = 120_000
AUDIT_CONFLICT_ATTEMPTS = 5


@contextmanager
def transaction(session_factory: sessionmaker[Session], *, lock_now: bool = False,
                wait_for_lock: bool = False) -> Iterator[Session]:
    """One use case's session: committed on success, rolled back on any error."""
    with session_factory() as session:
        if lock_now or wait_for_lock:
            connection = session.connection()
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_WRITER_WAIT_MS}")
                if lock_now:
                    connection.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def is_audit_conflict(error: IntegrityError) -> bool:
    """True when `error` is a second writer extending the same audit-chain entry."""
    return "prev_hash" in str(error.orig)


def run_in_transaction(session_factory: sessionmaker[Session], use_case: Callable[[Session], T],
                       *, attempts: int = AUDIT_CONFLICT_ATTEMPTS, lock_now: bool = False) -> T:
    """Run `use_case` in its own transaction, again from the start if the audit chain forked
    (at most `attempts` times in all)."""
    for attempt in range(1, attempts + 1):
        try:
            with transaction(session_factory, lock_now=lock_now) as session:
                return use_case(session)
        except IntegrityError as error:
            if not is_audit_conflict(error) or attempt == attempts:
                raise
    raise AssertionError("unreachable")  # the loop returns or raises
