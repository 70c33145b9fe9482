"""Chunked, resumable regrade runs: plan once, then grade chunk by chunk.

A run is planned in one transaction: the chunks (key ranges for a full run, subject lists
for an incremental one) are written before any grading starts. Each chunk is then graded
by `execute_chunk` in one transaction that also stores its announcements and marks it
done, so a killed run resumes at the first chunk not done, and a chunk is never graded
twice. A subject whose grading fails is recorded in `regrade_failures` in that same
transaction and the chunk's other subjects are stored. Who executes the chunks (this
process, a process pool, a distributed task queue) is an executor's business
(`credit_engine/services/executors.py`); what happens to a chunk whose executor died is
the run driver's (`chunk_failures.py`).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from credit_engine.domain.model import SubjectRef
from credit_engine.services.dirty import dirty_subjects, safety_margin
from credit_engine.services.runs import DONE_STATUSES, Claim, write_transaction
from credit_engine.storage.credit_files import iter_subject_keys
from credit_engine.storage.models import (
    EnterpriseRow, JobRunChunkRow, JobRunRow, PersonRow, RegradeFailureRow, utcnow,
)

if TYPE_CHECKING:
    from credit_engine.domain.working_days import WorkingDayCalendar
    from credit_engine.rules import RulesetRegistry
    from credit_engine.services.grading import RegradeCounts, SubjectFailure

log = logging.getLogger(__name__)

FULL, DIRTY = "all", "dirty"
REGRADE_JOBS = ("nightly_regrade", "full_regrade")
DEFAULT_CHUNK_SIZE = 1000
_RETRIES = 8


def subject_key(subject: SubjectRef) -> str:
    """The `type:id` form stored in chunk rows."""
    return f"{subject.type}:{subject.id}"


def parse_key(key: str) -> SubjectRef:
    """`type:id` back to a SubjectRef."""
    kind, _, ident = key.partition(":")
    if kind not in ("enterprise", "person") or not ident:
        raise ValueError(f"subject key {key!r} is not 'enterprise:<uscc>' or 'person:<id>'")
    return SubjectRef(kind, ident)  # type: ignore[arg-type]


@dataclass(frozen=True)
class ChunkOutcome:
    """What one chunk did; `skipped` when it was already done (a retry, a second worker).

    `error` says why a chunk did not finish at all (its worker died, or an error outside
    any one subject): the run driver then retries or splits it. Nothing of it is stored.
    """

    seq: int
    size: int
    counts: RegradeCounts
    skipped: bool = False
    error: str | None = None


# ---- planning -----------------------------------------------------------------------

def _full_chunks(session: Session, chunk_size: int) -> Iterator[tuple[str | None, str | None, None, int]]:
    """Key ranges covering every subject; the last one is open so late arrivals are covered."""
    after: SubjectRef | None = None
    pending: tuple[str | None, str | None, None, int] | None = None
    while True:
        page = iter_subject_keys(session, after, chunk_size)
        if not page:
            break
        if pending:
            yield pending
        pending = (subject_key(after) if after else None, subject_key(page[-1]), None, len(page))
        after = page[-1]
        if len(page) < chunk_size:
            break
    yield (pending[0], None, None, pending[3]) if pending else (None, None, None, 0)


def _dirty_chunks(subjects: Sequence[SubjectRef],
                  chunk_size: int) -> Iterator[tuple[None, None, list[str], int]]:
    ordered = sorted(subjects)
    for start in range(0, len(ordered), chunk_size):
        keys = [subject_key(s) for s in ordered[start:start + chunk_size]]
        yield None, None, keys, len(keys)


def last_watermark(session: Session, business_date: date,
                   exclude_run_id: int | None = None) -> tuple[datetime | None, date | None]:
    """Changes-until and business date of the newest successful regrade run up to this date."""
    row = session.execute(
        select(JobRunRow.changes_until, JobRunRow.business_date)
        .where(JobRunRow.job.in_(REGRADE_JOBS), JobRunRow.status.in_(DONE_STATUSES),
               JobRunRow.business_date <= business_date, JobRunRow.changes_until.is_not(None),
               JobRunRow.id != (exclude_run_id or 0))
        .order_by(JobRunRow.changes_until.desc()).limit(1)).first()
    return (row[0], row[1]) if row else (None, None)


def _effective_mode(session: Session, registry: RulesetRegistry, mode: str, business_date: date,
                    since: datetime | None, last_date: date | None) -> str:
    """A dirty run becomes full when there is no earlier run or a new ruleset took effect."""
    if mode == FULL or since is None or last_date is None:
        return FULL
    effective = getattr(registry, "effective_dates", ()) or ()
    if any(last_date < day <= business_date for day in effective):
        return FULL
    return DIRTY


def plan_run(session_factory: sessionmaker[Session], registry: RulesetRegistry, claim: Claim,
             mode: str, chunk_size: int) -> None:
    """Write the run's chunks, once; a resumed run keeps the plan it has."""
    with write_transaction(session_factory) as session:
        run = session.get(JobRunRow, claim.run_id)
        assert run is not None, "a claimed run cannot disappear"  # rows are never deleted
        if run.planned_at is not None:
            return
        until = utcnow()  # taken before reading: anything later is the next run's
        since, last_date = last_watermark(session, run.business_date, run.id)
        effective = _effective_mode(session, registry, mode, run.business_date, since, last_date)
        if effective == FULL:
            chunks: Iterator[tuple] = _full_chunks(session, chunk_size)
            detail: dict[str, object] = {"requested": mode}
        else:
            assert since is not None
            dirty = dirty_subjects(session, since - safety_margin(),
                                   run.business_date)
            chunks = _dirty_chunks(list(dirty.subjects), chunk_size)
            detail = {"requested": mode, "changed": dirty.changed, "due": dirty.due,
                      "linked": dirty.linked, "failed_before": dirty.failed}
        total = seq = 0
        for seq, (after, upto, keys, size) in enumerate(chunks, start=1):
            session.add(JobRunChunkRow(run_id=run.id, seq=seq, after_key=after, upto_key=upto,
                                       subjects=keys, size=size, status="pending"))
            total += size
        run.mode, run.planned_at, run.chunks_total, run.subjects_total = effective, utcnow(), seq, total
        run.changes_since, run.changes_until, run.detail = since, until, detail


def pending_chunks(session: Session, run_id: int) -> list[int]:
    """Sequence numbers of the chunks not done yet, in order."""
    return list(session.scalars(select(JobRunChunkRow.seq).where(
        JobRunChunkRow.run_id == run_id, JobRunChunkRow.status == "pending")
        .order_by(JobRunChunkRow.seq)))


# ---- executing one chunk ------------------------------------------------------------

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
    """The subjects of a chunk: its list, or every subject key in its range."""
    if chunk.subjects is not None:
        return [parse_key(k) for k in chunk.subjects]
    after = parse_key(chunk.after_key) if chunk.after_key else None
    upto = parse_key(chunk.upto_key) if chunk.upto_key else None
    return _ids_in_range(session, "enterprise", after, upto) + \
        _ids_in_range(session, "person", after, upto)


class _ChunkTaken(Exception):
    """Another executor marked the chunk done while this one graded it."""


def record_failures(session: Session, run_id: int, failures: Sequence[SubjectFailure]) -> None:
    """Add the run's failed subjects to `regrade_failures` (in the caller's transaction)."""
    for failure in failures:
        log.warning("run %s: %s failed: %s", run_id, failure.subject, failure.error)
        session.add(RegradeFailureRow(run_id=run_id, subject_type=failure.subject.type,
                                      subject_id=failure.subject.id, error=failure.error))


def _grade_chunk(session: Session, registry: RulesetRegistry, calendar: WorkingDayCalendar,
                 run_id: int, seq: int, worker: str, savepoints: bool) -> ChunkOutcome:
    # Imported here: the grading path pulls in the rule engine, which planning never needs.
    from credit_engine.services.grading import RegradeCounts, regrade_subjects

    chunk = session.scalars(select(JobRunChunkRow).where(
        JobRunChunkRow.run_id == run_id, JobRunChunkRow.seq == seq).with_for_update()).one()
    if chunk.status == "done":
        return ChunkOutcome(seq, chunk.size, RegradeCounts(0, 0, 0), skipped=True)
    run = session.get(JobRunRow, run_id)
    assert run is not None, "a planned chunk belongs to a run"
    subjects = chunk_subjects(session, chunk)
    failures: list[SubjectFailure] = []
    counts = regrade_subjects(session, registry, subjects, run.business_date, f"job:{run.job}",
                              calendar=calendar, failures=failures, savepoints=savepoints)
    record_failures(session, run_id, failures)
    # Conditional: on SQLite the status was read outside the write lock (PostgreSQL holds
    # the row lock), so only the first of two executors of one chunk may commit it, and
    # not after the chunk was split (chunk_failures.py) into halves graded on their own.
    marked = session.execute(
        update(JobRunChunkRow)
        .where(JobRunChunkRow.id == chunk.id, JobRunChunkRow.status == "pending",
               JobRunChunkRow.size == chunk.size)
        .values(status="done", done_at=utcnow(), done_by=worker, size=len(subjects),
                regraded=counts.regraded, changed=counts.changed,
                announcements=counts.announcements)
        .execution_options(synchronize_session=False))
    if marked.rowcount != 1:  # type: ignore[attr-defined]
        raise _ChunkTaken()
    return ChunkOutcome(seq, len(subjects), counts)


def _no_counts() -> RegradeCounts:
    from credit_engine.services.grading import RegradeCounts

    return RegradeCounts(0, 0, 0)


def unfinished(seq: int, error: str) -> ChunkOutcome:
    """The outcome of a chunk that did not finish (nothing of it was stored)."""
    return ChunkOutcome(seq, 0, _no_counts(), error=error)


def _retryable(error: Exception) -> bool:
    text = str(getattr(error, "orig", error)).lower()
    if isinstance(error, IntegrityError):
        # Two writers extended the audit chain at once, or another executor stored this
        # chunk's grades first (the retry then finds the chunk done).
        return "prev_hash" in text or "grades" in text
    return isinstance(error, OperationalError) and any(
        s in text for s in ("locked", "deadlock", "could not serialize", "busy"))


def pause_after_chunk() -> None:
    """CREDIT_ENGINE_REGRADE_PAUSE_SECONDS: leave a shared database room between chunks."""
    raw = os.environ.get("CREDIT_ENGINE_REGRADE_PAUSE_SECONDS")
    if raw:
        time.sleep(float(raw))


def execute_chunk(session_factory: sessionmaker[Session], registry: RulesetRegistry,
                  run_id: int, seq: int, worker: str, *,
                  calendar: WorkingDayCalendar) -> ChunkOutcome:
    """Grade one chunk, store grades, announcements and failed subjects and mark it done,
    in one transaction.

    Grades are stored in one batch. When storing the batch fails for a reason of the data
    (not of the database), the chunk is done again with a SAVEPOINT per subject, so only
    the subject at fault is left out and recorded as failed.
    """
    from credit_engine.services.grading import database_trouble, describe_error

    savepoints = False
    for attempt in range(1, _RETRIES + 1):
        try:
            # SQLite: a SAVEPOINT that opens the transaction would commit it on RELEASE.
            with write_transaction(session_factory, lock_now=savepoints) as session:
                outcome = _grade_chunk(session, registry, calendar, run_id, seq, worker,
                                       savepoints)
            break
        except _ChunkTaken:
            return ChunkOutcome(seq, 0, _no_counts(), skipped=True)
        except Exception as error:
            if _retryable(error) and attempt < _RETRIES:
                log.info("chunk %s of run %s: retrying after %s", seq, run_id, error)
                time.sleep(min(0.05 * 2 ** attempt, 2.0))
            elif savepoints or database_trouble(error):
                raise
            else:
                log.warning("chunk %s of run %s: storing failed (%s); again subject by "
                            "subject", seq, run_id, describe_error(error))
                savepoints = True
    if not outcome.skipped:
        pause_after_chunk()
    return outcome


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



# ---- a whole run --------------------------------------------------------------------

@dataclass(frozen=True)
class RunReport:
    """The outcome of a regrade run (all attempts together)."""

    run_id: int
    job: str
    business_date: date
    mode: str
    resumed: bool
    subjects: int
    chunks: int
    regraded: int
    changed: int
    announcements: int
    duration_seconds: float
    failed: int = 0


HEARTBEAT_EVERY_SECONDS = 10.0

