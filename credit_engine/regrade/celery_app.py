"""The Celery application of distributed regrade runs (one task, one chunk) and of webhook
delivery runs (`credit_engine.deliver_webhooks`, on a queue of its own).

`make_celery_app(settings)` is the same application in the run's own process (which sends
tasks and reads their results) and in every `credit-engine worker` (which runs them):
Redis (`Settings.broker_url`) is broker and result backend. The task `regrade_chunk(run_id,
seq)` runs `chunk_execution.run_chunk`, what every executor runs, so exactly-once is kept
by the database (the chunk row lock, the per-chunk transaction), never by the broker.

Delivery is at least once: a task is acknowledged only after it finished
(`task_acks_late`), a task whose worker process died is handed back to the broker
(`task_reject_on_worker_lost`), and a task whose whole worker was killed comes back after
the broker's visibility timeout (`Settings.celery_visibility_seconds`). A task delivered a
second time does not grade: its first delivery was lost with its worker, so it reports the
chunk unfinished, and the run driver applies the same rules as to a dead local worker
(chunk_failures.py: run it again, then split it until the subject at fault is alone). So
a subject that kills every process grading it is isolated, never an endless redelivery.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from celery import Celery

from credit_engine.regrade.chunk_execution import run_chunk
from credit_engine.regrade.outcomes import ChunkOutcome, unfinished
from credit_engine.regrade.worker_pool import CHUNKS_PER_WORKER, tune_collector_for_grading

if TYPE_CHECKING:
    from credit_engine.bootstrap import Container
    from credit_engine.config import Settings

TASK_NAME = "credit_engine.regrade_chunk"
QUEUE = "credit-engine-regrade"
DELIVERED_KEY = "credit-engine:regrade-task-delivered:"
"""Set (NX) by a task's first delivery: a second delivery of the same task id finds it."""
RESULT_SECONDS = 24 * 3600
LOST = "its worker was lost before the chunk finished (the task was delivered again)"
WEBHOOK_TASK_NAME = "credit_engine.deliver_webhooks"
WEBHOOK_TASK_EXPIRES = 60  # seconds: a queued delivery run older than this is dropped
WEBHOOK_QUEUE = "credit-engine-webhooks"
"""Delivery runs have their own queue: behind a full regrade's hundreds of queued chunks a
run would wait for all of them (and expire); here it waits for one free worker process,
or none on a worker started with `--queue webhooks`."""
QUEUES = {"regrade": QUEUE, "webhooks": WEBHOOK_QUEUE}  # `credit-engine worker --queue`
_senders: dict[str, Celery] = {}


def outcome_to_dict(outcome: ChunkOutcome) -> dict[str, Any]:
    """A chunk outcome as a task result (JSON)."""
    counts = outcome.counts
    return {"seq": outcome.seq, "size": outcome.size, "regraded": counts.regraded,
            "changed": counts.changed, "announcements": counts.announcements,
            "failed": counts.failed, "skipped": outcome.skipped, "error": outcome.error}


def outcome_from_dict(value: dict[str, Any]) -> ChunkOutcome:
    """The chunk outcome of a task result."""
    from credit_engine.services.grading import RegradeCounts

    counts = RegradeCounts(int(value["regraded"]), int(value["changed"]),
                           int(value["announcements"]), int(value["failed"]))
    return ChunkOutcome(int(value["seq"]), int(value["size"]), counts,
                        skipped=bool(value["skipped"]), error=value["error"])


def make_celery_app(settings: Settings) -> Celery:
    """The Celery application on `settings.broker_url`, with the `regrade_chunk` task."""
    if not settings.broker_url:
        raise ValueError("the celery executor needs CREDIT_ENGINE_BROKER_URL (a redis:// URL)")
    visibility = settings.celery_visibility_seconds
    app = Celery("credit_engine", broker=settings.broker_url, backend=settings.broker_url,
                 set_as_current=False)
    app.conf.update(
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        # Unacknowledged tasks of a killed worker are handed out again after `visibility`
        # seconds; the survivors look for them every few seconds, not every 100.
        broker_transport_options={"visibility_timeout": visibility,
                                  "unacked_restore_interval": max(1, min(10, int(visibility / 2))),
                                  "unacked_restore_throttle": 1},
        result_backend_transport_options={"visibility_timeout": visibility},
        task_default_queue=QUEUE, task_routes={WEBHOOK_TASK_NAME: {"queue": WEBHOOK_QUEUE}},
        task_track_started=True, result_expires=RESULT_SECONDS,
        task_serializer="json", result_serializer="json", accept_content=["json"],
        worker_max_tasks_per_child=CHUNKS_PER_WORKER, worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=True)
    _register_task(app, settings)
    return app


def _register_task(app: Celery, settings: Settings) -> None:
    containers: dict[int, Container] = {}  # one per worker process, never across a fork

    def container() -> Container:
        from credit_engine.bootstrap import bootstrap

        pid = os.getpid()
        if pid not in containers:
            built = bootstrap(settings)
            _ = built.rulesets, built.calendar  # loaded once per process, not per chunk
            tune_collector_for_grading()
            containers[pid] = built
        return containers[pid]

    @app.task(name=TASK_NAME, bind=True)
    def regrade_chunk(task: Any, run_id: int, seq: int) -> dict[str, Any]:
        """Grade chunk `seq` of run `run_id` (a second delivery: report it unfinished)."""
        first = app.backend.client.set(DELIVERED_KEY + str(task.request.id), "1", nx=True,
                                       ex=RESULT_SECONDS)
        if not first:
            return outcome_to_dict(unfinished(seq, LOST))
        return outcome_to_dict(run_chunk(container(), run_id, seq))

    @app.task(name=WEBHOOK_TASK_NAME)
    def deliver_webhooks() -> dict[str, Any]:
        """One webhook delivery run (services/webhook_delivery.py): safe to run twice at
        once, deliveries are claimed in the database."""
        from credit_engine.services.webhook_delivery import run_deliveries

        report = run_deliveries(container())
        return {"fanned_out": report.fanned_out, "delivered": report.delivered,
                "failed": report.failed}


def send_webhook_deliveries(settings: Settings) -> None:
    """Queue one webhook delivery run for the workers (the scheduler's job under Celery) on
    `WEBHOOK_QUEUE`; it expires unstarted after a minute, so a stopped worker pool does not
    pile them up."""
    key = settings.broker_url or ""
    if key not in _senders:
        _senders[key] = make_celery_app(settings)
    _senders[key].send_task(WEBHOOK_TASK_NAME, expires=WEBHOOK_TASK_EXPIRES)
