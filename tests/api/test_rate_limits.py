"""Rate limits over HTTP (docs/security.md, Rate limits and proxies): a storage the workers
share, the client address from trusted proxies only, /api/v1 per key, 429 as a problem."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from credit_engine.api.app import create_app
from credit_engine.bootstrap import Container
from credit_engine.config import Settings
from credit_engine.services.keys import create_key

ANNOUNCEMENTS = "/public/v1/announcements"


@pytest.fixture
def make_app(settings: Settings, tmp_path: Path) -> Iterator[Any]:
    """Apps ("workers") on the test database, with their counters in one file of this test."""
    containers: list[Container] = []

    def make(**changes: Any) -> Flask:
        changes.setdefault("rate_limit_storage", f"sqlite:///{tmp_path / 'limits.db'}")
        container = Container(settings.replace(**changes))
        containers.append(container)
        return create_app(container=container)

    yield make
    for container in containers:
        if "engine" in container.__dict__:
            container.engine.dispose()


def _key(app: Flask, name: str) -> dict[str, str]:
    container: Container = app.extensions["credit_engine.container"]
    with container.transaction() as session:
        key = create_key(session, name, ["records:read"])
    return {"Authorization": f"Bearer {key}"}


def _statuses(app: Flask, count: int, **kwargs: Any) -> list[int]:
    client = app.test_client()
    return [client.get(ANNOUNCEMENTS, **kwargs).status_code for _ in range(count)]


def test_a_public_429_is_a_rate_limited_problem_with_retry_after(make_app):
    app = make_app(public_rate_limit="2 per minute")
    client = app.test_client()
    assert [client.get(ANNOUNCEMENTS).status_code for _ in range(2)] == [200, 200]
    response = client.get(ANNOUNCEMENTS)
    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["type"].endswith("/problems/rate-limited")
    assert 0 < int(response.headers["Retry-After"]) <= 60


def test_two_workers_on_the_same_storage_share_one_budget(make_app):
    first, second = make_app(public_rate_limit="3 per minute"), \
        make_app(public_rate_limit="3 per minute")
    assert _statuses(first, 2) == [200, 200]
    assert _statuses(second, 2) == [200, 429]
    assert _statuses(first, 1) == [429]


def test_the_default_storage_is_a_file_every_worker_of_the_machine_shares(settings, tmp_path):
    uri = settings.rate_limit_storage_uri
    assert uri.startswith("sqlite:///") and uri.endswith(".rate-limits.db")
    folder = Path(uri.removeprefix("sqlite:///")).parent
    assert folder == (tmp_path if settings.is_sqlite else Path(tempfile.gettempdir()))


def test_without_trusted_proxies_x_forwarded_for_is_ignored(make_app):
    app = make_app(public_rate_limit="2 per minute")
    spoofed = [_statuses(app, 1, headers={"X-Forwarded-For": f"198.51.100.{n}"})[0]
               for n in range(3)]
    assert spoofed == [200, 200, 429]


def test_with_one_trusted_proxy_the_last_hop_is_the_client(make_app):
    app = make_app(public_rate_limit="2 per minute", trusted_proxies=1)
    citizen = {"X-Forwarded-For": "203.0.113.7, 198.51.100.1"}
    forged = {"X-Forwarded-For": "203.0.113.99, 198.51.100.1"}  # same last hop
    assert _statuses(app, 1, headers=citizen) + _statuses(app, 1, headers=forged) == [200, 200]
    assert _statuses(app, 1, headers=citizen) == [429]
    other = {"X-Forwarded-For": "198.51.100.2"}  # another citizen behind the same proxy
    assert _statuses(app, 2, headers=other) == [200, 200]


def test_api_v1_is_limited_per_key_name_not_per_address(make_app):
    app = make_app(api_rate_limit="2 per minute")
    busy, calm = _key(app, "busy-desk"), _key(app, "calm-desk")
    client = app.test_client()
    path = "/api/v1/records?subject_type=enterprise&subject_id=x"

    def get(headers: dict[str, str], address: str) -> Any:
        return client.get(path, headers=headers, environ_base={"REMOTE_ADDR": address})

    assert [get(busy, f"10.0.0.{n}").status_code for n in range(2)] != [429, 429]
    response = get(busy, "10.0.0.9")
    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["type"].endswith("/problems/rate-limited") and "busy-desk" in body["detail"]
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert get(calm, "10.0.0.9").status_code != 429


def test_an_invalid_key_spends_no_key_budget(make_app):
    app = make_app(api_rate_limit="1 per minute")
    client = app.test_client()
    for _ in range(3):
        assert client.get("/api/v1/records", headers={
            "Authorization": "Bearer ce_00000000_" + "x" * 43}).status_code == 401
