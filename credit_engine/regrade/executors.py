"""Chunk executors: where the chunks of a planned run are graded.

An executor takes a run id and the sequence numbers of its pending chunks and yields a
`ChunkOutcome` per chunk, in any order. Everything a chunk needs is in the database
(`chunk_execution.run_chunk(container, run_id, seq)` is idempotent: a chunk already done
is skipped), so an executor only has to decide *where* chunks run: `SerialExecutor` in
this process, `ProcessPoolChunkExecutor` (worker_pool.py) over watched local processes,
`CeleryChunkExecutor` (celery_executor.py, docs/distributed-regrade.md) by sending each
(run id, seq) as a Celery task to `credit-engine worker` processes on any machine.

An executor never gives up on a run because of one chunk: a chunk whose worker died or
that raised yields an outcome with `error` set, and the run driver (driver.py) retries
it, splits it and finally records its subject as failed (chunk_failures.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Protocol

from credit_engine.regrade.chunk_execution import run_chunk
from credit_engine.regrade.outcomes import ChunkOutcome
from credit_engine.regrade.worker_pool import ProcessPoolChunkExecutor

if TYPE_CHECKING:
    from credit_engine.bootstrap import Container


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


def make_executor(container: Container, workers: int | None,
                  kind: str | None = None) -> ChunkExecutor:
    """The executor `kind` (`local` or `celery`; None: `Settings.executor`).

    `local`: watched worker processes, one or more (None: one per core): a chunk that kills
    its process (a signal, a crash in the rule engine) must never take the run's own
    process with it. `celery`: Celery tasks on `credit-engine worker` processes
    (celery_executor.py; `workers` does not apply)."""
    kind = kind or container.settings.executor
    if kind == "celery":
        # Imported here: Celery is the `distributed` extra, not needed by local runs.
        from credit_engine.regrade.celery_executor import CeleryChunkExecutor

        return CeleryChunkExecutor(container.settings)
    if kind != "local":
        raise ValueError(f"executor: must be local or celery, got {kind!r}")
    workers = default_workers() if workers is None else workers
    if workers < 1:
        raise ValueError(f"workers: must be at least 1, got {workers}")
    return ProcessPoolChunkExecutor(container.settings, workers)
