"""The app is assembled from an explicit list of blueprint modules; none is ever skipped."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from credit_engine.api import app as app_module


def test_every_blueprint_module_is_registered(app: Flask) -> None:
    registered = set(app.blueprints)
    assert {module.blp.name for module in app_module.BLUEPRINT_MODULES} <= registered
    assert {page.name for page in app_module.PAGE_BLUEPRINTS} <= registered
    assert {"health", "subjects", "records", "credit", "decisions", "announcements",
            "public", "problems", "public_pages"} <= registered


def test_the_public_page_is_served_but_not_documented(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/").status_code == 200
    assert "/" not in client.get("/openapi.json").get_json()["paths"]


@pytest.mark.parametrize("broken", ["credit_engine.api.announcements", "credit_engine.api.public"])
def test_a_blueprint_module_that_cannot_be_imported_fails_the_app(broken: str,
                                                                   tmp_path: Path) -> None:
    # In a fresh interpreter: a None entry in sys.modules makes that very module not found,
    # the case a silent skip would have turned into an app without that section.
    code = (f"import sys; sys.modules[{broken!r}] = None\n"
            "from credit_engine.config import Settings\n"
            "from credit_engine.api.app import create_app\n"
            f"create_app(Settings(database_url={f'sqlite:///{tmp_path}/db.sqlite'!r}))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode != 0
    assert "ModuleNotFoundError" in result.stderr and broken in result.stderr
