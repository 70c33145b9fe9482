"""Every rate-limit setting is checked at start: a bad one stops the service and every
command with a message naming the variable; nothing fails open (docs/security.md)."""

from __future__ import annotations

import subprocess

import pytest

from credit_engine.config import InvalidSettings, Settings

from process_helpers import CLI, cli_env

BAD = [
    ("CREDIT_ENGINE_PUBLIC_RATE_LIMIT", "lots"),
    ("CREDIT_ENGINE_API_RATE_LIMIT", "fast please"),
    ("CREDIT_ENGINE_RATE_LIMIT_STORAGE", "carrier-pigeon://loft"),
    ("CREDIT_ENGINE_RATE_LIMIT_STORAGE", "sqlite://"),
    ("CREDIT_ENGINE_TRUSTED_PROXIES", "-1"),
    ("CREDIT_ENGINE_TRUSTED_PROXIES", "one"),
]


@pytest.mark.parametrize(("variable", "value"), BAD)
def test_a_bad_rate_limit_setting_is_refused_naming_its_variable(variable, value):
    with pytest.raises(InvalidSettings, match=variable):
        Settings.from_env({variable: value})


def test_good_rate_limit_settings_are_taken():
    settings = Settings.from_env({
        "CREDIT_ENGINE_PUBLIC_RATE_LIMIT": "10/second;1000/day",
        "CREDIT_ENGINE_API_RATE_LIMIT": "100 per minute",
        "CREDIT_ENGINE_RATE_LIMIT_STORAGE": "redis://cache.internal:6379/2",
        "CREDIT_ENGINE_TRUSTED_PROXIES": "1"})
    assert (settings.public_rate_limit, settings.api_rate_limit, settings.trusted_proxies) \
        == ("10/second;1000/day", "100 per minute", 1)
    assert settings.rate_limit_storage_uri == "redis://cache.internal:6379/2"
    defaults = Settings()
    assert (defaults.public_rate_limit, defaults.api_rate_limit, defaults.trusted_proxies) \
        == ("120 per minute", "6000 per minute", 0)


def test_an_in_memory_database_counts_in_memory():
    assert Settings(database_url="sqlite://").rate_limit_storage_uri == "memory://"


@pytest.mark.parametrize("command", [["serve", "--port", "0"], ["keys", "list"]])
def test_serve_and_other_commands_stop_on_an_unparsable_limit(tmp_path, command):
    result = subprocess.run(CLI + command, capture_output=True, text=True, timeout=60,
                            env=cli_env(f"sqlite:///{tmp_path / 'db.sqlite'}",
                                        CREDIT_ENGINE_PUBLIC_RATE_LIMIT="lots"))
    assert result.returncode != 0
    assert "CREDIT_ENGINE_PUBLIC_RATE_LIMIT" in result.stderr + result.stdout
    assert "listening" not in result.stdout


def test_serve_refuses_per_worker_memory_counters_with_several_workers(tmp_path):
    result = subprocess.run(CLI + ["serve", "--port", "0", "--workers", "2"],
                            capture_output=True, text=True, timeout=60,
                            env=cli_env(f"sqlite:///{tmp_path / 'db.sqlite'}",
                                        CREDIT_ENGINE_RATE_LIMIT_STORAGE="memory://"))
    assert result.returncode != 0
    assert "CREDIT_ENGINE_RATE_LIMIT_STORAGE" in result.stderr
