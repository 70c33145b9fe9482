"""One settings object, validated at start: a bad value stops everything, naming the
variable; nothing falls back to a default or fails open."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from credit_engine.config import InvalidSettings, Settings

CLI = str(Path(sys.executable).with_name("credit-engine"))


@pytest.mark.parametrize("variable,value", [
    ("CREDIT_ENGINE_TIMEZONE", "Mars/Olympus_Mons"),
    ("CREDIT_ENGINE_RUN_LEASE_SECONDS", "-3"),
    ("CREDIT_ENGINE_RUN_LEASE_SECONDS", "soon"),
    ("CREDIT_ENGINE_DIRTY_MARGIN_SECONDS", "-1"),
    ("CREDIT_ENGINE_REGRADE_PAUSE_SECONDS", "nan"),
    ("CREDIT_ENGINE_REGRADE_WORKERS", "0"),
    ("CREDIT_ENGINE_MAX_REQUEST_BYTES", "lots"),
])
def test_an_invalid_value_is_refused_naming_its_variable(variable: str, value: str) -> None:
    with pytest.raises(InvalidSettings) as refused:
        Settings.from_env({variable: value})
    assert variable in str(refused.value)


def test_values_from_the_environment_reach_the_settings() -> None:
    settings = Settings.from_env({
        "CREDIT_ENGINE_DATABASE_URL": "sqlite:///elsewhere.db",
        "CREDIT_ENGINE_RUN_LEASE_SECONDS": "90", "CREDIT_ENGINE_DIRTY_MARGIN_SECONDS": "0",
        "CREDIT_ENGINE_REGRADE_WORKERS": "3", "CREDIT_ENGINE_TIMEZONE": "Asia/Urumqi"})
    assert settings.database_url == "sqlite:///elsewhere.db"
    assert (settings.run_lease, settings.dirty_margin) == (timedelta(seconds=90), timedelta(0))
    assert (settings.regrade_workers, settings.timezone) == (3, "Asia/Urumqi")


def test_unset_and_empty_variables_keep_the_defaults() -> None:
    assert Settings.from_env({"CREDIT_ENGINE_RUN_LEASE_SECONDS": ""}) == Settings.from_env({})


def test_settings_built_in_code_read_no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDIT_ENGINE_DATABASE_URL", "sqlite:///from-the-environment.db")
    assert Settings(database_url="sqlite:///given.db").database_url == "sqlite:///given.db"


def test_every_command_stops_at_start_on_a_bad_value(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "CREDIT_ENGINE_DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
           "CREDIT_ENGINE_RUN_LEASE_SECONDS": "-3"}
    for args in (["db", "upgrade"], ["jobs", "status"], ["regrade", "--all"]):
        done = subprocess.run([CLI, *args], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 1, (args, done.stdout, done.stderr)
        assert "CREDIT_ENGINE_RUN_LEASE_SECONDS" in done.stderr
    assert not (tmp_path / "x.db").exists()  # nothing was created on the way
