"""HTTP fixtures: the app on the migrated test database, a client, and keys by scope."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from credit_engine.api.app import create_app
from credit_engine.bootstrap import Container
from credit_engine.services.keys import create_key

from api_helpers import USCC_A, valid_id_number, valid_uscc


@pytest.fixture
def app(container: Container) -> Flask:
    return create_app(container=container)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make_key(container: Container) -> Callable[..., dict[str, str]]:
    """Create a key named `name` with `scopes`; returns its Authorization header."""

    def make(name: str, *scopes: str) -> dict[str, str]:
        with container.transaction() as session:
            key = create_key(session, name, list(scopes))
        return {"Authorization": f"Bearer {key}"}

    return make


@pytest.fixture
def writer(make_key: Callable[..., dict[str, str]]) -> dict[str, str]:
    return make_key("desk-writer", "records:write", "records:read")


@pytest.fixture
def reader(make_key: Callable[..., dict[str, str]]) -> dict[str, str]:
    return make_key("desk-reader", "records:read")


@pytest.fixture
def admin(make_key: Callable[..., dict[str, str]]) -> dict[str, str]:
    return make_key("office-admin", "admin")


@pytest.fixture
def enterprise(client: FlaskClient, writer: dict[str, str]) -> str:
    """A catering enterprise that exists; its USCC."""
    uscc = valid_uscc(USCC_A)
    response = client.put(f"/api/v1/enterprises/{uscc}", headers=writer,
                          json={"name": "Golden Wok Restaurant", "category": "catering"})
    assert response.status_code == 201, response.get_json()
    return uscc


@pytest.fixture
def person(client: FlaskClient, writer: dict[str, str]) -> str:
    """A registered person; the opaque id."""
    response = client.post("/api/v1/persons", headers=writer,
                           json={"id_number": valid_id_number("11010519491231002"),
                                 "name": "张三"})
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])
