"""`credit-engine jobs status|failures|list|run` and `credit-engine scheduler`."""

from __future__ import annotations

import json
import logging
from datetime import timezone

import click

from credit_engine.commands.db import migrated_container
from credit_engine.regrade.claims import RunAlreadyDone, RunInProgress, recent_run_views

COLUMNS = ("id", "job", "business_date", "mode", "status", "subjects", "regraded", "changed",
           "announcements", "failed", "chunks", "duration_s", "attempts", "owner")
EXIT_WITH_FAILURES = 3  # as `credit-engine regrade`: completed, some subjects failed


@click.group()
def jobs() -> None:
    """Scheduled jobs and their runs."""


@jobs.command()
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--job", "job_id", default=None, help="Only runs of this job.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def status(limit: int, job_id: str | None, as_json: bool) -> None:
    """The latest runs: status, counts, chunks done and duration."""
    container = migrated_container()
    try:
        with container.session_factory() as session:
            views = recent_run_views(session, limit, job_id)
    finally:
        container.engine.dispose()
    if as_json:
        for view in views:
            click.echo(json.dumps(view, ensure_ascii=False))
        return
    if not views:
        click.echo("no runs yet")
        return
    table = [COLUMNS] + [tuple(str(v[c]) for c in COLUMNS) for v in views]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
    for line in table:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip())
    for view in views:
        if view["error"]:
            click.echo(f"run {view['id']} ({view['job']}): {view['error']}")


@jobs.command()
@click.argument("run_id", type=click.IntRange(min=1))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def failures(run_id: int, as_json: bool) -> None:
    """The subjects run RUN_ID could not grade, and why (the next nightly run retries them)."""
    from credit_engine.errors import NotFound
    from credit_engine.services.run_failures import failures_of_run

    container = migrated_container()
    try:
        with container.session_factory() as session:
            try:
                found = failures_of_run(session, run_id)
            except NotFound as missing:
                raise click.BadParameter(missing.detail, param_hint="RUN_ID") from None
            rows = [(f.subject_type, f.subject_id, f.error, f.at) for f in found]
    finally:
        container.engine.dispose()
    for kind, ident, error, at in rows:
        if as_json:
            at = at if at.tzinfo else at.replace(tzinfo=timezone.utc)  # SQLite: naive UTC
            click.echo(json.dumps({"subject": {"type": kind, "id": ident}, "error": error,
                                   "at": at.isoformat()}, ensure_ascii=False))
        else:
            click.echo(f"{kind}:{ident}  {error}")
    if not rows and not as_json:
        click.echo(f"run {run_id}: no failed subjects")


@jobs.command(name="list")
def list_jobs() -> None:
    """The registered jobs and their daily times."""
    from credit_engine.jobs.registry import JOBS

    for spec in JOBS:
        click.echo(f"{spec.id:30} {spec.hour:02d}:{spec.minute:02d}  {spec.description}")


@jobs.command()
@click.argument("job_id")
def run(job_id: str) -> None:
    """Run one registered job now, for today; exit 1 if it fails."""
    from credit_engine.jobs import tasks
    from credit_engine.jobs.registry import job_by_id

    try:
        spec = job_by_id(job_id)
    except KeyError as unknown:
        raise click.BadParameter(str(unknown.args[0]), param_hint="JOB_ID") from None
    container = migrated_container()
    tasks.use_container(container)
    try:
        result = spec.func()
    except (RunAlreadyDone, RunInProgress) as skipped:
        click.echo(skipped.detail)
        return
    except Exception as error:
        click.echo(f"{job_id} failed: {error}", err=True)
        raise SystemExit(1)
    finally:
        tasks.use_container(None)
        container.engine.dispose()
    click.echo(f"{job_id}: {result if result is not None else 'nothing to do'}")
    if getattr(result, "failed", 0):  # a regrade run that completed with failures
        raise SystemExit(EXIT_WITH_FAILURES)


@click.command()
@click.option("--every", "every_seconds", type=click.FloatRange(min=0.1), default=None,
              help="Run every job every N seconds instead of its daily time (tests, demos).")
def scheduler(every_seconds: float | None) -> None:
    """Run the scheduled jobs in the foreground (one dedicated process, never in web workers)."""
    from credit_engine.jobs.scheduler import run_scheduler

    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    container = migrated_container()
    if container.settings.metrics_port is not None:  # docs/operations.md, Metrics and logs
        from credit_engine.metrics import start_exporter

        start_exporter(container.settings.metrics_host, container.settings.metrics_port)
    try:
        run_scheduler(container, every_seconds)
    finally:
        container.engine.dispose()
