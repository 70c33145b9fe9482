"""Webhook deliveries by the real `credit-engine scheduler`, killed and started again."""

from __future__ import annotations

import signal

import pytest
from job_population import uscc
from process_helpers import free_port, start, wait_until
from sqlalchemy import func, select
from webhook_receiver import Receiver, serving
from webhook_town import four_changes

from credit_engine.storage.models import (
    ChangeFeedRow,
    WebhookAttemptRow,
    WebhookDeliveryRow,
)

pytestmark = pytest.mark.slow
SECRET = "scheduler-test-secret-0123456"
FAST = {"CREDIT_ENGINE_REGRADE_WORKERS": "1", "CREDIT_ENGINE_WEBHOOK_RETRY_BASE_SECONDS": "0.2",
        "CREDIT_ENGINE_WEBHOOK_RETRY_MAX_SECONDS": "1", "CREDIT_ENGINE_WEBHOOK_TIMEOUT_SECONDS": "2"}


def _count(container, query) -> int:
    with container.session_factory() as session:
        return int(session.scalar(query) or 0)


def _stop(process, sig=signal.SIGTERM) -> str:
    if process.poll() is None:
        process.send_signal(sig)
    _out, err = process.communicate(timeout=60)
    return err


def test_no_change_is_lost_or_reordered_across_a_killed_scheduler(container, settings):
    port = free_port()
    four_changes(container, f"http://127.0.0.1:{port}/hook", SECRET)
    # The receiver is down: the first scheduler tries, fails, and is killed outright.
    first = start(settings.database_url, "scheduler", "--every", "1", **FAST)
    try:
        wait_until(lambda: _count(container, select(func.count(WebhookAttemptRow.id))) >= 2
                   or first.poll() is not None, 90, "failed delivery attempts")
    finally:
        err = _stop(first, signal.SIGKILL)
    assert _count(container, select(func.count(WebhookAttemptRow.id))) >= 2, err[-3000:]
    receiver = Receiver(SECRET.encode(), failures=2)  # back, but answering 503 twice first
    with serving(receiver, port):
        second = start(settings.database_url, "scheduler", "--every", "1", **FAST)
        try:
            wait_until(lambda: _count(container, select(func.count(WebhookDeliveryRow.id)).where(
                WebhookDeliveryRow.status == "delivered")) == 4 or second.poll() is not None,
                90, "every change delivered")
        finally:
            err = _stop(second)
    assert _count(container, select(func.count(ChangeFeedRow.id))) == 4, err[-3000:]
    seqs = [item["seq"] for item in receiver.accepted]
    assert sorted(set(seqs)) == [1, 2, 3, 4] and receiver.bad_signatures == 0
    of_two = [(i["old_grade"], i["new_grade"]) for i in receiver.accepted
              if i["subject"]["id"] == uscc(2)]
    assert of_two == [(None, "B"), ("B", "D")]
