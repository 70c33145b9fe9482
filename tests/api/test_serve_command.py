"""`credit-engine serve` without starting gunicorn: schema upgrade, banner, gunicorn options."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect

from credit_engine.commands import serve as serve_module


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The options gunicorn would have been started with (it is not started)."""
    runs: list[dict[str, Any]] = []
    monkeypatch.setattr(serve_module.GunicornServer, "run",
                        lambda self: runs.append(dict(self.options)))
    return runs


def test_serve_upgrades_an_sqlite_database_and_prints_the_url(
        tmp_path: Path, started: list[dict[str, Any]]) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    result = CliRunner().invoke(serve_module.serve, ["--port", "8123", "--workers", "3"],
                                env={"CREDIT_ENGINE_DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8123/" in result.output
    assert started == [{**started[0], "bind": "127.0.0.1:8123", "workers": 3}]
    engine = create_engine(url)
    assert "records" in inspect(engine).get_table_names()
    engine.dispose()


def test_an_ipv6_host_is_bound_in_brackets() -> None:
    assert serve_module.bind_address("::1", 8000) == "[::1]:8000"
