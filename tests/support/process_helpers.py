"""Running `credit-engine` as real processes against the test database."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CLI = [str(Path(sys.executable).with_name("credit-engine"))]


def cli_env(database_url: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ, CREDIT_ENGINE_DATABASE_URL=database_url)
    env.update(extra)
    return env


def settings_env(settings: Any) -> dict[str, str]:
    """The variables a command needs to reach the test database of `settings` (and the data
    key file PostgreSQL needs, if any): for CliRunner's `env`."""
    env = {"CREDIT_ENGINE_DATABASE_URL": settings.database_url}
    key_file = getattr(settings, "data_key_file", None)
    if key_file is not None:
        env["CREDIT_ENGINE_DATA_KEY_FILE"] = str(key_file)
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


def free_port() -> int:
    """A TCP port on the loopback address that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """A private redis-server on a free port, its URL; stopped afterwards. CI installs
    Debian's redis-server (.ci/run), so there a missing one fails; elsewhere it skips."""
    import pytest

    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed: .ci/run installs Debian's redis-server")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--save", "", "--appendonly", "no",
                                "--dir", str(folder)], stdout=subprocess.DEVNULL)
    try:
        wait_until(lambda: socket.socket().connect_ex(("127.0.0.1", port)) == 0, 20,
                   "redis-server to listen")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=20)


@contextmanager
def served(settings: Any, folder: Path, *args: str, **env: str) -> Iterator[tuple[str, Path]]:
    """A real `credit-engine serve` (default workers unless `args` say) on the test database
    of `settings`, run in `folder`: (base URL, its log file); stopped afterwards."""
    import signal
    import urllib.error
    import urllib.request

    if getattr(settings, "data_key_file", None) is not None:
        env.setdefault("CREDIT_ENGINE_DATA_KEY_FILE", str(settings.data_key_file))
    port, log = free_port(), folder / "serve.log"
    with log.open("wb") as out:  # a file, not a pipe: a full pipe would block the server
        process = subprocess.Popen(CLI + ["serve", "--port", str(port), *args], cwd=folder,
                                   env=cli_env(settings.database_url, **env), stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"

    def answering() -> bool:
        assert process.poll() is None, f"serve exited early:\n{log.read_text()}"
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5) as answer:
                return bool(answer.status == 200)
        except (urllib.error.URLError, ConnectionError):
            return False

    try:
        wait_until(answering, 60, f"serve to answer (log: {log})")
        yield base, log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

