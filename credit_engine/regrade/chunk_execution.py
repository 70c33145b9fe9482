"""Grading one chunk of a planned run: in one transaction, exactly once.

`execute_chunk` grades a chunk's subjects, stores their grades and announcements, records
the subjects whose grading failed (`regrade_failures`) and marks the chunk done, in one
transaction; so a killed run resumes at the first chunk not done and a chunk is never
graded twice (a chunk already done is skipped). `run_chunk` is what every executor runs
for one chunk: an error of the chunk's own becomes an unfinished outcome for the run
driver (`chunk_failures.py`), trouble of the database is raised.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from credit_engine import metrics
from credit_engine.regrade.chunk_rows import chunk_subjects, record_failures
from credit_engine.regrade.claims import owner_id
from credit_engine.regrade.outcomes import ChunkOutcome, skipped, unfinished
from credit_engine.storage.models import JobRunChunkRow, JobRunRow, utcnow
from credit_engine.storage.unit_of_work import transaction

if TYPE_CHECKING:
    from credit_engine.bootstrap import Container
    from credit_engine.domain.working_days import WorkingDayCalendar
    from credit_engine.rules import RulesetRegistry
    from credit_engine.services.grading import SubjectFailure

log = logging.getLogger(__name__)

_RETRIES = 8


class _ChunkTaken(Exception):
    """Another executor marked the chunk done while this one graded it."""


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


def _retryable(error: Exception) -> bool:
    text = str(getattr(error, "orig", error)).lower()
    if isinstance(error, IntegrityError):
        # Two writers extended the audit chain at once, or another executor stored this
        # chunk's grades first (the retry then finds the chunk done).
        return "prev_hash" in text or "grades" in text
    return isinstance(error, OperationalError) and any(
        s in text for s in ("locked", "deadlock", "could not serialize", "busy"))


def execute_chunk(session_factory: sessionmaker[Session], registry: RulesetRegistry,
                  run_id: int, seq: int, worker: str, *, calendar: WorkingDayCalendar,
                  pause_seconds: float = 0.0) -> ChunkOutcome:
    """Grade one chunk, store grades, announcements and failed subjects and mark it done,
    in one transaction; then, when it graded anything, leave a shared database
    `pause_seconds` of room (`Settings.regrade_pause_seconds`).

    Grades are stored in one batch. When storing the batch fails for a reason of the data
    (not of the database), the chunk is done again with a SAVEPOINT per subject, so only
    the subject at fault is left out and recorded as failed.
    """
    from credit_engine.services.grading import describe_error
    from credit_engine.storage.transient_errors import database_trouble

    savepoints = False
    for attempt in range(1, _RETRIES + 1):
        try:
            # SQLite: a SAVEPOINT that opens the transaction would commit it on RELEASE.
            # Without savepoints the chunk reads long outside the lock and writes briefly.
            with transaction(session_factory, lock_now=savepoints,
                             wait_for_lock=True) as session:
                outcome = _grade_chunk(session, registry, calendar, run_id, seq, worker,
                                       savepoints)
            break
        except _ChunkTaken:
            return skipped(seq)
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
    if not outcome.skipped and pause_seconds:
        time.sleep(pause_seconds)
    return outcome


def run_chunk(container: Container, run_id: int, seq: int) -> ChunkOutcome:
    """`execute_chunk` on the container's database, rulesets, calendar and settings, with
    an error of the chunk's own (not the database's) returned as an unfinished outcome:
    what every executor runs for one chunk."""
    from credit_engine.services.grading import describe_error
    from credit_engine.storage.transient_errors import database_trouble

    try:
        with metrics.chunk_timer():
            return execute_chunk(container.session_factory, container.rulesets, run_id, seq,
                                 owner_id(), calendar=container.calendar,
                                 pause_seconds=container.settings.regrade_pause_seconds)
    except Exception as error:
        if database_trouble(error):
            raise
        log.exception("run %s, chunk %s did not finish", run_id, seq)
        return unfinished(seq, describe_error(error))
