"""Enterprise replies: store one, and find the one the public page shows on a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credit_engine.storage.models import GradeRow, ReplyRow


@dataclass(frozen=True)
class StoredReply:
    """A reply as stored."""

    id: int
    uscc: str
    text: str
    submitted_on: date


def _reply(row: ReplyRow) -> StoredReply:
    return StoredReply(row.id, row.uscc, row.text, row.submitted_on)


def add_reply(session: Session, uscc: str, text: str, submitted_on: date,
              created_by: str) -> StoredReply:
    """Store a reply (flushed, so it has its id)."""
    row = ReplyRow(uscc=uscc, text=text, submitted_on=submitted_on, created_by=created_by)
    session.add(row)
    session.flush()
    return _reply(row)


def latest_reply(session: Session, uscc: str, on: date) -> StoredReply | None:
    """The enterprise's latest reply submitted on or before `on` (the later id on a tie)."""
    row = session.scalars(
        select(ReplyRow).where(ReplyRow.uscc == uscc, ReplyRow.submitted_on <= on)
        .order_by(ReplyRow.submitted_on.desc(), ReplyRow.id.desc()).limit(1)).first()
    return None if row is None else _reply(row)


def letter_held_since(session: Session, uscc: str, letter: str, on: date) -> date | None:
    """The first day of the enterprise's current run of grades with `letter`, looking at
    grades stored on or before `on`: the day after which its last different grade ended
    (None when it has no stored grade by then)."""
    mine = (GradeRow.subject_type == "enterprise", GradeRow.subject_id == uscc,
            GradeRow.as_of <= on)
    last_other = session.scalar(
        select(func.max(GradeRow.as_of)).where(*mine, GradeRow.grade != letter))
    run = select(func.min(GradeRow.as_of)).where(*mine)
    if last_other is not None:
        run = run.where(GradeRow.as_of > last_other)
    return session.scalar(run)
