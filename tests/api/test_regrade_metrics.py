"""Regrade metrics (docs/operations.md, Metrics and logs): runs by status, subjects graded
and failed, chunk durations, and the exporter a non-web process serves them with."""

from __future__ import annotations

import urllib.request
from datetime import date

import pytest
from prometheus_client import REGISTRY

from credit_engine import metrics
from credit_engine.regrade.driver import run_regrade
from credit_engine.storage.models import JobRunRow
from job_population import add_enterprise, add_person, add_record, uscc
from process_helpers import free_port

DAY = date(2026, 3, 2)


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def _snapshot(job: str) -> dict[str, float]:
    return {
        "graded": _value("credit_engine_regrade_subjects_total", outcome="graded"),
        "failed": _value("credit_engine_regrade_subjects_total", outcome="failed"),
        "succeeded": _value("credit_engine_regrade_runs_total", job=job, status="succeeded"),
        "with_failures": _value("credit_engine_regrade_runs_total", job=job,
                                status="completed_with_failures"),
        "failed_runs": _value("credit_engine_regrade_runs_total", job=job, status="failed"),
        "chunks": _value("credit_engine_regrade_chunk_duration_seconds_count"),
    }


def _delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {name: after[name] - before[name] for name in before if after[name] != before[name]}


@pytest.fixture
def town(container):
    """Six enterprises and two persons; enterprise 3 has a record grading cannot read."""
    with container.transaction() as session:
        for n in range(1, 7):
            add_enterprise(session, n)
        for n in range(1, 3):
            add_person(session, n)
        add_record(session, ("enterprise", uscc(3)), "penalty", date(2026, 1, 5),  # type: ignore[arg-type]
                   "罚款五万元")
    return container


def test_a_run_counts_its_subjects_chunks_and_status(town):
    metrics.exposition()  # the metrics exist before the first run
    before = _snapshot("full_regrade")
    report = run_regrade(town, "full_regrade", "all", DAY, chunk_size=3)
    assert (report.regraded, report.failed) == (7, 1)
    assert _delta(before, _snapshot("full_regrade")) == {
        "graded": 7, "failed": 1, "with_failures": 1, "chunks": 3}


def test_a_run_that_fails_is_counted_failed(container, monkeypatch):
    with container.transaction() as session:
        add_enterprise(session, 1)
    before = _snapshot("full_regrade")

    def broken_plan(*_args, **_kwargs):
        raise RuntimeError("planning failed")

    monkeypatch.setattr("credit_engine.regrade.driver.plan_run", broken_plan)
    with pytest.raises(RuntimeError):
        run_regrade(container, "full_regrade", "all", DAY)
    assert _delta(before, _snapshot("full_regrade")) == {"failed_runs": 1}
    with container.session_factory() as session:
        assert session.query(JobRunRow).one().status == "failed"


def test_the_exporter_serves_this_process_metrics(town):
    run_regrade(town, "nightly_regrade", "all", DAY)
    port = free_port()
    server = metrics.start_exporter("127.0.0.1", port)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as answer:
            text = answer.read().decode()
    finally:
        server.shutdown()
        server.server_close()
    runs = 'credit_engine_regrade_runs_total{job="nightly_regrade",' \
           'status="completed_with_failures"} '
    [line] = [line for line in text.splitlines() if line.startswith(runs)]
    assert float(line.removeprefix(runs)) == _value("credit_engine_regrade_runs_total",
                                                     job="nightly_regrade",
                                                     status="completed_with_failures") >= 1
    assert 'credit_engine_regrade_subjects_total{outcome="graded"}' in text
    assert "credit_engine_regrade_chunk_duration_seconds_bucket" in text
