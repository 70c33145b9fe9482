"""Prometheus metrics of the service (docs/operations.md, Metrics and logs).

HTTP requests (counted and timed per URL rule, not raw path, and status) and regrade runs
(runs by status, subjects graded and failed, chunk duration). `prometheus_client` is
imported on first use, never at import time: it chooses between in-memory and
multiprocess values when it is imported, and `credit-engine serve` sets
PROMETHEUS_MULTIPROC_DIR (through gunicorn's `raw_env`) only when gunicorn starts, so
the workers forked after that must be the first to import it.

Under `serve` every worker writes its values to files in that directory and a scrape
merges them (`exposition`); any other process keeps them in memory and exports them only
when told to (`start_exporter`, the scheduler with CREDIT_ENGINE_METRICS_PORT).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

PREFIX = "credit_engine"
UNMATCHED = "[unmatched]"  # the endpoint label of a path no URL rule matches
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
CHUNK_BUCKETS = (0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0)


@dataclass(frozen=True)
class _Metrics:
    requests: Any
    latency: Any
    runs: Any
    subjects: Any
    chunk_seconds: Any
    webhook_backlog: Any


_metrics: _Metrics | None = None


def _get() -> _Metrics:
    """The metrics, made on first use in this process."""
    global _metrics
    if _metrics is None:
        from prometheus_client import Counter, Gauge, Histogram

        _metrics = _Metrics(
            requests=Counter(f"{PREFIX}_http_requests", "HTTP requests answered",
                             ["method", "endpoint", "status"]),
            latency=Histogram(f"{PREFIX}_http_request_duration_seconds",
                              "Time to answer an HTTP request",
                              ["method", "endpoint", "status"], buckets=LATENCY_BUCKETS),
            runs=Counter(f"{PREFIX}_regrade_runs", "Regrade runs ended, by status",
                         ["job", "status"]),
            subjects=Counter(f"{PREFIX}_regrade_subjects",
                             "Subjects of regrade runs, graded or failed", ["outcome"]),
            chunk_seconds=Histogram(f"{PREFIX}_regrade_chunk_duration_seconds",
                                    "Time to grade and store one chunk",
                                    buckets=CHUNK_BUCKETS),
            webhook_backlog=Gauge(f"{PREFIX}_webhook_backlog",
                                  "Change-feed items not yet delivered, per webhook endpoint",
                                  ["endpoint"], multiprocess_mode="mostrecent"))
    return _metrics


def observe_request(method: str, endpoint: str, status: int, seconds: float) -> None:
    """One answered HTTP request; `endpoint` is the URL rule (or UNMATCHED)."""
    metrics = _get()
    labels = {"method": method, "endpoint": endpoint, "status": str(status)}
    metrics.requests.labels(**labels).inc()
    metrics.latency.labels(**labels).observe(seconds)


def regrade_run_ended(job: str, status: str) -> None:
    """A regrade run ended with `status` (succeeded, completed_with_failures, failed)."""
    _get().runs.labels(job=job, status=status).inc()


def regrade_subjects(graded: int, failed: int) -> None:
    """Subjects of a finished chunk: graded, and recorded as failed."""
    metrics = _get()
    if graded:
        metrics.subjects.labels(outcome="graded").inc(graded)
    if failed:
        metrics.subjects.labels(outcome="failed").inc(failed)


_backlog_endpoints: set[str] = set()  # the endpoints this process has set a backlog for


def webhook_backlog(by_endpoint: dict[str, int]) -> None:
    """The webhook backlog as just counted in the database; an endpoint removed since the
    last count shows 0 (a labelled gauge cannot be cleared in multiprocess mode)."""
    gauge = _get().webhook_backlog
    for endpoint in _backlog_endpoints - by_endpoint.keys():
        gauge.labels(endpoint=endpoint).set(0)
    for endpoint, count in by_endpoint.items():
        gauge.labels(endpoint=endpoint).set(count)
    _backlog_endpoints.clear()
    _backlog_endpoints.update(by_endpoint)


@contextmanager
def chunk_timer() -> Iterator[None]:
    """Observe the duration of the chunk graded inside the block (errors included)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        _get().chunk_seconds.observe(time.perf_counter() - started)


def _is_multiprocess() -> bool:
    from prometheus_client import values

    return bool(getattr(values.ValueClass, "_multiprocess", False))


def exposition() -> tuple[bytes, str]:
    """Every metric of this process, or of every worker under `serve`, in the Prometheus
    text format: (body, content type)."""
    _get()  # declared, so a scrape before the first request still lists them
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
    from prometheus_client.multiprocess import MultiProcessCollector

    if _is_multiprocess():
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def worker_exited(pid: int, folder: str) -> None:
    """gunicorn's child_exit: the bookkeeping prometheus_client asks for a dead worker
    (its counters stay: they are totals)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(pid, folder)


def start_exporter(host: str, port: int) -> Any:
    """Serve this process's metrics on http://host:port/metrics from a daemon thread; the
    server (its `shutdown()` stops it)."""
    _get()
    from prometheus_client import start_http_server

    server, _thread = start_http_server(port, addr=host)
    return server
