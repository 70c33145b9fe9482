"""The run driver: claim a (job, business date), plan it once, drive its pending chunks
through a `ChunkExecutor`, record the run.

The driver is the same for every executor. A chunk that did not finish goes to
`ChunkRetries` (chunk_failures.py): run again, halved, or recorded as failed, round
after round until none is pending. Only trouble of the database itself (unreachable,
locked for good) or a worker that cannot even start ends the run: it is recorded as
failed and resumes when run again. The owner sends a heartbeat every
HEARTBEAT_EVERY_SECONDS so other processes know the run is alive.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from credit_engine import metrics
from credit_engine.regrade.chunk_failures import ChunkRetries
from credit_engine.regrade.chunk_rows import pending_chunks, run_totals
from credit_engine.regrade.claims import Claim, claim_run, finish_run, heartbeat
from credit_engine.regrade.executors import ChunkExecutor, SerialExecutor
from credit_engine.regrade.outcomes import ChunkOutcome, RunReport
from credit_engine.regrade.planning import DEFAULT_CHUNK_SIZE, plan_run
from credit_engine.storage.models import JobRunRow
from credit_engine.validation.context import require_business_date

if TYPE_CHECKING:
    from credit_engine.bootstrap import Container

log = logging.getLogger(__name__)

COMPLETED_WITH_FAILURES = "completed_with_failures"
HEARTBEAT_EVERY_SECONDS = 10.0

ProgressCallback = Callable[[ChunkOutcome, int, int], None]  # outcome, chunks done, chunks total


def _drive(container: Container, claim: Claim, executor: ChunkExecutor,
           progress: ProgressCallback | None) -> None:
    """Run the pending chunks; again, halved, or recorded as failed those that did not
    finish (chunk_failures.py), round after round until none is pending."""
    with container.session_factory() as session:
        seqs = pending_chunks(session, claim.run_id)
        run = session.get(JobRunRow, claim.run_id)
        total = run.chunks_total if run else len(seqs)
    done, last_beat = total - len(seqs), time.monotonic()
    retries = ChunkRetries(container.session_factory, claim.run_id, claim.owner)
    while seqs:
        again: list[int] = []
        for outcome in executor.map(claim.run_id, seqs):
            finished: ChunkOutcome | None = outcome
            if outcome.error is not None:
                more, finished = retries.after(outcome)
                total += len(set(more) - {outcome.seq})  # a split adds one chunk
                again += more
            if finished is not None:
                done += 1
                metrics.regrade_subjects(finished.counts.regraded, finished.counts.failed)
                if progress:
                    progress(finished, done, total)
            if time.monotonic() - last_beat > HEARTBEAT_EVERY_SECONDS:
                heartbeat(container.session_factory, claim)
                last_beat = time.monotonic()
        seqs = sorted(set(again))


def _complete(container: Container, claim: Claim, elapsed: float) -> RunReport:
    with container.session_factory() as session:
        totals = run_totals(session, claim.run_id)
        left = pending_chunks(session, claim.run_id)
    if left:
        raise RuntimeError(f"run {claim.run_id}: chunks {left[:5]} are still pending")
    chunks_done, failed = totals.pop("chunks_done"), totals.pop("failed")
    status = COMPLETED_WITH_FAILURES if failed else "succeeded"
    finish_run(container.session_factory, claim, status, elapsed, None, **totals)
    metrics.regrade_run_ended(claim.job, status)
    with container.session_factory() as session:
        run = session.get(JobRunRow, claim.run_id)
        assert run is not None
        return RunReport(run.id, run.job, run.business_date, run.mode, claim.resumed,
                         run.subjects_total, chunks_done, run.regraded, run.changed,
                         run.announcements, run.duration_seconds, failed)


def run_regrade(container: Container, job: str, mode: str, business_date: date,
                executor: ChunkExecutor | None = None, chunk_size: int = DEFAULT_CHUNK_SIZE,
                progress: ProgressCallback | None = None) -> RunReport:
    """Claim (job, business date), plan it once, grade every pending chunk, record totals.

    Raises RunAlreadyDone or RunInProgress when the claim is not ours to run.
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size: must be at least 1, got {chunk_size}")
    settings = container.settings
    require_business_date(business_date, settings.today())  # nothing for the future
    claim = claim_run(container.session_factory, job, business_date, mode,
                      lease=settings.run_lease)
    started = time.monotonic()
    try:
        plan_run(container.session_factory, container.rulesets, claim, mode, chunk_size,
                 margin=settings.dirty_margin)
        _drive(container, claim, executor or SerialExecutor(container), progress)
        return _complete(container, claim, time.monotonic() - started)
    except BaseException as error:
        _record_failure(container, claim, time.monotonic() - started, error)
        raise


def _record_failure(container: Container, claim: Claim, elapsed: float, error: Any) -> None:
    metrics.regrade_run_ended(claim.job, "failed")
    try:
        finish_run(container.session_factory, claim, "failed", elapsed,
                   error=f"{type(error).__name__}: {error}"[:2000])
    except Exception:  # the database may be what failed: the claim's lease covers that
        log.exception("run %s: could not record the failure", claim.run_id)
