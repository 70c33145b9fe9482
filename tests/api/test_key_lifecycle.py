"""API keys over HTTP: expiry through the end of a day in Asia/Shanghai, rotation with a
grace period, last use recorded at most once a minute. "Now" is the settings' clock."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from credit_engine.api.app import create_app
from credit_engine.bootstrap import bootstrap
from credit_engine.config import fixed_clock
from credit_engine.services.keys import create_key, rotate_key
from credit_engine.storage.models import ApiKeyRow

from api_helpers import USCC_A, audit_entries, problem_of, valid_uscc

SHANGHAI = ZoneInfo("Asia/Shanghai")
PATH = f"/api/v1/records?subject_type=enterprise&subject_id={valid_uscc(USCC_A)}"


@pytest.fixture(autouse=True)
def known_enterprise(container):
    """The enterprise PATH asks about exists, so a usable key gets 200."""
    with container.transaction() as session:
        key = create_key(session, "setup", "records:write")
    response = create_app(container=container).test_client().put(
        f"/api/v1/enterprises/{valid_uscc(USCC_A)}", headers={"Authorization": f"Bearer {key}"},
        json={"name": "Golden Wok Restaurant", "category": "catering"})
    assert response.status_code == 201, response.get_json()


@pytest.fixture
def at(settings):
    """A test client whose clock stands at a given moment (Asia/Shanghai), same database."""
    made = []

    def client_at(moment: datetime):
        container = bootstrap(settings.replace(timezone="Asia/Shanghai",
                                               clock=fixed_clock(moment)))
        made.append(container)
        return create_app(container=container).test_client()

    yield client_at
    for container in made:
        if "engine" in container.__dict__:
            container.engine.dispose()


def _key(container, name="desk", expires_on=None):
    with container.transaction() as session:
        key = create_key(session, name, "records:read", expires_on=expires_on)
    return {"Authorization": f"Bearer {key}"}


def _stored(container, name="desk") -> ApiKeyRow:
    with container.session_factory() as session:
        return session.scalar(select(ApiKeyRow).where(ApiKeyRow.name == name))


def test_a_key_works_through_the_last_second_of_its_expiry_day_in_shanghai(container, at):
    headers = _key(container, expires_on=date(2026, 6, 30))
    last_second = datetime(2026, 6, 30, 23, 59, 59, tzinfo=SHANGHAI)
    assert at(last_second).get(PATH, headers=headers).status_code == 200


def test_a_key_is_401_saying_it_expired_from_the_next_second(container, at):
    headers = _key(container, expires_on=date(2026, 6, 30))
    response = at(datetime(2026, 7, 1, 0, 0, 0, tzinfo=SHANGHAI)).get(PATH, headers=headers)
    body = problem_of(response)
    assert response.status_code == 401
    assert "expired" in body["detail"] and "2026-06-30" in body["detail"]
    assert (body["expired_on"], body["expired_at"]) == ("2026-06-30", "2026-07-01T00:00:00+08:00")
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_expiry_counts_in_shanghai_not_utc(container, at):
    # 2026-06-30 16:30 UTC is already 2026-07-01 00:30 in Shanghai.
    headers = _key(container, expires_on=date(2026, 6, 30))
    utc_evening = datetime(2026, 6, 30, 16, 30, tzinfo=ZoneInfo("UTC"))
    assert at(utc_evening).get(PATH, headers=headers).status_code == 401


def test_a_key_created_with_a_past_date_is_already_expired(container, at):
    headers = _key(container, expires_on=date(2026, 1, 1))
    response = at(datetime(2026, 3, 1, 9, tzinfo=SHANGHAI)).get(PATH, headers=headers)
    assert response.status_code == 401 and "expired" in problem_of(response)["detail"]


def test_a_key_without_expiry_keeps_working(container, at):
    headers = _key(container)
    assert at(datetime(2040, 1, 1, tzinfo=SHANGHAI)).get(PATH, headers=headers).status_code == 200


def _rotate(container, moment, grace_hours=24):
    with container.transaction() as session:
        key = rotate_key(session, "desk", moment, grace_hours)
    return {"Authorization": f"Bearer {key}"}


def test_after_rotation_old_and_new_secrets_both_work_inside_the_grace(container, at):
    old = _key(container)
    rotated_at = datetime(2026, 5, 1, 10, tzinfo=SHANGHAI)
    new = _rotate(container, rotated_at, grace_hours=24)
    client = at(rotated_at + timedelta(hours=23, minutes=59, seconds=59))
    assert (client.get(PATH, headers=old).status_code,
            client.get(PATH, headers=new).status_code) == (200, 200)


def test_after_the_grace_the_old_secret_is_401_saying_it_was_rotated(container, at):
    old = _key(container)
    rotated_at = datetime(2026, 5, 1, 10, tzinfo=SHANGHAI)
    new = _rotate(container, rotated_at, grace_hours=24)
    client = at(rotated_at + timedelta(hours=24))
    response = client.get(PATH, headers=old)
    body = problem_of(response)
    assert response.status_code == 401 and "rotated" in body["detail"]
    assert body["rotated_secret_valid_until"] == "2026-05-02T10:00:00+08:00"
    assert client.get(PATH, headers=new).status_code == 200


def test_rotation_keeps_name_scopes_and_expiry_and_is_audited(container, at):
    _key(container, expires_on=date(2026, 5, 10))
    new = _rotate(container, datetime(2026, 5, 1, 10, tzinfo=SHANGHAI), grace_hours=2)
    assert at(datetime(2026, 5, 11, 0, tzinfo=SHANGHAI)).get(PATH, headers=new).status_code == 401
    (entry,) = audit_entries(container, "api_key.rotate")
    assert entry.payload["name"] == "desk" and entry.payload["grace_hours"] == 2
    assert new["Authorization"][7:] not in str(entry.payload)


def test_rotating_twice_ends_the_first_secret_at_once(container, at):
    first = _key(container)
    rotated_at = datetime(2026, 5, 1, 10, tzinfo=SHANGHAI)
    _rotate(container, rotated_at)
    third = _rotate(container, rotated_at + timedelta(hours=1))
    client = at(rotated_at + timedelta(hours=2))
    assert (client.get(PATH, headers=first).status_code,
            client.get(PATH, headers=third).status_code) == (401, 200)


def test_last_use_is_recorded_at_most_once_a_minute(container, at):
    headers = _key(container)
    start = datetime(2026, 5, 1, 10, 0, 0, tzinfo=SHANGHAI)
    assert _stored(container).last_used_at is None
    at(start).get(PATH, headers=headers)
    first = _stored(container).last_used_at
    at(start + timedelta(seconds=59)).get(PATH, headers=headers)
    assert _stored(container).last_used_at == first
    at(start + timedelta(seconds=61)).get(PATH, headers=headers)
    later = _stored(container).last_used_at
    assert (first.replace(tzinfo=None), later.replace(tzinfo=None)) in [
        (datetime(2026, 5, 1, 2, 0, 0), datetime(2026, 5, 1, 2, 1, 1))]  # UTC on both databases


def test_a_refused_key_records_no_use(container, at):
    headers = _key(container, expires_on=date(2026, 1, 1))
    at(datetime(2026, 3, 1, tzinfo=SHANGHAI)).get(PATH, headers=headers)
    assert _stored(container).last_used_at is None
