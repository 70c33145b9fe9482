"""The decisions endpoint under load: gunicorn on loopback, wrk at a fixed request rate.

    python bench/scale_decisions.py --url sqlite:////tmp/scale.db --rate 200 --seconds 30

Needs a loaded and graded database (bench/scale_load.py, then bench/scale_regrade.py).
Creates a `decisions:read` key, starts gunicorn with the service's app factory, and runs
Debian's wrk (no -R option) with a Lua script whose `delay()` paces every connection so
the total is about `--rate` requests per second, rotating over graded enterprises and
the five contexts. Prints wrk's latency percentiles and one JSON summary line.
Target (issue 5, 2-core machine): p99 <= 25 ms at 200 req/s.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from sqlalchemy import select

from credit_engine.storage.database import make_engine
from credit_engine.storage.models import GradeRow

CLI = str(Path(sys.executable).with_name("credit-engine"))
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
CONTEXTS = ("licensing", "financing", "procurement", "inspection", "honours")

LUA = """
local paths = {%(paths)s}
local i = 0
local pause = %(pause_ms)d
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1], {["Authorization"] = "Bearer %(key)s"})
end
delay = function() return pause end
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _subjects(url: str, count: int) -> list[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return list(connection.scalars(select(GradeRow.subject_id).where(
                GradeRow.subject_type == "enterprise").distinct().limit(count)))
    finally:
        engine.dispose()


def _create_key(env: dict[str, str]) -> str:
    name = f"bench-{int(time.time())}"
    out = subprocess.run([CLI, "keys", "create", "--name", name, "--scopes", "decisions:read"],
                         env=env, check=True, capture_output=True, text=True).stdout
    return out.strip().splitlines()[-1]


def _wait_ready(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /healthz")


def _ms(value: str, unit: str) -> float:
    return float(value) / 1000 if unit == "us" else float(value) * 1000 if unit == "s" else float(value)


def _percentile_ms(text: str, label: str) -> float | None:
    match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.MULTILINE)
    return _ms(match[1], match[2]) if match else None


def _mean_latency_ms(text: str) -> float | None:
    match = re.search(r"^\s*Latency\s+([\d.]+)(us|ms|s)", text, re.MULTILINE)
    return _ms(match[1], match[2]) if match else None


def main(argv: list[str] | None = None) -> int:
    """Serve, load, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    env = dict(os.environ, CREDIT_ENGINE_DATABASE_URL=args.url)
    subjects = _subjects(args.url, 2000)
    if not subjects:
        raise SystemExit("no graded enterprises: run bench/scale_regrade.py first")
    key, port = _create_key(env), _free_port()
    paths = [f"/api/v1/decisions?subject_type=enterprise&subject_id={s}&context={CONTEXTS[n % 5]}"
             for n, s in enumerate(subjects)]
    script = Path(tempfile.mkdtemp()) / "decisions.lua"
    period_ms = 1000 * args.connections / args.rate  # per connection, request to request

    def load(seconds: int, latency_ms: float) -> str:
        # Each connection waits `pause` after every answer, so pause + latency = period.
        pause = max(0, round(period_ms - latency_ms))
        script.write_text(LUA % {"paths": ",".join(json.dumps(p) for p in paths), "key": key,
                                 "pause_ms": pause})
        return subprocess.run(["wrk", "-t", "2", "-c", str(args.connections), "-d",
                               f"{seconds}s", "--latency", "-s", str(script),
                               f"http://127.0.0.1:{port}"], capture_output=True, text=True,
                              check=True).stdout

    log_path = script.with_name("gunicorn.log")  # where a non-2xx answer is explained
    server_log = log_path.open("w")
    server = subprocess.Popen([GUNICORN, "-w", str(args.gunicorn_workers), "-b",
                               f"127.0.0.1:{port}", "credit_engine.commands.serve:make_app()"],
                              env=env, stdout=subprocess.DEVNULL, stderr=server_log)
    try:
        _wait_ready(port)
        # A short warm-up at the target pace measures the mean latency the pause must
        # leave room for (wrk from Debian has no fixed-rate option).
        warm = _mean_latency_ms(load(5, 2.0)) or 2.0
        out = load(args.seconds, warm)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        server_log.close()
    print(out)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    print(json.dumps({"event": "decisions_load", "target_rate": args.rate,
                      "achieved_rate": float(rate[1]) if rate else None,
                      "p50_ms": _percentile_ms(out, "50"), "p99_ms": _percentile_ms(out, "99"),
                      "non_2xx": int(errors[1]) if errors else 0, "server_log": str(log_path)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
