"""A real `credit-engine serve` with 2 workers and CREDIT_ENGINE_METRICS=on: /metrics
merges both workers' counts, every log line is JSON, access lines carry the request id
echoed or made (docs/operations.md, Metrics and logs)."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from process_helpers import served

pytestmark = pytest.mark.slow
SENT = 60
BANNER = "credit-engine listening on "


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:
            return answer.status, dict(answer.headers), answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def _served(settings: Any, folder: Path, **env: str):  # type: ignore[no-untyped-def]
    """`credit-engine serve` (2 workers), its temporary files under `folder`/tmp."""
    (folder / "tmp").mkdir()
    env.update(TMPDIR=str(folder / "tmp"),
               CREDIT_ENGINE_RATE_LIMIT_STORAGE=f"sqlite:///{folder / 'limits.db'}")
    return served(settings, folder, "--workers", "2", **env)


def _sample(text: str, prefix: str) -> float:
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith(prefix))


def _json_lines(log: Path) -> list[dict[str, Any]]:
    lines = [line for line in log.read_text().splitlines()
             if line.strip() and not line.startswith(BANNER)]
    return [json.loads(line) for line in lines]  # every line but the banner is JSON


def test_metrics_merge_both_workers_and_logs_are_json_with_request_ids(settings, tmp_path):
    with _served(settings, tmp_path, CREDIT_ENGINE_METRICS="on") as (base, log):
        # A request sent in part keeps the worker that accepted it busy, so the burst is
        # answered by the other one; then the held request completes: both workers answer.
        port = int(base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=20) as held:
            held.sendall(b"GET /readyz HTTP/1.1\r\nHost: t\r\nX-Request-ID: burst-0\r\n")
            time.sleep(0.5)
            with ThreadPoolExecutor(4) as pool:
                answers = list(pool.map(lambda n: _get(
                    f"{base}/readyz", {"X-Request-ID": f"burst-{n}"}), range(1, SENT)))
            held.sendall(b"Connection: close\r\n\r\n")
            reply = b"".join(iter(lambda: held.recv(65536), b""))
        assert reply.startswith(b"HTTP/1.1 200") and b"X-Request-ID: burst-0" in reply
        [metric_dirs] = [list((tmp_path / "tmp").glob("credit-engine-metrics-*"))]
        worker_files = sorted(p.name for p in metric_dirs[0].glob("counter_*.db"))
        status, headers, text = _get(f"{base}/metrics")
        made = _get(f"{base}/healthz")[1]["X-Request-ID"]
        time.sleep(0.5)  # the access lines are written after the answers
    assert all(code == 200 for code, _, _ in answers)
    assert [h["X-Request-ID"] for _, h, _ in answers] == [f"burst-{n}" for n in range(1, SENT)]
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    readyz = 'credit_engine_http_requests_total{endpoint="/readyz",method="GET",status="200"}'
    assert _sample(text, readyz) == SENT  # only when both workers' files are merged
    assert _sample(text, 'credit_engine_http_request_duration_seconds_count{endpoint="/readyz"'
                   ) == SENT
    assert len(worker_files) == 2, worker_files  # one file per worker
    lines = _json_lines(log)
    access = [line for line in lines if line.get("logger") == "gunicorn.access"]
    burst = [line for line in access if line.get("path") == "/readyz"]
    assert sorted(line["request_id"] for line in burst) == sorted(
        f"burst-{n}" for n in range(SENT))
    assert {line["status"] for line in burst} == {200}
    assert len({line["pid"] for line in burst}) == 2, "both workers answered"
    assert [line["request_id"] for line in access if line.get("path") == "/healthz"][-1] == made
    assert any("Booting worker" in line["message"] for line in lines)  # gunicorn's own, JSON
    assert not list((tmp_path / "tmp").glob("credit-engine-metrics-*"))  # removed at exit


def test_without_metrics_there_is_no_endpoint_and_logs_stay_redacted(settings, tmp_path):
    with _served(settings, tmp_path) as (base, log):
        assert _get(f"{base}/metrics")[0] == 404
        code, headers, _ = _get(f"{base}/api/v1/records?key=ce_0123_SECRETkey",
                                {"X-Request-ID": "bad id <script>"})
        time.sleep(0.5)
    assert code == 401 and len(headers["X-Request-ID"]) == 32
    [line] = [line for line in _json_lines(log) if line.get("path") == "/api/v1/records"]
    assert line["request_id"] == headers["X-Request-ID"] and line["status"] == 401
    assert "SECRET" not in log.read_text() and "[query omitted]" in line["message"]
    assert not list((tmp_path / "tmp").glob("credit-engine-metrics-*"))
