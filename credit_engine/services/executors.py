"""Chunk executors and the loop that drives a regrade run through one.

An executor takes a run id and the sequence numbers of its pending chunks and yields a
`ChunkOutcome` per chunk, in any order. Everything a chunk needs is in the database
(`execute_chunk(session_factory, registry, run_id, seq, worker)` is idempotent: a chunk
already done is skipped), so an executor only has to decide *where* chunks run:
`SerialExecutor` here, `ProcessPoolChunkExecutor` over local processes; a distributed
executor (docs/distributed-regrade.md) sends each (run id, seq) to a task queue.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any, Protocol

from credit_engine.bootstrap import Container, bootstrap
from credit_engine.config import Settings
from credit_engine.services.regrade_runs import (
    DEFAULT_CHUNK_SIZE, HEARTBEAT_EVERY_SECONDS, ChunkOutcome, RunReport, execute_chunk,
    pending_chunks, plan_run, run_totals,
)
from credit_engine.services.runs import Claim, claim_run, finish_run, heartbeat, owner_id
from credit_engine.storage.models import JobRunRow

log = logging.getLogger(__name__)


class ChunkExecutor(Protocol):
    """Runs chunks of a planned run somewhere; yields one outcome per chunk."""

    def map(self, run_id: int, seqs: Sequence[int]) -> Iterator[ChunkOutcome]:
        """Execute the chunks `seqs` of run `run_id`."""
        ...


class SerialExecutor:
    """Every chunk in this process, in order."""

    def __init__(self, container: Container) -> None:
        self.container = container

    def map(self, run_id: int, seqs: Sequence[int]) -> Iterator[ChunkOutcome]:
        """Execute the chunks one after the other."""
        worker = owner_id()
        for seq in seqs:
            yield execute_chunk(self.container.session_factory, self.container.rulesets,
                                run_id, seq, worker)


_worker_container: Container | None = None
CHUNKS_PER_WORKER = 50
GC_FIRST_GENERATION = 50_000
"""Allocations between young-generation collections in a regrade worker (Python's default
is 700). Grading allocates millions of short-lived objects and few cycles; with the
default, collections took 10–20 % of a worker's time, with this about half of that
(`bench/scale_workers.py` without and with `--tuned-gc`). Garbage stays bounded: the
older generations keep their thresholds and a worker is replaced every CHUNKS_PER_WORKER
chunks."""


def _init_worker(settings: Settings) -> None:
    # Each worker builds its own engine: connections must never cross a process boundary.
    global _worker_container
    _worker_container = bootstrap(settings)
    _ = _worker_container.rulesets  # load and compile once per worker, not per chunk
    tune_collector_for_grading()


def tune_collector_for_grading() -> None:
    """Freeze what is loaded so far (it lives as long as the process: never scan it
    again) and collect the young generation every GC_FIRST_GENERATION allocations."""
    gc.freeze()
    gc.set_threshold(GC_FIRST_GENERATION, *gc.get_threshold()[1:])


def _run_in_worker(task: tuple[int, int]) -> ChunkOutcome:
    assert _worker_container is not None, "the pool initializer sets the container"
    run_id, seq = task
    return execute_chunk(_worker_container.session_factory, _worker_container.rulesets,
                         run_id, seq, owner_id())


class ProcessPoolChunkExecutor:
    """Chunks spread over `workers` local processes (spawned: no inherited connections)."""

    def __init__(self, settings: Settings, workers: int) -> None:
        if workers < 1:
            raise ValueError(f"workers: must be at least 1, got {workers}")
        self.settings, self.workers = settings, workers

    def map(self, run_id: int, seqs: Sequence[int]) -> Iterator[ChunkOutcome]:
        """Execute the chunks in the pool, yielding outcomes as they finish."""
        if not seqs:
            return
        context = multiprocessing.get_context("spawn")
        # Workers are replaced every CHUNKS_PER_WORKER chunks: a worker's resident memory
        # grows with the number of distinct subjects it has loaded (memory the allocator
        # does not hand back), and a fresh process keeps a national run's peak bounded.
        with context.Pool(min(self.workers, len(seqs)), initializer=_init_worker,
                          initargs=(self.settings,),
                          maxtasksperchild=CHUNKS_PER_WORKER) as pool:
            yield from pool.imap_unordered(_run_in_worker, [(run_id, s) for s in seqs])


def default_workers() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def make_executor(container: Container, workers: int | None) -> ChunkExecutor:
    """Serial for one worker, a process pool for more."""
    workers = default_workers() if workers is None else workers
    if workers < 1:
        raise ValueError(f"workers: must be at least 1, got {workers}")
    if workers == 1:
        return SerialExecutor(container)
    return ProcessPoolChunkExecutor(container.settings, workers)


ProgressCallback = Callable[[ChunkOutcome, int, int], None]  # outcome, chunks done, chunks total


def _drive(container: Container, claim: Claim, executor: ChunkExecutor,
           progress: ProgressCallback | None) -> None:
    with container.session_factory() as session:
        seqs = pending_chunks(session, claim.run_id)
        run = session.get(JobRunRow, claim.run_id)
        total = run.chunks_total if run else len(seqs)
    done, last_beat = total - len(seqs), time.monotonic()
    for outcome in executor.map(claim.run_id, seqs):
        done += 1
        if progress:
            progress(outcome, done, total)
        if time.monotonic() - last_beat > HEARTBEAT_EVERY_SECONDS:
            heartbeat(container.session_factory, claim)
            last_beat = time.monotonic()


def _complete(container: Container, claim: Claim, elapsed: float) -> RunReport:
    with container.session_factory() as session:
        totals = run_totals(session, claim.run_id)
        left = pending_chunks(session, claim.run_id)
    if left:
        raise RuntimeError(f"run {claim.run_id}: chunks {left[:5]} are still pending")
    chunks_done = totals.pop("chunks_done")
    finish_run(container.session_factory, claim, "succeeded", elapsed, None, **totals)
    with container.session_factory() as session:
        run = session.get(JobRunRow, claim.run_id)
        assert run is not None
        return RunReport(run.id, run.job, run.business_date, run.mode, claim.resumed,
                         run.subjects_total, chunks_done, run.regraded, run.changed,
                         run.announcements, run.duration_seconds)


def run_regrade(container: Container, job: str, mode: str, business_date: date,
                executor: ChunkExecutor | None = None, chunk_size: int = DEFAULT_CHUNK_SIZE,
                progress: ProgressCallback | None = None) -> RunReport:
    """Claim (job, business date), plan it once, grade every pending chunk, record totals.

    Raises RunAlreadyDone or RunInProgress when the claim is not ours to run.
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size: must be at least 1, got {chunk_size}")
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
