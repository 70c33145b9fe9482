"""Regrade chunks over local worker processes that are watched, not trusted.

`multiprocessing.Pool.imap_unordered` waits forever for a task whose worker died, and
`concurrent.futures.ProcessPoolExecutor` fails every task in flight when one worker dies
(it cannot say whose task killed it). Here each worker has its own pipe and runs one
chunk at a time, and the parent waits on the pipes and the processes together: when a
process ends, the parent knows which chunk it held, reports that chunk unfinished (the
run driver retries or splits it) and starts a fresh worker. Chunks of other workers go
on undisturbed.

Workers are spawned (no inherited database connections), build their own container,
compile the rulesets once, tune the collector for grading, and are replaced every
CHUNKS_PER_WORKER chunks to bound their memory.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
from collections import deque
from collections.abc import Iterator, Sequence
from multiprocessing.connection import Connection, wait
from multiprocessing.context import SpawnContext, SpawnProcess
from typing import Any

from credit_engine.bootstrap import bootstrap
from credit_engine.config import Settings
from credit_engine.regrade.chunk_execution import run_chunk
from credit_engine.regrade.outcomes import ChunkOutcome, unfinished

log = logging.getLogger(__name__)

CHUNKS_PER_WORKER = 50
"""A worker's resident memory grows with the number of distinct subjects it has loaded
(memory the allocator does not hand back); a fresh process keeps a national run's peak
bounded."""
GC_FIRST_GENERATION = 50_000
"""Allocations between young-generation collections in a regrade worker (Python's default
is 700). Grading allocates millions of short-lived objects and few cycles; with the
default, collections took 10–20 % of a worker's time, with this about half of that
(`bench/scale_workers.py` without and with `--tuned-gc`). Garbage stays bounded: the
older generations keep their thresholds and a worker is replaced every CHUNKS_PER_WORKER
chunks."""
_STOP_SECONDS = 10.0


def tune_collector_for_grading() -> None:
    """Freeze what is loaded so far (it lives as long as the process: never scan it
    again) and collect the young generation every GC_FIRST_GENERATION allocations."""
    import gc

    gc.freeze()
    gc.set_threshold(GC_FIRST_GENERATION, *gc.get_threshold()[1:])


def _worker_main(settings: Settings, connection: Connection) -> None:
    """A worker: ("ready"), then one ("done", outcome) per (run id, seq) received."""
    from credit_engine.services.grading import describe_error

    try:
        container = bootstrap(settings)  # its own engine: connections never cross processes
        _ = container.rulesets, container.calendar  # loaded once per worker, not per chunk
        tune_collector_for_grading()
    except Exception as error:
        connection.send(("fatal", f"cannot start: {describe_error(error)}"))
        return
    connection.send(("ready", None))
    try:
        while (task := connection.recv()) is not None:
            run_id, seq = task
            try:
                outcome = run_chunk(container, run_id, seq)
            except Exception as error:  # the database's trouble: the run cannot go on
                connection.send(("fatal", describe_error(error)))
                return
            connection.send(("done", outcome))
    except EOFError:  # the parent went away
        pass
    finally:
        container.engine.dispose()


def exit_text(code: int | None) -> str:
    """How a process ended, for a failure record: `killed by SIGSEGV`, `exit status 1`."""
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


class WorkerFailed(RuntimeError):
    """A worker could not start, or met an error of the database: the run cannot go on."""


class _Worker:
    def __init__(self, context: SpawnContext, settings: Settings) -> None:
        self.connection, child_end = context.Pipe()
        self.process: SpawnProcess = context.Process(
            target=_worker_main, args=(settings, child_end), daemon=True,
            name="credit-engine regrade worker")
        self.process.start()
        child_end.close()  # only the child holds it now: its death is EOF here
        self.ready = False
        self.seq: int | None = None  # the chunk it is grading
        self.chunks = 0

    def assign(self, run_id: int, seq: int) -> None:
        self.seq, self.chunks = seq, self.chunks + 1
        self.connection.send((run_id, seq))

    def receive(self) -> tuple[str, Any] | None:
        """The next message, or None when the process is gone."""
        try:
            message: tuple[str, Any] = self.connection.recv()
            return message
        except (EOFError, OSError):
            return None

    def stop(self, wait_seconds: float) -> None:
        try:
            self.connection.send(None)
        except OSError:
            pass
        self.process.join(wait_seconds)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


class ProcessPoolChunkExecutor:
    """Chunks spread over `workers` watched local processes (spawned): a `ChunkExecutor`
    (executors.py)."""

    def __init__(self, settings: Settings, workers: int) -> None:
        if workers < 1:
            raise ValueError(f"workers: must be at least 1, got {workers}")
        self.settings, self.workers = settings, workers

    def map(self, run_id: int, seqs: Sequence[int]) -> Iterator[ChunkOutcome]:
        """Execute the chunks over the workers, yielding outcomes as they finish; the
        chunk of a worker that died is yielded unfinished."""
        context = multiprocessing.get_context("spawn")
        queue: deque[int] = deque(seqs)
        workers: list[_Worker] = []
        try:
            while queue or any(w.seq is not None for w in workers):
                busy = sum(w.seq is not None for w in workers)
                while len(workers) < min(self.workers, busy + len(queue)):
                    workers.append(_Worker(context, self.settings))
                for worker in workers:
                    if worker.ready and worker.seq is None and queue:
                        worker.assign(run_id, queue.popleft())
                ready = wait([w.connection for w in workers])
                for worker in [w for w in workers if w.connection in ready]:
                    outcome = self._handle(worker, worker.receive())
                    if outcome is not None:
                        yield outcome
                    spent = worker.seq is None and worker.chunks >= CHUNKS_PER_WORKER
                    if spent or not worker.process.is_alive():
                        workers.remove(worker)
                        worker.stop(_STOP_SECONDS)
        finally:
            for worker in workers:
                worker.stop(0.0 if worker.seq is not None else _STOP_SECONDS)

    def _handle(self, worker: _Worker, message: tuple[str, Any] | None) -> ChunkOutcome | None:
        if message is None:  # the process ended without a word: it died
            worker.process.join(_STOP_SECONDS)
            how = exit_text(worker.process.exitcode)
            if not worker.ready:
                raise WorkerFailed(f"a regrade worker died while starting ({how})")
            seq, worker.seq = worker.seq, None
            log.warning("regrade worker %s died (%s) in chunk %s", worker.process.pid, how, seq)
            return unfinished(seq, f"worker process died ({how})") if seq is not None else None
        kind, value = message
        if kind == "fatal":
            raise WorkerFailed(f"regrade worker {worker.process.pid}: {value}")
        if kind == "ready":
            worker.ready = True
            return None
        worker.seq = None
        outcome: ChunkOutcome = value
        return outcome
