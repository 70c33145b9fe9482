"""Running `credit-engine` as real processes against the test database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

CLI = [str(Path(sys.executable).with_name("credit-engine"))]


def cli_env(database_url: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ, CREDIT_ENGINE_DATABASE_URL=database_url)
    env.update(extra)
    return env


def start(database_url: str, *args: str, **extra_env: str) -> subprocess.Popen[str]:
    """Start `credit-engine args...` in its own process group."""
    return subprocess.Popen(CLI + list(args), env=cli_env(database_url, **extra_env),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll `condition` every 50 ms; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
