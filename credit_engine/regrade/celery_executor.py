"""Chunks as Celery tasks on `credit-engine worker` processes anywhere: a `ChunkExecutor`.

`CeleryChunkExecutor.map` sends one `regrade_chunk` task per chunk (celery_app.py) and
yields each chunk's outcome as its task finishes, read from the Redis result backend. It
never waits without bound:

- a chunk a worker started (the task is STARTED) and did not finish within
  `chunk_wait_seconds` is yielded unfinished;
- a chunk still queued is yielded unfinished when no chunk at all started or finished for
  `chunk_wait_seconds` (queued chunks wait as long as the workers make progress);
- before sending anything, at least one worker must answer a ping, else the run fails
  (and resumes when run again) instead of recording every subject failed.

An unfinished chunk goes to the run driver's failure rules (chunk_failures.py): it is sent
again as a new task, then split. A chunk's task that raised (trouble of the database:
`run_chunk` turns a chunk's own errors into unfinished outcomes) ends the run, as a
local worker's database error does.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from credit_engine.regrade.celery_app import TASK_NAME, make_celery_app, outcome_from_dict
from credit_engine.regrade.outcomes import ChunkOutcome, unfinished

if TYPE_CHECKING:
    from celery import Celery

    from credit_engine.config import Settings

log = logging.getLogger(__name__)

POLL_SECONDS = 0.2
PING_SECONDS = 2.0
RESTORE_MARGIN_SECONDS = 30.0


def chunk_wait_seconds(settings: Settings) -> float:
    """How long a started chunk may take before it is reported unfinished: twice the
    visibility timeout (a killed worker's task is redelivered, and reported, well within
    it) plus a margin for the broker's restore sweep."""
    return 2 * settings.celery_visibility_seconds + RESTORE_MARGIN_SECONDS


class NoCeleryWorker(RuntimeError):
    """No `credit-engine worker` answers on the broker: the run cannot go on."""


class CeleryChunkFailed(RuntimeError):
    """A chunk's task raised (the database's trouble): the run cannot go on."""


@dataclass
class _Sent:
    seq: int
    since: float
    started: bool = False


class CeleryChunkExecutor:
    """Chunks as Celery tasks over `credit-engine worker` processes (any machine)."""

    def __init__(self, settings: Settings, app: Celery | None = None) -> None:
        self.app = app or make_celery_app(settings)
        self.wait_seconds = chunk_wait_seconds(settings)

    def map(self, run_id: int, seqs: Sequence[int]) -> Iterator[ChunkOutcome]:
        """Send a task per chunk; yield outcomes as tasks finish (unfinished when a chunk
        took too long or its worker was lost)."""
        if not seqs:
            return
        if not self.app.control.ping(timeout=PING_SECONDS):
            raise NoCeleryWorker("no Celery worker answers on CREDIT_ENGINE_BROKER_URL: "
                                 "start `credit-engine worker` (docs/distributed-regrade.md)")
        now = time.monotonic()
        sent = {self.app.send_task(TASK_NAME, args=(run_id, seq)).id: _Sent(seq, now)
                for seq in seqs}
        finished: list[str] = []
        last_progress = now
        try:
            while sent:
                time.sleep(POLL_SECONDS)
                now = time.monotonic()
                for task_id, meta in self._states(list(sent)):
                    status = meta.get("status") if meta else "PENDING"
                    if meta is not None and status in ("SUCCESS", "FAILURE"):
                        chunk = sent.pop(task_id)
                        finished.append(task_id)
                        last_progress = now
                        yield self._outcome(chunk.seq, status, meta)
                    elif status == "STARTED" and not sent[task_id].started:
                        sent[task_id] = _Sent(sent[task_id].seq, now, started=True)
                        last_progress = now
                for task_id, chunk in list(sent.items()):
                    waited = now - (chunk.since if chunk.started else last_progress)
                    if waited > self.wait_seconds:
                        del sent[task_id]
                        state = "started" if chunk.started else "queued"
                        log.warning("run %s, chunk %s: %s, no outcome after %.0f s", run_id,
                                    chunk.seq, state, waited)
                        yield unfinished(chunk.seq, f"no worker finished the chunk within "
                                                    f"{self.wait_seconds:.0f} s ({state})")
        finally:
            if sent:  # the run stops: the chunks left behind are not graded for it
                self.app.control.revoke(list(sent))
            self._forget(finished)

    def _outcome(self, seq: int, status: str, meta: dict[str, Any]) -> ChunkOutcome:
        result = meta.get("result")
        if status == "SUCCESS":
            return outcome_from_dict(result)  # type: ignore[arg-type]
        kind = result.get("exc_type", "") if isinstance(result, dict) else ""
        message = result.get("exc_message", result) if isinstance(result, dict) else result
        if kind == "WorkerLostError":  # not handed back to the broker: its process died
            return unfinished(seq, f"worker process died ({message})")
        raise CeleryChunkFailed(f"chunk {seq}: {kind or 'error'}: {message}")

    def _states(self, task_ids: list[str]) -> list[tuple[str, dict[str, Any] | None]]:
        backend = self.app.backend
        values = backend.mget([backend.get_key_for_task(i) for i in task_ids])
        return [(i, backend.decode_result(v) if v else None) for i, v in zip(task_ids, values)]

    def _forget(self, task_ids: list[str]) -> None:
        if task_ids:
            backend = self.app.backend
            backend.client.delete(*[backend.get_key_for_task(i) for i in task_ids])
