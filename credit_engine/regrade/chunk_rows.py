"""The storage boundary of a regrade run's chunk rows.

A chunk row holds either a key range (`after_key`, `upto_key`: a full run) or a list of
subjects (`subjects`: an incremental run). In the row a subject is its `"type:id"` key;
this module is the only place that writes or reads that form: everything above it works
with `SubjectRef`s. Failed subjects (`regrade_failures`) and the run's totals are read
and written here too.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credit_engine.domain.model import SubjectRef
from credit_engine.storage.models import (
    EnterpriseRow, JobRunChunkRow, PersonRow, RegradeFailureRow,
)

if TYPE_CHECKING:
    from credit_engine.services.grading import SubjectFailure

log = logging.getLogger(__name__)


def _key(subject: SubjectRef) -> str:
    """The `type:id` form stored in chunk rows."""
    return f"{subject.type}:{subject.id}"


def _subject(key: str) -> SubjectRef:
    """`type:id` back to a SubjectRef."""
    kind, _, ident = key.partition(":")
    if kind not in ("enterprise", "person") or not ident:
        raise ValueError(f"subject key {key!r} is not 'enterprise:<uscc>' or 'person:<id>'")
    return SubjectRef(kind, ident)  # type: ignore[arg-type]


@dataclass(frozen=True)
class PlannedChunk:
    """A chunk to be written: a range (after, upto], open at either end when None, or a
    list of subjects (`subjects` not None)."""

    after: SubjectRef | None
    upto: SubjectRef | None
    subjects: list[SubjectRef] | None
    size: int


def add_chunk(session: Session, run_id: int, seq: int, planned: PlannedChunk) -> None:
    """Write one pending chunk of run `run_id`."""
    session.add(JobRunChunkRow(
        run_id=run_id, seq=seq, size=planned.size, status="pending",
        after_key=_key(planned.after) if planned.after else None,
        upto_key=_key(planned.upto) if planned.upto else None,
        subjects=None if planned.subjects is None else [_key(s) for s in planned.subjects]))


def locked_chunk(session: Session, run_id: int, seq: int) -> JobRunChunkRow:
    """Chunk `seq` of run `run_id`, locked for update until the transaction ends."""
    return session.scalars(select(JobRunChunkRow).where(
        JobRunChunkRow.run_id == run_id, JobRunChunkRow.seq == seq).with_for_update()).one()


def pending_chunks(session: Session, run_id: int) -> list[int]:
    """Sequence numbers of the chunks not done yet, in order."""
    return list(session.scalars(select(JobRunChunkRow.seq).where(
        JobRunChunkRow.run_id == run_id, JobRunChunkRow.status == "pending")
        .order_by(JobRunChunkRow.seq)))


def _ids_in_range(session: Session, kind: str, after: SubjectRef | None,
                  upto: SubjectRef | None) -> list[SubjectRef]:
    column = EnterpriseRow.uscc if kind == "enterprise" else PersonRow.id
    if (after and after.type > kind) or (upto and upto.type < kind):
        return []
    query = select(column).order_by(column)
    if after and after.type == kind:
        query = query.where(column > after.id)
    if upto and upto.type == kind:
        query = query.where(column <= upto.id)
    return [SubjectRef(kind, i) for i in session.scalars(query)]  # type: ignore[arg-type]


def chunk_subjects(session: Session, chunk: JobRunChunkRow) -> list[SubjectRef]:
    """The subjects of a chunk: its list, or every subject in its range."""
    if chunk.subjects is not None:
        return [_subject(k) for k in chunk.subjects]
    after = _subject(chunk.after_key) if chunk.after_key else None
    upto = _subject(chunk.upto_key) if chunk.upto_key else None
    return _ids_in_range(session, "enterprise", after, upto) + \
        _ids_in_range(session, "person", after, upto)


def split_chunk_row(chunk: JobRunChunkRow, subjects: Sequence[SubjectRef],
                    new_seq: int) -> JobRunChunkRow:
    """Keep the first half of `chunk`'s `subjects` in it; the second half as a new pending
    chunk `new_seq` (returned, not added). A range splits into ranges (an open end stays
    open for late arrivals), a list into lists."""
    half = len(subjects) // 2
    second = JobRunChunkRow(run_id=chunk.run_id, seq=new_seq, size=len(subjects) - half,
                            status="pending")
    if chunk.subjects is not None:
        keys = [_key(s) for s in subjects]
        chunk.subjects, second.subjects = keys[:half], keys[half:]
    else:
        middle = _key(subjects[half - 1])
        second.after_key, second.upto_key = middle, chunk.upto_key
        chunk.upto_key = middle
    chunk.size = half
    return second


def record_failures(session: Session, run_id: int, failures: Sequence[SubjectFailure]) -> None:
    """Add the run's failed subjects to `regrade_failures` (in the caller's transaction)."""
    for failure in failures:
        log.warning("run %s: %s failed: %s", run_id, failure.subject, failure.error)
        session.add(RegradeFailureRow(run_id=run_id, subject_type=failure.subject.type,
                                      subject_id=failure.subject.id, error=failure.error))


def run_totals(session: Session, run_id: int) -> dict[str, int]:
    """Counts summed over the run's done chunks (so a resumed run counts every chunk once),
    and its failed subjects."""
    row = session.execute(select(
        func.count(), func.coalesce(func.sum(JobRunChunkRow.regraded), 0),
        func.coalesce(func.sum(JobRunChunkRow.changed), 0),
        func.coalesce(func.sum(JobRunChunkRow.announcements), 0))
        .where(JobRunChunkRow.run_id == run_id, JobRunChunkRow.status == "done")).one()
    failed = session.scalar(select(func.count()).select_from(RegradeFailureRow)
                            .where(RegradeFailureRow.run_id == run_id))
    return {"chunks_done": row[0], "regraded": row[1], "changed": row[2], "announcements": row[3],
            "failed": failed or 0}
