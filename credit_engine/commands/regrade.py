"""`credit-engine regrade [--all | --dirty] [--as-of DATE] [--workers N] [--executor local|celery]`."""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Any

import click

from credit_engine.commands.db import as_click_error, migrated_container
from credit_engine.errors import CreditEngineError
from credit_engine.regrade.claims import RunAlreadyDone, RunInProgress
from credit_engine.regrade.driver import run_regrade
from credit_engine.regrade.executors import make_executor
from credit_engine.regrade.outcomes import ChunkOutcome, RunReport
from credit_engine.regrade.planning import DEFAULT_CHUNK_SIZE, DIRTY, FULL
from credit_engine.validation.context import business_date_problem

# Manual runs share the scheduler's claims: `--dirty` on a date the nightly job ran (or is
# running) does nothing, and the nightly job will not repeat a manual `--dirty`.
JOB_FOR_MODE = {FULL: "full_regrade", DIRTY: "nightly_regrade"}
EXIT_IN_PROGRESS = 75  # EX_TEMPFAIL: try again later
EXIT_WITH_FAILURES = 3  # the run completed, some subjects could not be graded (jobs failures)


class Progress:
    """A progress bar on a terminal, one JSON line per chunk otherwise."""

    def __init__(self, job: str, business_date: date) -> None:
        self.job, self.business_date = job, business_date
        self.tty = sys.stderr.isatty()
        self.bar: Any = None
        self.subjects = 0

    def __call__(self, outcome: ChunkOutcome, done: int, total: int) -> None:
        self.subjects += 0 if outcome.skipped else outcome.size
        if self.tty:
            self._bar_update(done, total)
            return
        click.echo(json.dumps({
            "event": "regrade.progress", "job": self.job, "business_date": str(self.business_date),
            "chunk": outcome.seq, "chunks_done": done, "chunks_total": total,
            "subjects_done": self.subjects, "changed": outcome.counts.changed,
            "failed": outcome.counts.failed}), err=True)

    def _bar_update(self, done: int, total: int) -> None:
        from tqdm import tqdm

        if self.bar is None:
            self.bar = tqdm(total=total, initial=done - 1, unit="chunk", file=sys.stderr,
                            desc=f"{self.job} {self.business_date}")
        self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _summary(report: RunReport) -> str:
    return (f"{report.job} {report.business_date} (run {report.run_id}, {report.mode}"
            f"{', resumed' if report.resumed else ''}): {report.regraded} regraded, "
            f"{report.changed} changed, {report.announcements} announcements, "
            f"{report.chunks} chunks, {report.duration_seconds:.1f} s"
            + (f"; {report.failed} failed: credit-engine jobs failures {report.run_id}"
               if report.failed else ""))


@click.command()
@click.option("--all", "mode", flag_value=FULL, help="Regrade every subject.")
@click.option("--dirty", "mode", flag_value=DIRTY, default=True,
              help="Regrade only subjects that changed or whose grade is due (default).")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Business date (YYYY-MM-DD), not after today; default today in the "
                   "configured time zone.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes to spread chunks over; default the number of cores.")
@click.option("--chunk-size", type=click.IntRange(min=1), default=DEFAULT_CHUNK_SIZE,
              show_default=True, help="Subjects per chunk (one transaction each).")
@click.option("--executor", type=click.Choice(["local", "celery"]), default=None,
              help="Where chunks run: local worker processes, or Celery tasks on "
                   "`credit-engine worker` processes (CREDIT_ENGINE_BROKER_URL); default "
                   "CREDIT_ENGINE_EXECUTOR, else local.")
def regrade(mode: str, as_of: object, workers: int | None, chunk_size: int,
            executor: str | None) -> None:
    """Regrade subjects once per business date, resumably, with a progress bar."""
    container = migrated_container()
    today = container.settings.today()
    business_date = as_of.date() if as_of is not None else today  # type: ignore[attr-defined]
    if problem := business_date_problem(business_date, today):  # nothing graded for the future
        container.engine.dispose()
        raise click.BadParameter(problem, param_hint="'--as-of'")
    if executor == "celery" and not container.settings.broker_url:
        container.engine.dispose()
        raise click.BadParameter("the celery executor needs CREDIT_ENGINE_BROKER_URL (a "
                                 "redis:// URL)", param_hint="'--executor'")
    job = JOB_FOR_MODE[mode]
    progress = Progress(job, business_date)
    try:
        report = run_regrade(container, job, mode, business_date,
                             make_executor(container, workers, executor), chunk_size,
                             progress)
    except RunAlreadyDone as done:
        click.echo(f"nothing to do: {done.detail}")
        return
    except RunInProgress as busy:
        click.echo(f"not started: {busy.detail}", err=True)
        raise SystemExit(EXIT_IN_PROGRESS)
    except CreditEngineError as error:  # the run is recorded as failed; a rerun resumes it
        raise as_click_error(error) from None
    finally:
        progress.close()
        container.engine.dispose()
    click.echo(_summary(report))
    if report.failed:
        raise SystemExit(EXIT_WITH_FAILURES)
