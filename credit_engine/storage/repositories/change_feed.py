"""The change feed's rows: the bulk insert of a grade writer, the sequencer, pages in order.

Why a sequencer: with two writers on PostgreSQL, an id handed out at INSERT is not the
order of commits. A reader could read id 105 (committed) while 104 is still in flight and
move its cursor past 104 for ever. So writers insert rows with `seq` NULL, and
`sequence_pending` numbers the rows already committed, under one lock (a transaction-scoped
advisory lock on PostgreSQL, the write lock on SQLite), each number above every number
given before. Numbers and their rows become visible in one commit, and a later
sequencer starts after it: whatever a reader sees is always a gap-free prefix of `seq`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.orm import Session

from credit_engine.domain.model import SubjectRef
from credit_engine.storage.models import ChangeFeedRow

# Any constant: identifies "the change feed's sequencer" among PostgreSQL advisory locks.
_SEQUENCER_LOCK_KEY = 0x43450FEED
SQLITE_LOCK_WAIT_MS = 30_000


@dataclass(frozen=True)
class FeedChange:
    """One change as stored (seq None until sequenced)."""

    seq: int | None
    subject: SubjectRef
    as_of: date
    old_grade: str | None
    new_grade: str
    measures_added: tuple[str, ...]
    measures_removed: tuple[str, ...]


def add_changes(session: Session, changes: Sequence[FeedChange]) -> None:
    """Insert `changes` unnumbered, in one statement (the caller's transaction)."""
    if not changes:
        return
    session.execute(insert(ChangeFeedRow), [
        {"subject_type": c.subject.type, "subject_id": c.subject.id, "as_of": c.as_of,
         "old_grade": c.old_grade, "new_grade": c.new_grade,
         "measures_added": list(c.measures_added),
         "measures_removed": list(c.measures_removed)} for c in changes])


def _lock_sequencer(session: Session) -> None:
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                           {"key": _SEQUENCER_LOCK_KEY})
    elif connection.dialect.name == "sqlite":
        driver = connection.connection.driver_connection
        if not driver.in_transaction:  # type: ignore[union-attr]
            connection.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_LOCK_WAIT_MS}")
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def has_unsequenced(session: Session) -> bool:
    """Whether some committed change still waits for its number (no lock taken)."""
    return session.scalar(select(ChangeFeedRow.id).where(ChangeFeedRow.seq.is_(None))
                          .limit(1)) is not None


def sequence_pending(session: Session, limit: int) -> int:
    """Number up to `limit` committed unnumbered changes in id order, after the highest
    number given so far; how many. Holds the sequencer lock until the transaction ends:
    call it in a transaction of its own and commit at once."""
    _lock_sequencer(session)
    base = session.scalar(select(func.max(ChangeFeedRow.seq))) or 0
    ranked = (select(ChangeFeedRow.id,
                     func.row_number().over(order_by=ChangeFeedRow.id).label("n"))
              .where(ChangeFeedRow.seq.is_(None)).order_by(ChangeFeedRow.id).limit(limit)
              .subquery())
    done = session.execute(
        update(ChangeFeedRow).where(ChangeFeedRow.id == ranked.c.id)
        .values(seq=base + ranked.c.n).execution_options(synchronize_session=False))
    return int(done.rowcount)  # type: ignore[attr-defined]


def _change(row: Any) -> FeedChange:
    return FeedChange(row.seq, SubjectRef(row.subject_type, row.subject_id), row.as_of,
                      row.old_grade, row.new_grade, tuple(row.measures_added),
                      tuple(row.measures_removed))


_COLUMNS = (ChangeFeedRow.seq, ChangeFeedRow.subject_type, ChangeFeedRow.subject_id,
            ChangeFeedRow.as_of, ChangeFeedRow.old_grade, ChangeFeedRow.new_grade,
            ChangeFeedRow.measures_added, ChangeFeedRow.measures_removed)


def changes_after(session: Session, after_seq: int, limit: int) -> list[FeedChange]:
    """Up to `limit` numbered changes after `after_seq`, in `seq` order."""
    rows = session.execute(select(*_COLUMNS).where(ChangeFeedRow.seq > after_seq)
                           .order_by(ChangeFeedRow.seq).limit(limit))
    return [_change(row) for row in rows]


def last_seq(session: Session) -> int:
    """The highest number given so far (0 for none)."""
    return int(session.scalar(select(func.max(ChangeFeedRow.seq))) or 0)
