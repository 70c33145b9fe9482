"""Webhook endpoints of the change feed: add, list, remove (`credit-engine webhooks`).

The signing secret is stored sealed with AES-GCM under the personal-data key
(storage/personal_data.py), bound to the endpoint's name, never in clear: the database
alone (a backup, a dump) does not let anyone forge a signature. Deliveries decrypt it with
the same key file. A new endpoint receives the changes recorded after it was added.
A data-key rotation (services/data_keys.py) reseals every secret under the new key, so the
secrets, like the persons, never need a key the file no longer holds.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from credit_engine.errors import Conflict, NotFound
from credit_engine.services.audit import append_audit
from credit_engine.storage.personal_data import SESSION_INFO_KEY, DataKeyError, Keyring
from credit_engine.storage.repositories import change_feed as feed
from credit_engine.storage.repositories import webhooks as stored
from credit_engine.storage.repositories.webhooks import Endpoint, EndpointStatus
from credit_engine.validation.errors import load_or_raise
from credit_engine.validation.webhooks import WebhookInSchema


@dataclass(frozen=True)
class Receiver:
    """An endpoint ready to post to: URL and the secret in clear (in memory only)."""

    id: int
    name: str
    url: str
    secret: bytes


def _keyring(session: Session) -> Keyring:
    keys = session.info.get(SESSION_INFO_KEY)
    if keys is None:
        raise DataKeyError("webhook secrets need the data key (CREDIT_ENGINE_DATA_KEY_FILE)")
    return keys.ring  # type: ignore[no-any-return]


def secret_context(name: str) -> str:
    """What a sealed secret is bound to: its column and its endpoint."""
    return f"webhook_endpoints.secret:{name}"


def add_webhook(session: Session, name: str, url: str, secret: str, actor: str) -> None:
    """Add an endpoint (ValidationFailed naming the field; Conflict when the name is taken)."""
    data = load_or_raise(WebhookInSchema, {"name": name, "url": url, "secret": secret})
    if stored.endpoint_named(session, data["name"]) is not None:
        raise Conflict(f"A webhook named {data['name']} exists already.")
    sealed = _keyring(session).encrypt(data["secret"], secret_context(data["name"]))
    stored.add_endpoint(session, data["name"], data["url"], sealed, feed.last_seq(session))
    append_audit(session, actor, "webhook.add", f"webhook:{data['name']}", {"url": data["url"]})


def remove_webhook(session: Session, name: str, actor: str) -> None:
    """Remove an endpoint with its deliveries and their log (NotFound when unknown)."""
    endpoint = stored.endpoint_named(session, name)
    if endpoint is None:
        raise NotFound(f"No webhook named {name}.")
    stored.remove_endpoint(session, endpoint.id)
    append_audit(session, actor, "webhook.remove", f"webhook:{name}", {})


def webhook_statuses(session: Session) -> list[EndpointStatus]:
    """Every endpoint with its backlog (changes not yet delivered) and last error."""
    return stored.statuses(session, feed.last_seq(session))


def receivers(session: Session) -> list[Receiver]:
    """Every endpoint with its secret decrypted, for delivering."""
    ring = _keyring(session)
    return [_receiver(ring, e) for e in stored.endpoints(session)]


def _receiver(ring: Keyring, endpoint: Endpoint) -> Receiver:
    secret = ring.decrypt(endpoint.secret_encrypted, secret_context(endpoint.name))
    return Receiver(endpoint.id, endpoint.name, endpoint.url, secret.encode("utf-8"))


def secret_key_ids(session: Session) -> set[str]:
    """The ids of the data keys the stored secrets are sealed under (a rotation keeps
    these keys in the file until every secret is resealed)."""
    return {sealed.partition(":")[0] for sealed in stored.sealed_secrets(session)}


def reseal_secrets(session: Session, ring: Keyring, limit: int) -> int:
    """Seal up to `limit` secrets not under the ring's current key again under it (same
    secret, same endpoint binding); how many. Row-locked: nothing else rewrites them
    before this transaction ends."""
    moved = stored.endpoints_not_under(session, ring.current, limit)
    for endpoint in moved:
        context = secret_context(endpoint.name)
        stored.replace_secret(session, endpoint.id,
                              ring.encrypt(ring.decrypt(endpoint.secret_encrypted, context),
                                           context))
    return len(moved)
