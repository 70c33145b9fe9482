"""Fixtures of reports and exchange: the graded town (tests/support/exchange_town.py) on a
fixed business day (the settings' clock), its app, client and keys."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from credit_engine.api.app import create_app
from exchange_town import TODAY, build_graded_town
from flask import Flask
from flask.testing import FlaskClient

from credit_engine.bootstrap import Container
from credit_engine.services.keys import create_key


@pytest.fixture
def town_container(container_on: Callable[[date], Container]) -> Container:
    container = container_on(TODAY)
    # No look-back margin: a grade stored after its file's last change is served as stored
    # (the margin only guards against late commits, which these tests do not have).
    container.settings = container.settings.replace(dirty_margin_seconds=0)
    build_graded_town(container)
    return container


@pytest.fixture
def town_client(town_container: Container) -> FlaskClient:
    app: Flask = create_app(container=town_container)
    app.config["PUBLIC_RATE_LIMIT"] = "1000 per minute"
    return app.test_client()


@pytest.fixture
def town_key(town_container: Container) -> Callable[..., dict[str, str]]:
    def make(name: str, *scopes: str) -> dict[str, str]:
        with town_container.transaction() as session:
            key = create_key(session, name, list(scopes))
        return {"Authorization": f"Bearer {key}"}
    return make
