"""Fixtures of the objection endpoints: the app, a client and an office key."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from credit_engine.api.app import create_app
from credit_engine.bootstrap import Container
from credit_engine.services.keys import create_key


@pytest.fixture
def objection_app(container: Container) -> Flask:
    return create_app(container=container)


@pytest.fixture
def objection_client(objection_app: Flask) -> FlaskClient:
    return objection_app.test_client()


def bearer(container: Container, name: str, *scopes: str) -> dict[str, str]:
    with container.transaction() as session:
        key = create_key(session, name, list(scopes))
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def office(container: Container) -> dict[str, str]:
    """A key allowed to file and resolve objections."""
    return bearer(container, "objection-office", "announcements:write")


@pytest.fixture
def outsider(container: Container) -> dict[str, str]:
    return bearer(container, "credit-reader", "credit:read")
