"""A data-key rotation reseals the webhook secrets: deliveries stay signed with the same
secret, an interrupted rotation resumes, and the old key leaves the file only when no
secret needs it."""

from __future__ import annotations

import json
from datetime import date

import pytest
from job_population import add_enterprise, add_person, uscc
from process_helpers import free_port
from sqlalchemy import select
from webhook_receiver import Receiver, serving

from credit_engine.bootstrap import bootstrap
from credit_engine.domain.model import SubjectRef
from credit_engine.services.data_keys import create_key_file, rotate_data_key
from credit_engine.services.grading import regrade_subjects
from credit_engine.services.webhook_delivery import DeliveryPolicy, deliver_webhooks
from credit_engine.services.webhooks import add_webhook
from credit_engine.storage.models import WebhookEndpointRow
from credit_engine.storage.repositories import webhooks as stored

SECRETS = {"licensing": "licensing-secret-0123456789", "financing": "financing-secret-9876543"}
FAST = DeliveryPolicy(timeout_seconds=2.0, retry_base_seconds=0.05, retry_max_seconds=0.2)


@pytest.fixture
def keyed(settings, tmp_path):
    """A container with a key file of its own (PostgreSQL's is shared by the session and
    must not be rotated under other tests); SQLite keeps its file beside the database."""
    if settings.data_key_file is not None:
        key_file = tmp_path / "own-data-key.json"
        create_key_file(key_file)
        settings = settings.replace(data_key_file=key_file)
    built = bootstrap(settings)
    yield built
    built.engine.dispose()


def _key_file(container) -> dict:
    return json.loads(container.personal_data.path.read_text())


def _sealed_under(container) -> dict[str, str]:
    with container.session_factory() as session:
        return {name: sealed.partition(":")[0] for name, sealed in session.execute(
            select(WebhookEndpointRow.name, WebhookEndpointRow.secret_encrypted))}


def _endpoints_and_changes(container, ports: dict[str, int], day: date) -> None:
    with container.transaction() as session:
        for name, secret in SECRETS.items():
            add_webhook(session, name, f"http://127.0.0.1:{ports[name]}/hook", secret, "test")
        for n in (1, 2):
            add_enterprise(session, n)
    _regrade(container, day)


def _regrade(container, day: date) -> None:
    with container.transaction() as session:
        regrade_subjects(session, container.rulesets,
                         [SubjectRef("enterprise", uscc(n)) for n in (1, 2)], day, "test",
                         calendar=container.calendar)


def _delivered_signed(container, ports: dict[str, int], count: int) -> None:
    """Every endpoint receives `count` items, each signed with its unchanged secret."""
    receivers = {name: Receiver(secret.encode()) for name, secret in SECRETS.items()}
    with serving(receivers["licensing"], ports["licensing"]), \
            serving(receivers["financing"], ports["financing"]):
        report = deliver_webhooks(container.session_factory, FAST, budget_seconds=10)
    for receiver in receivers.values():
        assert receiver.bad_signatures == 0
        assert len(receiver.accepted) == count
    assert report.failed == 0


def test_deliveries_stay_signed_with_the_same_secret_after_a_rotation(keyed):
    ports = {name: free_port() for name in SECRETS}
    _endpoints_and_changes(keyed, ports, date(2026, 3, 1))
    old = _key_file(keyed)["current"]
    assert set(_sealed_under(keyed).values()) == {old}
    result = rotate_data_key(keyed.personal_data, keyed.transaction)
    new = _key_file(keyed)["current"]
    # No person at all: only the secrets kept the old key in use, and they moved.
    assert (result.finished, result.secrets, result.removed) == (True, 2, (old,))
    assert new != old and set(_key_file(keyed)["keys"]) == {new}
    assert set(_sealed_under(keyed).values()) == {new}
    _delivered_signed(keyed, ports, 2)


def test_an_interrupted_rotation_resumes_and_nothing_is_half_resealed(keyed, monkeypatch):
    ports = {name: free_port() for name in SECRETS}
    with keyed.transaction() as session:
        for n in range(1, 4):
            add_person(session, n)
    _endpoints_and_changes(keyed, ports, date(2026, 3, 1))
    old = _key_file(keyed)["current"]
    first = rotate_data_key(keyed.personal_data, keyed.transaction, chunk=2, max_chunks=2)
    new = _key_file(keyed)["current"]  # stopped after the persons, before the secrets
    assert (first.finished, first.resealed, first.secrets) == (False, 3, 0)
    assert set(_key_file(keyed)["keys"]) == {old, new}
    assert set(_sealed_under(keyed).values()) == {old}
    _delivered_signed(keyed, ports, 2)  # both keys in the file: still signed right

    calls = []
    replace = stored.replace_secret

    def killed_after_one(session, endpoint_id, sealed):
        if calls:
            raise RuntimeError("killed mid-chunk")
        calls.append(endpoint_id)
        replace(session, endpoint_id, sealed)

    monkeypatch.setattr(stored, "replace_secret", killed_after_one)
    with pytest.raises(RuntimeError, match="killed mid-chunk"):
        rotate_data_key(keyed.personal_data, keyed.transaction, chunk=2)
    assert calls and set(_sealed_under(keyed).values()) == {old}  # rolled back, not half
    assert set(_key_file(keyed)["keys"]) == {old, new}
    monkeypatch.setattr(stored, "replace_secret", replace)

    done = rotate_data_key(keyed.personal_data, keyed.transaction, chunk=1)
    assert (done.finished, done.current, done.secrets, done.removed) == (True, new, 2, (old,))
    assert set(_key_file(keyed)["keys"]) == {new}
    assert set(_sealed_under(keyed).values()) == {new}
    with keyed.transaction() as session:
        add_enterprise(session, 3)
    with keyed.transaction() as session:
        regrade_subjects(session, keyed.rulesets, [SubjectRef("enterprise", uscc(3))],
                         date(2026, 3, 2), "test", calendar=keyed.calendar)
    _delivered_signed(keyed, ports, 1)  # the change after the rotation, same secrets


def test_a_secret_under_a_key_the_file_lost_stops_the_rotation_naming_it(keyed):
    with keyed.transaction() as session:
        add_webhook(session, "licensing", "https://lic.example/hook", SECRETS["licensing"],
                    "test")
        session.execute(WebhookEndpointRow.__table__.update().values(
            secret_encrypted="kdeadbeef:AAAA"))
    with pytest.raises(ValueError, match="webhook_endpoints.secret:licensing.*kdeadbeef"):
        rotate_data_key(keyed.personal_data, keyed.transaction)
    assert len(_key_file(keyed)["keys"]) == 1  # no key made, none removed
