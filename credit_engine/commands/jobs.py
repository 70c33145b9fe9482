"""`credit-engine jobs status|failures|list|run` and `credit-engine scheduler`."""

from __future__ import annotations

import json
import logging
from datetime import timezone

import click

from credit_engine.commands.db import migrated_container
from credit_engine.services.runs import DONE_STATUSES, RunAlreadyDone, RunInProgress, recent_runs
from credit_engine.storage.models import JobRunRow, RegradeFailureRow

COLUMNS = ("id", "job", "business_date", "mode", "status", "subjects", "regraded", "changed",
           "announcements", "failed", "chunks", "duration_s", "attempts", "owner")
EXIT_WITH_FAILURES = 3  # as `credit-engine regrade`: completed, some subjects failed


@click.group()
def jobs() -> None:
    """Scheduled jobs and their runs."""


def _run_view(row: JobRunRow, totals: dict[str, int]) -> dict[str, object]:
    # A run still going shows what its done chunks add up to so far.
    counts = totals if row.status not in DONE_STATUSES else {
        "regraded": row.regraded, "changed": row.changed, "announcements": row.announcements}
    return {"id": row.id, "job": row.job, "business_date": row.business_date.isoformat(),
            "mode": row.mode, "status": row.status, "subjects": row.subjects_total,
            "regraded": counts["regraded"], "changed": counts["changed"],
            "announcements": counts["announcements"], "failed": totals["failed"],
            "chunks": f"{totals['chunks_done']}/{row.chunks_total}", "duration_s": round(row.duration_seconds or 0.0, 1),
            "attempts": row.attempts, "owner": row.owner,
            "started_at": row.started_at.isoformat(),
            "finished_at": row.finished_at.isoformat() if row.finished_at else None,
            "detail": row.detail, "error": row.error}


@jobs.command()
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--job", "job_id", default=None, help="Only runs of this job.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def status(limit: int, job_id: str | None, as_json: bool) -> None:
    """The latest runs: status, counts, chunks done and duration."""
    from credit_engine.services.regrade_runs import run_totals

    container = migrated_container()
    try:
        with container.session_factory() as session:
            rows = recent_runs(session, limit, job_id)
            views = [_run_view(r, run_totals(session, r.id)) for r in rows]
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
    from sqlalchemy import select

    container = migrated_container()
    try:
        with container.session_factory() as session:
            if session.get(JobRunRow, run_id) is None:
                raise click.BadParameter(f"no run with id {run_id}", param_hint="RUN_ID")
            rows = session.execute(
                select(RegradeFailureRow.subject_type, RegradeFailureRow.subject_id,
                       RegradeFailureRow.error, RegradeFailureRow.at)
                .where(RegradeFailureRow.run_id == run_id).order_by(RegradeFailureRow.id)).all()
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
    try:
        run_scheduler(container, every_seconds)
    finally:
        container.engine.dispose()
