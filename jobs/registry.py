"""Every scheduled job in one place: id, schedule and function (a test pins this list).

Times are wall-clock times in the configured time zone (Asia/Shanghai by default). The
order of the night: recount provisional objection deadlines, close objection windows, a
full regrade if a new ruleset takes effect today, the incremental regrade, then the
audit-chain check over everything the night wrote, which publishes the chain's head, then
the statistics of a month that has just closed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from credit_engine.jobs import tasks

# A job that could not start on time (scheduler down, machine asleep) still runs when
# the scheduler is back within this many seconds; APScheduler's default is 1 s.
MISFIRE_GRACE_SECONDS = 6 * 3600
# Webhook deliveries run all day: each run posts what is due and stops when nothing is.
WEBHOOK_SECONDS = 10.0


@dataclass(frozen=True)
class JobSpec:
    """A scheduled job: a fixed id, a daily time and the function it runs."""

    id: str
    func: Callable[[], Any]
    hour: int
    minute: int
    description: str
    every: float | None = None  # seconds: a job that runs all day long, not at hour:minute

    def trigger(self, timezone: tzinfo, every_seconds: float | None = None) -> BaseTrigger:
        """Daily at hour:minute (or every `self.every`), or every `every_seconds` (tests
        and demos)."""
        if every_seconds or self.every:
            return IntervalTrigger(seconds=every_seconds or self.every, timezone=timezone)
        return CronTrigger(hour=self.hour, minute=self.minute, timezone=timezone)


JOBS: tuple[JobSpec, ...] = (
    JobSpec("announcement_lifecycle", tasks.announcement_lifecycle, 0, 10,
            "close objection windows whose deadline has passed"),
    JobSpec("full_regrade_on_new_ruleset", tasks.full_regrade_on_new_ruleset, 0, 30,
            "regrade every subject on the day a new ruleset version takes effect"),
    JobSpec("nightly_regrade", tasks.nightly_regrade, 1, 30,
            "regrade subjects with new, revoked or repaired records or a grade falling due"),
    JobSpec("audit_chain_verification", tasks.audit_chain_verification, 4, 0,
            "recompute the audit hash chain and publish its head; error and failed run "
            "when broken"),
    JobSpec("provisional_deadlines", tasks.provisional_deadlines, 0, 5,
            "recount provisional objection deadlines with the current holiday schedules"),
    JobSpec("statistics_snapshots", tasks.statistics_snapshots, 4, 30,
            "store the statistics of each closed month's end the public trend shows"),
    JobSpec("webhook_deliveries", tasks.webhook_deliveries, 0, 0,
            "post the change feed to the webhook endpoints, retrying failed ones",
            every=WEBHOOK_SECONDS),
)


def job_by_id(job_id: str) -> JobSpec:
    """The registered job with this id."""
    for spec in JOBS:
        if spec.id == job_id:
            return spec
    raise KeyError(f"job {job_id!r} is not registered; known: {', '.join(j.id for j in JOBS)}")


def register_jobs(scheduler: Any, timezone: tzinfo, every_seconds: float | None = None) -> None:
    """Add (or replace) every job: one instance at a time, late runs coalesced into one."""
    for spec in JOBS:
        scheduler.add_job(
            spec.func, spec.trigger(timezone, every_seconds), id=spec.id, name=spec.description,
            replace_existing=True, coalesce=True, max_instances=1,
            misfire_grace_time=MISFIRE_GRACE_SECONDS)
