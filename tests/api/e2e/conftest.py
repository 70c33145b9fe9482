"""Browser fixtures: the app served on a loopback port by the test, and system Chromium.

Browser downloads are impossible here, so Playwright launches Debian's /usr/bin/chromium
by path (override with CREDIT_ENGINE_CHROMIUM). The server is werkzeug's threaded WSGI
server in a background thread of the test process: enough for one browser on loopback.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from credit_engine.api.app import create_app
from credit_engine.bootstrap import Container

# The population of the public lookup tests (tests/support), shared rather than copied.
from public_population import Population, populate  # noqa: E402

CHROMIUM = os.environ.get("CREDIT_ENGINE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


@pytest.fixture
def database_backend() -> str:
    """The browser tests need one backend only: the embedded SQLite file."""
    return "sqlite"


@pytest.fixture
def e2e_population(container: Container) -> Population:
    with container.transaction() as session:
        return populate(session, container.settings.today())


@pytest.fixture
def live_server(container: Container, e2e_population: Population) -> Iterator[str]:
    """The app on 127.0.0.1 at a free port; its base URL."""
    app = create_app(container=container)
    app.config["PUBLIC_RATE_LIMIT"] = "10000 per minute"
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("CI"):  # CI installs Chromium: its absence is a failure there
            pytest.fail(f"no Chromium at {CHROMIUM}")
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
