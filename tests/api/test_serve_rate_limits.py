"""A real `credit-engine serve` (gunicorn, 2 workers by default): the public limit holds
across both workers, with the default storage and with Redis, and the access log keeps no
key sent by mistake in a URL (docs/security.md)."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from credit_engine.config import Settings

from process_helpers import served

pytestmark = pytest.mark.slow
LIMIT = 120  # the default CREDIT_ENGINE_PUBLIC_RATE_LIMIT: 120 per minute
SENT = 200


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def _served(settings: Settings, folder: Path, **env: str):  # type: ignore[no-untyped-def]
    """`credit-engine serve` with its default 2 workers: (base URL, its log file)."""
    return served(settings, folder, **env)


def _burst(base: str) -> Counter[int]:
    return Counter(_status(f"{base}/public/v1/announcements") for _ in range(SENT))


def test_the_public_limit_holds_across_both_workers(settings, tmp_path):
    # The default storage on SQLite; on PostgreSQL the default file is shared by every test
    # of the session on the same database, so this one counts in a file of its own.
    own = {} if settings.is_sqlite else {
        "CREDIT_ENGINE_RATE_LIMIT_STORAGE": f"sqlite:///{tmp_path / 'limits.db'}"}
    with _served(settings, tmp_path, **own) as (base, log):
        counted = _burst(base)
    assert set(counted) == {200, 429}, counted
    assert counted[200] <= LIMIT and counted[429] >= SENT - LIMIT, counted
    workers = {line.split("pid: ")[1].split()[0] for line in log.read_text().splitlines()
               if "Booting worker with pid" in line}
    assert len(workers) == 2


def test_the_public_limit_holds_across_workers_with_redis(settings, tmp_path, redis_url):
    with _served(settings, tmp_path, CREDIT_ENGINE_RATE_LIMIT_STORAGE=redis_url) as (base, _):
        counted = _burst(base)
    assert set(counted) == {200, 429}, counted
    assert counted[200] <= LIMIT and counted[429] >= SENT - LIMIT, counted


def test_the_access_log_keeps_no_key_sent_in_a_url(settings, tmp_path):
    secrets = ("ce_0123abcd_SECRETinTheQueryString", "tok-SECRET-public", "SECRETreferer")
    with _served(settings, tmp_path, CREDIT_ENGINE_RATE_LIMIT_STORAGE=f"sqlite:///{tmp_path / 'l.db'}"
                 ) as (base, log):
        _status(f"{base}/api/v1/records?subject_type=enterprise&key={secrets[0]}")
        _status(f"{base}/public/v1/announcements?token={secrets[1]}&limit=5")
        referred = urllib.request.Request(f"{base}/healthz",
                                          headers={"Referer": f"{base}/x?key={secrets[2]}"})
        urllib.request.urlopen(referred, timeout=10).close()
        time.sleep(0.5)
    text = log.read_text()
    assert "/api/v1/records" in text and "/public/v1/announcements" in text
    assert "limit=5" in text  # harmless parameters stay readable off /api/v1
    for secret in secrets:
        assert secret not in text
