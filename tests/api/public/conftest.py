"""Fixtures of the public lookup: the app on a populated database and a client."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from credit_engine.api.app import create_app
from credit_engine.bootstrap import Container

from public_population import Population, populate


@pytest.fixture
def population(container: Container) -> Population:
    with container.transaction() as session:
        return populate(session, container.settings.today())


@pytest.fixture
def public_app(container: Container) -> Flask:
    app = create_app(container=container)
    app.config["PUBLIC_RATE_LIMIT"] = "1000 per minute"
    return app


@pytest.fixture
def public_client(public_app: Flask) -> FlaskClient:
    return public_app.test_client()
