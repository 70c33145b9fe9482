"""The audit log's rows: taking the right to extend the chain, its last hash, adding an
entry, reading entries in id order, and the heads published once a day
(credit_engine/services/audit.py owns the chain's rules: hashing, validation,
verification)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from credit_engine.storage.models import AuditHeadRow, AuditRow

# Any constant: identifies "the audit chain" among PostgreSQL advisory locks.
_ADVISORY_LOCK_KEY = 0x43450A0D17
# How long an SQLite writer waits for the write lock before failing: longer than any
# regrade chunk holds it (a chunk writes briefly at its end), well under a client's timeout.
SQLITE_LOCK_WAIT_MS = 30_000

_ENTRY_COLUMNS = (AuditRow.id, AuditRow.at, AuditRow.actor, AuditRow.action, AuditRow.target,
                  AuditRow.payload, AuditRow.prev_hash, AuditRow.hash)


def lock_chain(session: Session) -> None:
    """Hold the right to extend the chain until the session's transaction ends."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY})
    elif connection.dialect.name == "sqlite":
        driver = connection.connection.driver_connection
        if not driver.in_transaction:  # type: ignore[union-attr]
            # Nothing written yet: SQLite's driver would begin a deferred transaction at the
            # INSERT, after the last entry was read outside it. Take the write lock first.
            connection.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_LOCK_WAIT_MS}")
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        # Already in a transaction: it has written, so it holds SQLite's only write lock.


def last_hash(session: Session) -> str | None:
    """The hash of the newest entry (None for an empty log); call `lock_chain` first."""
    return session.scalar(select(AuditRow.hash).order_by(AuditRow.id.desc()).limit(1))


def add_entry(session: Session, *, at: datetime, prev_hash: str, hash: str, actor: str,
              action: str, target: str, payload: dict[str, Any]) -> AuditRow:
    """Add one entry, flushed: a fork of the chain fails here (UNIQUE prev_hash)."""
    row = AuditRow(at=at, prev_hash=prev_hash, hash=hash, actor=actor, action=action,
                   target=target, payload=payload)
    session.add(row)
    session.flush()
    return row


def entries_after(session: Session, last_id: int | None, limit: int) -> Sequence[Any]:
    """Up to `limit` entries after id `last_id` (from the very first without one), as plain
    rows: a long log must not fill the session's identity map."""
    query = select(*_ENTRY_COLUMNS).order_by(AuditRow.id).limit(limit)
    if last_id is not None:  # no lower bound at first: a forged id 0 or below is seen too
        query = query.where(AuditRow.id > last_id)
    return session.execute(query).all()


def head_published_on(session: Session, day: date) -> tuple[int, str] | None:
    """The (entries, hash) published on `day`, or None."""
    row = session.execute(select(AuditHeadRow.entries, AuditHeadRow.hash)
                          .where(AuditHeadRow.published_on == day)).first()
    return None if row is None else (int(row.entries), str(row.hash))


def add_published_head(session: Session, day: date, entries: int, hash: str) -> None:
    """Store the head published on `day` (one a day: UNIQUE published_on)."""
    session.add(AuditHeadRow(published_on=day, entries=entries, hash=hash))
    session.flush()


def latest_published_head(session: Session) -> tuple[date, int, str] | None:
    """The newest published head as (published_on, entries, hash), or None."""
    row = session.execute(select(AuditHeadRow.published_on, AuditHeadRow.entries,
                                 AuditHeadRow.hash)
                          .order_by(AuditHeadRow.published_on.desc()).limit(1)).first()
    return None if row is None else (row.published_on, int(row.entries), str(row.hash))
