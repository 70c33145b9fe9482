"""Office workbench fixtures: the app on a clock the test moves, and staff accounts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from credit_engine.api.app import create_app
from flask import Flask
from flask.testing import FlaskClient

from credit_engine.bootstrap import Container, bootstrap
from credit_engine.config import Settings


class MovableClock:
    """The service's clock for a test: it stands still until the test moves it."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(datetime(2026, 6, 2, 2, 0, tzinfo=timezone.utc))  # 10:00 in Shanghai


@pytest.fixture
def container(settings: Settings, clock: MovableClock) -> Iterator[Container]:
    """The container on the test database, on the movable clock."""
    built = bootstrap(settings.replace(clock=clock))
    yield built
    if "engine" in built.__dict__:
        built.engine.dispose()


@pytest.fixture
def app(container: Container) -> Flask:
    return create_app(container=container)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
