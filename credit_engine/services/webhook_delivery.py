"""Delivering the change feed to webhook endpoints: at least once, in order per subject.

One run (`deliver_webhooks`, the scheduler's `webhook_deliveries` job or, with the Celery
executor, a task on the workers; never a web worker):

1. number committed changes (`change_feed.sequence_committed`);
2. fan out: each endpoint gets one delivery per change after its `fed_until`;
3. post due deliveries, oldest change first, at most one pending per subject and endpoint
   at a time (a subject's later change waits until its earlier one got a 2xx); each POST
   is claimed first in a short transaction and its outcome logged after it, so no
   transaction is open over HTTP; a 2xx delivers, anything else (an error status, a refused
   connection, a timeout) is retried after an exponential backoff, capped, with jitter.
   An endpoint that failed is left alone for the rest of the run.

The body is the feed item's JSON, signed: `X-Credit-Engine-Signature: sha256=<hex of
HMAC-SHA256(secret, raw body)>` (docs/change-feed-and-webhooks.md shows how to verify).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import httpx
from sqlalchemy.orm import Session, sessionmaker

from credit_engine import metrics
from credit_engine.services.change_feed import change_to_dict, sequence_committed
from credit_engine.services.webhooks import Receiver, receivers
from credit_engine.storage.models import utcnow
from credit_engine.storage.repositories import change_feed as feed
from credit_engine.storage.repositories import webhooks as stored
from credit_engine.storage.repositories.webhooks import DueDelivery
from credit_engine.storage.unit_of_work import transaction

if TYPE_CHECKING:
    from credit_engine.bootstrap import Container
    from credit_engine.config import Settings

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Credit-Engine-Signature"
FAN_OUT_BATCH = 1000
DUE_BATCH = 200
CLAIM_MARGIN_SECONDS = 30.0  # a claim outlives the POST's timeout by this much


@dataclass(frozen=True)
class DeliveryPolicy:
    """Timeout of one POST and the retry backoff (Settings.webhook_*)."""

    timeout_seconds: float = 10.0
    retry_base_seconds: float = 5.0
    retry_max_seconds: float = 3600.0


@dataclass(frozen=True)
class DeliveryReport:
    fanned_out: int
    delivered: int
    failed: int


def body_of(item: dict[str, object]) -> bytes:
    """The raw body posted for a feed item: compact UTF-8 JSON."""
    return json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def signature(secret: bytes, body: bytes) -> str:
    """`sha256=<hex HMAC-SHA256 of the raw body>`, the signature header's value."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def retry_delay(attempts: int, policy: DeliveryPolicy,
                jitter: Callable[[], float] = random.random) -> float:
    """Seconds before the next try after `attempts` failed ones: base·2^(attempts-1),
    capped, then scaled by a random factor in [0.5, 1) so failed receivers are not hit by
    every retry at the same moment."""
    delay = min(policy.retry_max_seconds,
                policy.retry_base_seconds * 2 ** min(max(attempts - 1, 0), 30))
    return delay * (0.5 + jitter() / 2)


def _post(client: httpx.Client, receiver: Receiver, body: bytes,
          seq: int) -> tuple[int | None, str | None]:
    headers = {"Content-Type": "application/json", SIGNATURE_HEADER:
               signature(receiver.secret, body), "X-Credit-Engine-Seq": str(seq)}
    try:
        answer = client.post(receiver.url, content=body, headers=headers)
    except httpx.HTTPError as error:
        return None, f"{type(error).__name__}: {error}"[:1000]
    if 200 <= answer.status_code < 300:
        return answer.status_code, None
    return answer.status_code, f"HTTP {answer.status_code}"


def _fan_out(session_factory: sessionmaker[Session], targets: list[Receiver]) -> int:
    total = 0
    for receiver in targets:
        while True:
            with transaction(session_factory, lock_now=True) as session:
                done = stored.fan_out(session, receiver.id, FAN_OUT_BATCH)
            total += done
            if done < FAN_OUT_BATCH:
                break
    return total


def _claim(session_factory: sessionmaker[Session], due: DueDelivery,
           lease: float) -> dict[str, object] | None:
    with transaction(session_factory, lock_now=True) as session:
        if not stored.claim(session, due, utcnow() + timedelta(seconds=lease)):
            return None
        changes = feed.changes_after(session, due.change_seq - 1, 1)
    return change_to_dict(changes[0])


def _deliver_one(session_factory: sessionmaker[Session], client: httpx.Client,
                 receiver: Receiver, due: DueDelivery, policy: DeliveryPolicy) -> bool | None:
    """True delivered, False failed, None taken by another process meanwhile."""
    item = _claim(session_factory, due, policy.timeout_seconds + CLAIM_MARGIN_SECONDS)
    if item is None:
        return None
    started = utcnow()
    status, error = _post(client, receiver, body_of(item), due.change_seq)
    finished = utcnow()
    retry_at: datetime | None = None
    if error is not None:
        retry_at = finished + timedelta(seconds=retry_delay(due.attempts + 1, policy))
        log.warning("webhook %s: change %s not delivered (%s), attempt %s; again at %s",
                    receiver.name, due.change_seq, error, due.attempts + 1, retry_at)
    with transaction(session_factory, lock_now=True) as session:
        stored.record_attempt(session, due, started=started, finished=finished, status=status,
                              error=error, next_attempt_at=retry_at)
    return error is None


def deliver_webhooks(session_factory: sessionmaker[Session], policy: DeliveryPolicy, *,
                     budget_seconds: float = 60.0,
                     client: httpx.Client | None = None) -> DeliveryReport:
    """One delivery run: number, fan out, post what is due (until nothing is due or
    `budget_seconds` passed); what it did."""
    sequence_committed(session_factory)
    with transaction(session_factory) as session:
        targets = {r.id: r for r in receivers(session)}
    if not targets:
        return DeliveryReport(0, 0, 0)
    fanned = _fan_out(session_factory, list(targets.values()))
    own_client = client is None
    http = client or httpx.Client(timeout=policy.timeout_seconds, follow_redirects=False)
    delivered = failed = 0
    failing: set[int] = set()
    deadline = time.monotonic() + budget_seconds
    try:
        while time.monotonic() < deadline:
            with transaction(session_factory) as session:
                due = stored.due_deliveries(session, utcnow(), DUE_BATCH)
            tried = 0
            for one in due:
                receiver = targets.get(one.endpoint_id)
                if receiver is None or one.endpoint_id in failing:
                    continue
                outcome = _deliver_one(session_factory, http, receiver, one, policy)
                tried += outcome is not None
                if outcome is False:
                    failing.add(one.endpoint_id)  # down: the rest waits for its retry
                delivered += outcome is True
                failed += outcome is False
                if time.monotonic() >= deadline:
                    break
            if tried == 0:
                break
    finally:
        if own_client:
            http.close()
    return DeliveryReport(fanned, delivered, failed)


def backlog(session: Session) -> dict[str, int]:
    """Changes not yet delivered, per endpoint name (for the metric)."""
    from credit_engine.services.webhooks import webhook_statuses

    return {s.name: s.backlog for s in webhook_statuses(session)}


def policy_of(settings: Settings) -> DeliveryPolicy:
    """The delivery policy the settings ask for."""
    return DeliveryPolicy(settings.webhook_timeout_seconds, settings.webhook_retry_base_seconds,
                          settings.webhook_retry_max_seconds)


def run_deliveries(container: Container) -> DeliveryReport:
    """One delivery run on the container's database, then the backlog metric updated."""
    report = deliver_webhooks(container.session_factory, policy_of(container.settings))
    with container.transaction() as session:
        metrics.webhook_backlog(backlog(session))
    return report
