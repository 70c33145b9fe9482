"""`credit-engine serve`: the API and the public page under gunicorn (never Flask's dev server)."""

from __future__ import annotations

import importlib
import shutil
import tempfile
from collections.abc import Callable
from typing import Any

import click
from gunicorn.app.base import BaseApplication

from credit_engine.commands.access_log import JsonLogger, RedactingLogger
from credit_engine.config import Settings, variable_name


class GunicornServer(BaseApplication):  # type: ignore[misc]
    """gunicorn run from Python; each worker builds its own app (and engine) after the fork."""

    def __init__(self, app_factory: Callable[[], Any], options: dict[str, Any]) -> None:
        self.app_factory = app_factory
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self.app_factory()


def make_app() -> Any:
    """The WSGI app from the environment's settings (gunicorn's factory)."""
    from credit_engine.api.app import create_app
    from credit_engine.logging_setup import configure_logging

    settings = Settings.from_env()
    configure_logging(settings.log_format)  # the app's own lines, as gunicorn's
    return create_app(settings)


def metrics_options(folder: str) -> dict[str, Any]:
    """gunicorn settings for prometheus_client's multiprocess mode over `folder`: every
    worker writes its values there (PROMETHEUS_MULTIPROC_DIR, set by gunicorn before the
    first fork) and a scrape of any worker merges them (docs/operations.md)."""
    def child_exit(_server: Any, worker: Any) -> None:
        from credit_engine.metrics import worker_exited

        worker_exited(worker.pid, folder)

    return {"raw_env": [f"PROMETHEUS_MULTIPROC_DIR={folder}"], "child_exit": child_exit}


def _check_data_key(settings: Settings) -> None:
    """Stop before any worker starts when the data-key file is not the database's."""
    from credit_engine.bootstrap import bootstrap
    from credit_engine.commands.db import data_key_problem

    container = bootstrap(settings)
    try:
        problem = data_key_problem(container)
    finally:
        container.engine.dispose()
    if problem:
        raise click.ClickException(problem)


def bind_address(host: str, port: int) -> str:
    """gunicorn's bind string; IPv6 literals need brackets."""
    return f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"


def _load_demo(settings: Settings) -> None:
    from credit_engine.bootstrap import bootstrap

    try:
        demo = importlib.import_module("credit_engine.services.demo")
    except ModuleNotFoundError as error:
        raise click.ClickException("--demo: the demo population is not available "
                                   f"in this build ({error.name}).") from None
    container = bootstrap(settings)
    try:
        summary = demo.load_demo(container)
        click.echo(f"Demo population: {summary.population} "
                   f"({'already loaded' if summary.already_loaded else 'loaded now'}).")
        graded = demo.regrade_demo(container)
        click.echo(f"Demo grades: {graded} gradings over the last year, stored.")
    finally:
        container.engine.dispose()  # no connection may cross gunicorn's fork


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="gunicorn worker processes.")
@click.option("--demo", is_flag=True, help="Load the demo population first (idempotent).")
def serve(host: str, port: int, workers: int, demo: bool) -> None:
    """Run the HTTP API, the OpenAPI docs and the public page."""
    settings = Settings.from_env()
    if workers > 1 and settings.rate_limit_storage_uri.startswith("memory://"):
        raise click.BadParameter(
            "memory:// counts per worker, so the rate limits would not hold: set "
            f"{variable_name('rate_limit_storage')} to a shared storage (an sqlite:/// "
            "file, redis://…) or serve with --workers 1.", param_hint="--workers")
    if settings.is_sqlite:  # the embedded default needs no separate `db upgrade`
        from credit_engine.commands.db import upgrade_embedded

        upgrade_embedded(settings.database_url)
    _check_data_key(settings)
    if demo:
        _load_demo(settings)
    url_host = f"[{host}]" if ":" in host else host
    click.echo(f"credit-engine listening on http://{url_host}:{port}/ "
               f"(API docs at /docs, OpenAPI at /openapi.json"
               f"{', metrics at /metrics' if settings.metrics else ''})", nl=True)
    options = {"bind": bind_address(host, port), "workers": workers, "accesslog": "-",
               "errorlog": "-", "timeout": 120, "graceful_timeout": 20,
               "proc_name": "credit-engine",  # no query secret in the access log:
               "logger_class": JsonLogger if settings.log_format == "json" else RedactingLogger}
    # A fresh folder per start (old values would add up), removed when gunicorn ends.
    folder = tempfile.mkdtemp(prefix="credit-engine-metrics-") if settings.metrics else None
    try:
        GunicornServer(make_app, {**options, **(metrics_options(folder) if folder else {})}
                       ).run()
    finally:
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
