"""The dedicated scheduler process: APScheduler 3 with its job store in the service's database.

Never start this inside web workers: each gunicorn worker would run every job again.
"""

from __future__ import annotations

import logging
import signal
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from credit_engine.bootstrap import Container
from credit_engine.jobs import tasks
from credit_engine.jobs.registry import register_jobs

log = logging.getLogger(__name__)

JOBSTORE_TABLE = "apscheduler_jobs"


def build_scheduler(container: Container, every_seconds: float | None = None,
                    scheduler_class: type[BaseScheduler] = BlockingScheduler) -> BaseScheduler:
    """A scheduler over the service's database, in the configured time zone, jobs registered."""
    scheduler = scheduler_class(
        jobstores={"default": SQLAlchemyJobStore(engine=container.engine,
                                                 tablename=JOBSTORE_TABLE)},
        # Jobs are long and mostly one at a time; two threads let the short ones pass.
        executors={"default": ThreadPoolExecutor(2)},
        timezone=container.settings.tz,
    )
    tasks.use_container(container)
    register_jobs(scheduler, container.settings.tz, every_seconds)
    return scheduler


def run_scheduler(container: Container, every_seconds: float | None = None) -> None:
    """Run the jobs in the foreground until SIGTERM or SIGINT."""
    scheduler = build_scheduler(container, every_seconds)

    def stop(signum: int, _frame: FrameType | None) -> None:
        log.info("scheduler: signal %s, stopping after running jobs finish", signum)
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("scheduler: starting in %s", container.settings.timezone)
    scheduler.start()  # blocks until shutdown
    log.info("scheduler: stopped")
