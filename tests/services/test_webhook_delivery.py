"""Webhook delivery against a real local receiver that is down, then failing, then well."""

from __future__ import annotations

import time
from datetime import date

import pytest
from job_population import add_enterprise, add_record, uscc
from process_helpers import free_port
from sqlalchemy import select
from webhook_receiver import Receiver, serving

from credit_engine.domain.model import SubjectRef
from credit_engine.services.grading import regrade_subjects
from credit_engine.services.webhook_delivery import (
    DeliveryPolicy,
    deliver_webhooks,
    retry_delay,
    signature,
)
from credit_engine.services.webhooks import add_webhook, webhook_statuses
from credit_engine.storage.models import WebhookEndpointRow
from credit_engine.storage.repositories import webhooks as stored

SECRET = "s3cret-of-the-receiver-0123"
FAST = DeliveryPolicy(timeout_seconds=2.0, retry_base_seconds=0.05, retry_max_seconds=0.2)


def _regrade(container, subjects, day):
    with container.transaction() as session:
        regrade_subjects(session, container.rulesets, subjects, day, "test",
                         calendar=container.calendar)


def _suspend(container, n, month):
    with container.transaction() as session:
        for k in (1, 2):
            add_record(session, ("enterprise", uscc(n)), "penalty", date(2026, month, k),
                       {"decision_no": f"停{n}-{month}-{k}", "measures": ["suspension"]})


@pytest.fixture
def town(container):
    with container.transaction() as session:
        for n in range(1, 5):
            add_enterprise(session, n)
    return [SubjectRef("enterprise", uscc(n)) for n in range(1, 5)]


def _deliver_until(container, done, seconds=30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        deliver_webhooks(container.session_factory, FAST, budget_seconds=5)
        if done():
            return
        time.sleep(0.05)
    raise AssertionError("not delivered in time")


def test_every_change_arrives_signed_in_order_per_subject_after_down_and_5xx(container, town):
    port = free_port()
    with container.transaction() as session:
        add_webhook(session, "licensing", f"http://127.0.0.1:{port}/hook", SECRET, "test")
    _regrade(container, town, date(2026, 3, 1))          # 4 first grades
    _suspend(container, 1, 2)
    _regrade(container, town, date(2026, 3, 5))          # enterprise 1: B -> D
    # Down: nothing listens. Every try fails, nothing is lost, the error is kept.
    report = deliver_webhooks(container.session_factory, FAST, budget_seconds=5)
    assert report.delivered == 0 and report.failed >= 1
    with container.session_factory() as session:
        status = webhook_statuses(session)[0]
    assert status.backlog == 5 and "Connect" in (status.last_error or "")
    receiver = Receiver(SECRET.encode(), failures=3)       # then up, answering 503 three times
    with serving(receiver, port):
        _deliver_until(container, lambda: len(receiver.accepted) >= 5)
        time.sleep(0.3)
        deliver_webhooks(container.session_factory, FAST, budget_seconds=2)
    seqs = [item["seq"] for item in receiver.accepted]
    assert sorted(seqs) == [1, 2, 3, 4, 5] and len(seqs) == 5   # none lost, none twice
    first = [i for i in receiver.accepted if i["subject"]["id"] == uscc(1)]
    assert [(i["old_grade"], i["new_grade"]) for i in first] == [(None, "B"), ("B", "D")]
    assert receiver.bad_signatures == 0 and receiver.refused == 3
    with container.session_factory() as session:
        assert webhook_statuses(session)[0].backlog == 0
        endpoint = session.scalar(select(WebhookEndpointRow.id))
        log = stored.attempts_of(session, endpoint)
    assert [s for _, s, _ in log].count(503) == 3 and [s for _, s, _ in log].count(204) == 5


def test_a_later_change_of_a_subject_waits_for_its_earlier_one(container, town):
    port = free_port()
    with container.transaction() as session:
        add_webhook(session, "licensing", f"http://127.0.0.1:{port}/hook", SECRET, "test")
    _regrade(container, town[:1], date(2026, 3, 1))   # seq 1: first grade of enterprise 1
    _suspend(container, 1, 2)
    _regrade(container, town[:1], date(2026, 3, 5))   # seq 2: B -> D
    receiver = Receiver(SECRET.encode(), failures=1)  # the first POST (seq 1) fails
    with serving(receiver, port):
        report = deliver_webhooks(container.session_factory, FAST, budget_seconds=2)
        assert report.delivered == 0  # seq 2 was not posted while seq 1 was pending
        _deliver_until(container, lambda: len(receiver.accepted) == 2)
    assert [i["seq"] for i in receiver.accepted] == [1, 2]


def test_the_secret_is_stored_sealed_never_in_clear(container):
    with container.transaction() as session:
        add_webhook(session, "licensing", "https://example.org/hook", SECRET, "test")
    with container.session_factory() as session:
        sealed = session.scalar(select(WebhookEndpointRow.secret_encrypted))
    assert SECRET not in sealed and sealed.count(":") == 1


def test_the_signature_is_the_hex_hmac_sha256_of_the_raw_body():
    assert signature(b"key", b'{"seq":1}') == (
        "sha256=" + __import__("hmac").new(b"key", b'{"seq":1}', "sha256").hexdigest())


def test_retry_delays_grow_exponentially_up_to_the_cap_with_jitter():
    policy = DeliveryPolicy(retry_base_seconds=5, retry_max_seconds=60)
    top = [retry_delay(n, policy, jitter=lambda: 0.999999) for n in range(1, 8)]
    low = [retry_delay(n, policy, jitter=lambda: 0.0) for n in range(1, 8)]
    assert [round(t) for t in top] == [5, 10, 20, 40, 60, 60, 60]
    assert low == [t / 2 for t in [5, 10, 20, 40, 60, 60, 60]]
