"""Webhook endpoints, their deliveries and the delivery log.

A delivery is claimed by moving its `next_attempt_at` forward with a conditional UPDATE
(the value read must still be there), in a short transaction, so no transaction stays
open over an HTTP call and two delivering processes never post the same item at once; a
process killed mid-POST leaves the delivery due again when the claim runs out (at least
once).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, exists, func, insert, select, update
from sqlalchemy.orm import Session, aliased

from credit_engine.storage.models import (
    ChangeFeedRow,
    WebhookAttemptRow,
    WebhookDeliveryRow,
    WebhookEndpointRow,
)


@dataclass(frozen=True)
class Endpoint:
    """An endpoint with its sealed secret (decrypt with the data key)."""

    id: int
    name: str
    url: str
    secret_encrypted: str


@dataclass(frozen=True)
class EndpointStatus:
    """What `webhooks list` shows: the backlog counts changes not yet delivered."""

    name: str
    url: str
    backlog: int
    delivered: int
    last_error: str | None
    last_error_at: datetime | None


@dataclass(frozen=True)
class DueDelivery:
    id: int
    endpoint_id: int
    change_seq: int
    next_attempt_at: datetime
    attempts: int


def endpoint_named(session: Session, name: str) -> Endpoint | None:
    row = session.scalars(select(WebhookEndpointRow).where(WebhookEndpointRow.name == name)).first()
    return None if row is None else Endpoint(row.id, row.name, row.url, row.secret_encrypted)


def add_endpoint(session: Session, name: str, url: str, secret_encrypted: str,
                 fed_until: int) -> None:
    """A new endpoint that receives the changes after `fed_until`."""
    session.add(WebhookEndpointRow(name=name, url=url, secret_encrypted=secret_encrypted,
                                   fed_until=fed_until))
    session.flush()


def remove_endpoint(session: Session, endpoint_id: int) -> None:
    """The endpoint, its deliveries and their log (explicitly: SQLite may not cascade)."""
    deliveries = select(WebhookDeliveryRow.id).where(WebhookDeliveryRow.endpoint_id == endpoint_id)
    session.execute(delete(WebhookAttemptRow).where(WebhookAttemptRow.delivery_id.in_(deliveries)))
    session.execute(delete(WebhookDeliveryRow).where(WebhookDeliveryRow.endpoint_id == endpoint_id))
    session.execute(delete(WebhookEndpointRow).where(WebhookEndpointRow.id == endpoint_id))


def endpoints(session: Session) -> list[Endpoint]:
    rows = session.scalars(select(WebhookEndpointRow).order_by(WebhookEndpointRow.name))
    return [Endpoint(r.id, r.name, r.url, r.secret_encrypted) for r in rows]


def sealed_secrets(session: Session) -> list[str]:
    """Every endpoint's sealed secret (`KEYID:…`): which data keys the secrets need."""
    return list(session.scalars(select(WebhookEndpointRow.secret_encrypted)))


def endpoints_not_under(session: Session, key_id: str, limit: int) -> list[Endpoint]:
    """Up to `limit` endpoints whose secret is sealed under another key than `key_id`,
    row-locked until the transaction ends (what a data-key rotation reseals)."""
    rows = session.execute(
        select(WebhookEndpointRow.id, WebhookEndpointRow.name, WebhookEndpointRow.url,
               WebhookEndpointRow.secret_encrypted)
        .where(~WebhookEndpointRow.secret_encrypted.startswith(f"{key_id}:", autoescape=True))
        .order_by(WebhookEndpointRow.id).limit(limit).with_for_update()).all()
    return [Endpoint(*row) for row in rows]


def replace_secret(session: Session, endpoint_id: int, secret_encrypted: str) -> None:
    session.execute(update(WebhookEndpointRow).where(WebhookEndpointRow.id == endpoint_id)
                    .values(secret_encrypted=secret_encrypted)
                    .execution_options(synchronize_session=False))


def statuses(session: Session, last_seq: int) -> list[EndpointStatus]:
    """Every endpoint's backlog: pending deliveries, numbered changes not yet fanned out to
    it, and committed changes not yet numbered."""
    counts: dict[int, int] = dict(session.execute(  # type: ignore[arg-type]
        select(WebhookDeliveryRow.endpoint_id, func.count())
        .where(WebhookDeliveryRow.status == "pending").group_by(WebhookDeliveryRow.endpoint_id)
    ).all())
    done: dict[int, int] = dict(session.execute(  # type: ignore[arg-type]
        select(WebhookDeliveryRow.endpoint_id, func.count())
        .where(WebhookDeliveryRow.status == "delivered").group_by(WebhookDeliveryRow.endpoint_id)
    ).all())
    # Committed changes the sequencer has not numbered yet reach every endpoint too.
    unnumbered = session.scalar(select(func.count()).select_from(ChangeFeedRow)
                                .where(ChangeFeedRow.seq.is_(None))) or 0
    rows = session.scalars(select(WebhookEndpointRow).order_by(WebhookEndpointRow.name))
    return [EndpointStatus(r.name, r.url,
                           counts.get(r.id, 0) + max(0, last_seq - r.fed_until) + unnumbered,
                           done.get(r.id, 0), r.last_error, r.last_error_at) for r in rows]


def fan_out(session: Session, endpoint_id: int, limit: int) -> int:
    """Turn the next numbered changes after the endpoint's `fed_until` into deliveries (row
    lock on the endpoint: two processes never fan out the same changes); how many."""
    fed_until = session.scalar(select(WebhookEndpointRow.fed_until)
                               .where(WebhookEndpointRow.id == endpoint_id).with_for_update())
    if fed_until is None:
        return 0
    changes = session.execute(
        select(ChangeFeedRow.seq, ChangeFeedRow.subject_type, ChangeFeedRow.subject_id)
        .where(ChangeFeedRow.seq > fed_until).order_by(ChangeFeedRow.seq).limit(limit)).all()
    if not changes:
        return 0
    session.execute(insert(WebhookDeliveryRow), [
        {"endpoint_id": endpoint_id, "change_seq": seq, "subject_type": kind,
         "subject_id": sid, "status": "pending", "attempts": 0}
        for seq, kind, sid in changes])
    session.execute(update(WebhookEndpointRow).where(WebhookEndpointRow.id == endpoint_id)
                    .values(fed_until=changes[-1][0]))
    return len(changes)


def due_deliveries(session: Session, now: datetime, limit: int) -> list[DueDelivery]:
    """Pending deliveries due by `now`, oldest change first, each the earliest pending one
    of its subject at its endpoint: a later change never overtakes an earlier one."""
    earlier = aliased(WebhookDeliveryRow)
    blocked = exists().where(and_(
        earlier.endpoint_id == WebhookDeliveryRow.endpoint_id,
        earlier.subject_type == WebhookDeliveryRow.subject_type,
        earlier.subject_id == WebhookDeliveryRow.subject_id,
        earlier.status == "pending", earlier.change_seq < WebhookDeliveryRow.change_seq))
    rows = session.execute(
        select(WebhookDeliveryRow.id, WebhookDeliveryRow.endpoint_id,
               WebhookDeliveryRow.change_seq, WebhookDeliveryRow.next_attempt_at,
               WebhookDeliveryRow.attempts)
        .where(WebhookDeliveryRow.status == "pending",
               WebhookDeliveryRow.next_attempt_at <= now, ~blocked)
        .order_by(WebhookDeliveryRow.change_seq).limit(limit)).all()
    return [DueDelivery(*row) for row in rows]


def claim(session: Session, delivery: DueDelivery, until: datetime) -> bool:
    """Take `delivery` until `until`, unless another process took it since it was read."""
    taken = session.execute(
        update(WebhookDeliveryRow)
        .where(WebhookDeliveryRow.id == delivery.id, WebhookDeliveryRow.status == "pending",
               WebhookDeliveryRow.next_attempt_at == delivery.next_attempt_at)
        .values(next_attempt_at=until).execution_options(synchronize_session=False))
    return bool(taken.rowcount == 1)  # type: ignore[attr-defined]


def record_attempt(session: Session, delivery: DueDelivery, *, started: datetime,
                   finished: datetime, status: int | None, error: str | None,
                   next_attempt_at: datetime | None) -> None:
    """Log one attempt; `next_attempt_at` None means delivered, else when to try again."""
    session.add(WebhookAttemptRow(delivery_id=delivery.id, started_at=started,
                                  finished_at=finished, status=status, error=error))
    values: dict[str, object] = {"attempts": WebhookDeliveryRow.attempts + 1,
                                 "last_status": status, "last_error": error}
    if next_attempt_at is None:
        values.update(status="delivered", delivered_at=finished)
    else:
        values.update(next_attempt_at=next_attempt_at)
    session.execute(update(WebhookDeliveryRow).where(WebhookDeliveryRow.id == delivery.id)
                    .values(**values).execution_options(synchronize_session=False))
    if error is not None:
        session.execute(update(WebhookEndpointRow)
                        .where(WebhookEndpointRow.id == delivery.endpoint_id)
                        .values(last_error=error, last_error_at=finished))


def attempts_of(session: Session, endpoint_id: int) -> Sequence[tuple[int, int | None, str | None]]:
    """(change_seq, status, error) of every attempt at the endpoint, in order (for tests and
    operators reading the log)."""
    return session.execute(
        select(WebhookDeliveryRow.change_seq, WebhookAttemptRow.status, WebhookAttemptRow.error)
        .join(WebhookDeliveryRow, WebhookDeliveryRow.id == WebhookAttemptRow.delivery_id)
        .where(WebhookDeliveryRow.endpoint_id == endpoint_id)
        .order_by(WebhookAttemptRow.id)).all()  # type: ignore[return-value]


def pending_total(session: Session) -> dict[str, int]:
    """Pending deliveries per endpoint name (the backlog metric)."""
    return dict(session.execute(  # type: ignore[arg-type]
        select(WebhookEndpointRow.name, func.count(WebhookDeliveryRow.id))
        .join(WebhookDeliveryRow, and_(WebhookDeliveryRow.endpoint_id == WebhookEndpointRow.id,
                                       WebhookDeliveryRow.status == "pending"), isouter=True)
        .group_by(WebhookEndpointRow.name)).all())
