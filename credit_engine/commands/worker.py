"""`credit-engine worker [--concurrency N] [--queue regrade|webhooks]`: a Celery worker
running regrade chunks and webhook delivery runs.

It runs in the foreground on the same settings as every command (the database, the
rulesets, CREDIT_ENGINE_BROKER_URL) and grades the chunks `credit-engine regrade
--executor celery` (or the scheduler with CREDIT_ENGINE_EXECUTOR=celery) sends, with
`--concurrency` worker processes (default: one per core), and the webhook delivery runs
the scheduler queues under the Celery executor. `--queue webhooks` makes a worker that only
delivers (never held up by a long full regrade). Any number of them may run on any number
of machines sharing the database and the broker (docs/distributed-regrade.md).
"""

from __future__ import annotations

import os

import click

from credit_engine.commands.db import migrated_container
from credit_engine.config import Settings


@click.command()
@click.option("--concurrency", type=click.IntRange(min=1), default=None,
              help="Processes grading chunks at once; default the number of cores.")
@click.option("--loglevel", type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]),
              default="INFO", show_default=True, help="Celery's log level.")
@click.option("--queue", "queues", type=click.Choice(["regrade", "webhooks"]), multiple=True,
              help="Take tasks of this queue only (repeatable); default both: regrade "
                   "chunks and webhook delivery runs.")
def worker(concurrency: int | None, loglevel: str, queues: tuple[str, ...]) -> None:
    """Run a Celery worker for distributed regrade runs and webhook deliveries, in the
    foreground."""
    settings = Settings.from_env()
    if not settings.broker_url:
        raise click.ClickException("CREDIT_ENGINE_BROKER_URL is not set: a worker needs the "
                                   "Redis broker (a redis:// URL)")
    migrated_container().engine.dispose()  # the schema must be at head; no engine is forked
    # Imported here: Celery is the `distributed` extra.
    from credit_engine.regrade.celery_app import QUEUES, make_celery_app
    from credit_engine.regrade.executors import default_workers

    app = make_celery_app(settings)
    app.worker_main(argv=[
        "worker", f"--loglevel={loglevel}", "--pool=prefork",
        "--queues=" + ",".join(QUEUES[name] for name in dict.fromkeys(queues or QUEUES)),
        f"--concurrency={concurrency or default_workers()}",
        f"--hostname=credit-engine-{os.getpid()}@%h",
        "--without-gossip", "--without-mingle", "--without-heartbeat"])
