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


def _percentile_ms(text: str, label: str) -> float | None:
    match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.MULTILINE)
    if not match:
        return None
    value, unit = float(match[1]), match[2]
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


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
    script.write_text(LUA % {"paths": ",".join(json.dumps(p) for p in paths), "key": key,
                             # minus ~2 ms: the pause adds to the response time of each request
                             "pause_ms": max(0, int(1000 * args.connections / args.rate) - 2)})
    server = subprocess.Popen([GUNICORN, "-w", str(args.gunicorn_workers), "-b",
                               f"127.0.0.1:{port}", "credit_engine.commands.serve:make_app()"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_ready(port)
        out = subprocess.run(["wrk", "-t", "2", "-c", str(args.connections), "-d",
                              f"{args.seconds}s", "--latency", "-s", str(script),
                              f"http://127.0.0.1:{port}"], capture_output=True, text=True,
                             check=True).stdout
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    print(out)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    print(json.dumps({"event": "decisions_load", "target_rate": args.rate,
                      "achieved_rate": float(rate[1]) if rate else None,
                      "p50_ms": _percentile_ms(out, "50"), "p99_ms": _percentile_ms(out, "99"),
                      "non_2xx": int(errors[1]) if errors else 0}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
