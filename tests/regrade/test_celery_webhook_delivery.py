"""Webhook deliveries under the Celery executor, with real processes: the scheduler's job only
queues `credit_engine.deliver_webhooks` on the webhooks queue; a real `credit-engine worker`
(on that queue alone) delivers through a private redis-server to a real local receiver,
every change once, in order per subject, signed."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from credit_engine.jobs import tasks
from job_population import uscc
from process_helpers import CLI, cli_env, free_port, wait_until
from sqlalchemy import func, select
from webhook_receiver import Receiver, serving
from webhook_town import four_changes

from credit_engine.bootstrap import bootstrap
from credit_engine.regrade.celery_app import QUEUE, WEBHOOK_QUEUE
from credit_engine.storage.models import WebhookAttemptRow, WebhookDeliveryRow

pytestmark = pytest.mark.slow
SECRET = "celery-webhook-secret-0123456"
FAST = {"CREDIT_ENGINE_WEBHOOK_RETRY_BASE_SECONDS": "0.2",
        "CREDIT_ENGINE_WEBHOOK_RETRY_MAX_SECONDS": "1",
        "CREDIT_ENGINE_WEBHOOK_TIMEOUT_SECONDS": "2"}


@contextmanager
def _worker(settings, redis_url: str, folder: Path, *args: str) -> Iterator[Path]:
    """A real `credit-engine worker` in its own process group, ready before this yields,
    its log file; SIGTERM (then SIGKILL) on the way out."""
    log = folder / "worker.log"
    with log.open("wb") as out:  # a file: a full pipe would block the worker
        process = subprocess.Popen(
            CLI + ["worker", *args], cwd=folder, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
            env=cli_env(settings.database_url, CREDIT_ENGINE_BROKER_URL=redis_url, **FAST))
        try:
            wait_until(lambda: " ready." in log.read_text() or process.poll() is not None,
                       90, "the worker to be ready")
            assert process.poll() is None, log.read_text()[-3000:]
            yield log
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)


def _count(container, query) -> int:
    with container.session_factory() as session:
        return int(session.scalar(query) or 0)


@pytest.fixture
def celery_jobs(settings, redis_url):
    """The scheduler's job functions on a container with CREDIT_ENGINE_EXECUTOR=celery."""
    built = bootstrap(settings.replace(broker_url=redis_url, executor="celery"))
    tasks.use_container(built)
    yield built
    tasks.use_container(None)
    built.engine.dispose()


def test_the_job_queues_and_a_real_worker_delivers_once_in_order_signed(
        container, settings, redis_url, tmp_path, celery_jobs):
    port = free_port()
    four_changes(container, f"http://127.0.0.1:{port}/hook", SECRET)
    broker = redis.Redis.from_url(redis_url)
    try:
        assert tasks.webhook_deliveries() is None  # queued, not delivered here
        assert (broker.llen(WEBHOOK_QUEUE), broker.llen(QUEUE)) == (1, 0)
        assert _count(container, select(func.count(WebhookDeliveryRow.id))) == 0
        receiver = Receiver(SECRET.encode(), failures=2)  # 503 twice: retried, still in order
        delivered = select(func.count(WebhookDeliveryRow.id)).where(
            WebhookDeliveryRow.status == "delivered")
        with serving(receiver, port), _worker(settings, redis_url, tmp_path, "--queue",
                                              "webhooks", "--concurrency", "2") as log:
            deadline = time.monotonic() + 120
            while _count(container, delivered) < 4:  # the scheduler queues a run each tick
                assert time.monotonic() < deadline, log.read_text()[-3000:]
                tasks.webhook_deliveries()
                time.sleep(0.3)
            for _ in range(5):  # more runs, some at once: nothing is posted twice
                tasks.webhook_deliveries()
            wait_until(lambda: broker.llen(WEBHOOK_QUEUE) == 0, 60, "the queue to drain")
            time.sleep(1.0)
            worker_log = log.read_text()
    finally:
        broker.close()
    assert "credit_engine.deliver_webhooks" in worker_log and "succeeded" in worker_log
    seqs = [item["seq"] for item in receiver.accepted]
    assert sorted(seqs) == [1, 2, 3, 4], seqs  # each once
    assert receiver.bad_signatures == 0 and receiver.refused == 2
    of_two = [(i["old_grade"], i["new_grade"]) for i in receiver.accepted
              if i["subject"]["id"] == uscc(2)]
    assert of_two == [(None, "B"), ("B", "D")]
    assert _count(container, select(func.count(WebhookAttemptRow.id))) == 6  # 2 refused + 4
