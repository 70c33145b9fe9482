"""The scheduler exports its regrade metrics on CREDIT_ENGINE_METRICS_PORT (docs/operations.md,
Metrics and logs): runs and subjects, counted in the scheduler's own process."""

from __future__ import annotations

import signal
import urllib.error
import urllib.request

import pytest

from job_population import add_enterprise, add_person
from process_helpers import free_port, start, wait_until

pytestmark = pytest.mark.slow
RUNS = 'credit_engine_regrade_runs_total{job="nightly_regrade",status="succeeded"}'


def _scrape(port: int) -> str:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
            return str(answer.read().decode())
    except (urllib.error.URLError, ConnectionError):
        return ""


def test_the_scheduler_exports_its_regrade_metrics(container, settings):
    with container.transaction() as session:
        for n in (1, 2, 3):
            add_enterprise(session, n)
        add_person(session, 1)
    port = free_port()
    process = start(settings.database_url, "scheduler", "--every", "1",
                    CREDIT_ENGINE_REGRADE_WORKERS="1", CREDIT_ENGINE_METRICS_PORT=str(port))
    scraped: list[str] = []
    try:
        wait_until(lambda: process.poll() is not None
                   or RUNS + " 1.0" in (scraped.append(_scrape(port)) or scraped[-1]),
                   90, "the nightly regrade in the scheduler's metrics")
    finally:
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=60)
    assert process.returncode is not None and scraped, err[-3000:]
    text = scraped[-1]
    assert RUNS + " 1.0" in text, err[-3000:]
    assert 'credit_engine_regrade_subjects_total{outcome="graded"} 4.0' in text

