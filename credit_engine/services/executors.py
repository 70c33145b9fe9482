"""Chunk executors and the loop that drives a regrade run through one.

An executor takes a run id and the sequence numbers of its pending chunks and yields a
`ChunkOutcome` per chunk, in any order. Everything a chunk needs is in the database
(`execute_chunk(session_factory, registry, run_id, seq, worker)` is idempotent: a chunk
already done is skipped), so an executor only has to decide *where* chunks run:
`SerialExecutor` here, `ProcessPoolChunkExecutor` over local processes; a distributed
executor (docs/distributed-regrade.md) sends each (run id, seq) to a task queue.

An executor never gives up on a run because of one chunk: a chunk whose worker died or
that raised yields an outcome with `error` set, and the driver (`_drive`, the same for
every executor) retries it, splits it and finally records its subject as failed
(`chunk_failures.py`). Only trouble of the database itself (unreachable, locked for
good) or a worker that cannot even start ends the run: it is recorded as failed and
resumes when run again.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any, Protocol

from credit_engine.bootstrap import Container
from credit_engine.services.chunk_failures import ChunkRetries, run_chunk
from credit_engine.services.regrade_runs import (
    DEFAULT_CHUNK_SIZE, HEARTBEAT_EVERY_SECONDS, ChunkOutcome, RunReport, pending_chunks,
    plan_run, run_totals,
)
from credit_engine.services.runs import Claim, claim_run, finish_run, heartbeat, owner_id
from credit_engine.services.worker_pool import (  # noqa: F401  (re-exported)
    CHUNKS_PER_WORKER, GC_FIRST_GENERATION, ProcessPoolChunkExecutor, tune_collector_for_grading,
)
from credit_engine.storage.models import JobRunRow
from credit_engine.validation.context import require_business_date

log = logging.getLogger(__name__)

COMPLETED_WITH_FAILURES = "completed_with_failures"


class ChunkExecutor(Protocol):
    """Runs chunks of a planned run somewhere; yields one outcome per chunk.

    A chunk that did not finish (its worker died, or it raised) is an outcome with
    `error` set, never an exception; an exception from `map` ends the run.
    """

    def map(self, run_id: int, seqs: Sequence[int]) -> Iterator[ChunkOutcome]:
        """Execute the chunks `seqs` of run `run_id`."""
        ...


class SerialExecutor:
    """Every chunk in this process, in order (a chunk that kills the process kills the
    run: `make_executor` uses one worker process instead)."""

    def __init__(self, container: Container) -> None:
        self.container = container

    def map(self, run_id: int, seqs: Sequence[int]) -> Iterator[ChunkOutcome]:
        """Execute the chunks one after the other."""
        for seq in seqs:
            yield run_chunk(self.container, run_id, seq)


def default_workers() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def make_executor(container: Container, workers: int | None) -> ChunkExecutor:
    """Watched worker processes, one or more: a chunk that kills its process (a signal,
    a crash in the rule engine) must never take the run's own process with it."""
    workers = default_workers() if workers is None else workers
    if workers < 1:
        raise ValueError(f"workers: must be at least 1, got {workers}")
    return ProcessPoolChunkExecutor(container.settings, workers)


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
    require_business_date(business_date, container.settings.today())  # nothing for the future
    claim = claim_run(container.session_factory, job, business_date, mode)
    started = time.monotonic()
    try:
        plan_run(container.session_factory, container.rulesets, claim, mode, chunk_size)
        _drive(container, claim, executor or SerialExecutor(container), progress)
        return _complete(container, claim, time.monotonic() - started)
    except BaseException as error:
        _record_failure(container, claim, time.monotonic() - started, error)
        raise


def _record_failure(container: Container, claim: Claim, elapsed: float, error: Any) -> None:
    try:
        finish_run(container.session_factory, claim, "failed", elapsed,
                   error=f"{type(error).__name__}: {error}"[:2000])
    except Exception:  # the database may be what failed: the claim's lease covers that
        log.exception("run %s: could not record the failure", claim.run_id)
