"""Exactly which jobs the scheduler registers, when, and how."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import column, select, table

from credit_engine.jobs import tasks
from credit_engine.jobs.registry import JOBS, MISFIRE_GRACE_SECONDS, register_jobs
from credit_engine.jobs.scheduler import JOBSTORE_TABLE, build_scheduler

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _registered():
    scheduler = BackgroundScheduler(timezone=SHANGHAI)
    register_jobs(scheduler, SHANGHAI)
    return scheduler, {job.id: job for job in scheduler.get_jobs()}


def test_exactly_these_jobs_are_registered_with_their_functions():
    _, jobs = _registered()
    assert {job_id: job.func for job_id, job in jobs.items()} == {
        "announcement_lifecycle": tasks.announcement_lifecycle,
        "full_regrade_on_new_ruleset": tasks.full_regrade_on_new_ruleset,
        "nightly_regrade": tasks.nightly_regrade,
        "audit_chain_verification": tasks.audit_chain_verification,
        "provisional_deadlines": tasks.provisional_deadlines,
        "statistics_snapshots": tasks.statistics_snapshots,
        "webhook_deliveries": tasks.webhook_deliveries,
    }


def test_jobs_run_daily_at_fixed_times_in_shanghai():
    _, jobs = _registered()
    after = datetime(2026, 3, 2, 12, 0, tzinfo=SHANGHAI)
    first_runs = {job_id: job.trigger.get_next_fire_time(None, after).strftime("%H:%M %Z")
                  for job_id, job in jobs.items() if job_id != "webhook_deliveries"}
    assert first_runs == {
        "announcement_lifecycle": "00:10 CST",
        "full_regrade_on_new_ruleset": "00:30 CST",
        "nightly_regrade": "01:30 CST",
        "audit_chain_verification": "04:00 CST",
        "provisional_deadlines": "00:05 CST",
        "statistics_snapshots": "04:30 CST",
    }


def test_webhook_deliveries_run_every_ten_seconds_all_day():
    _, jobs = _registered()
    after = datetime(2026, 3, 2, 12, 0, tzinfo=SHANGHAI)
    trigger = jobs["webhook_deliveries"].trigger
    first = trigger.get_next_fire_time(None, after)
    assert (trigger.get_next_fire_time(first, first) - first).total_seconds() == 10


def test_jobs_coalesce_run_one_at_a_time_and_tolerate_hours_of_delay():
    _, jobs = _registered()
    for job in jobs.values():
        assert (job.coalesce, job.max_instances) == (True, 1)
        assert job.misfire_grace_time == MISFIRE_GRACE_SECONDS >= 3600


def test_job_functions_are_importable_module_level_functions():
    # The job store keeps "module:function"; anything else is dropped after a restart.
    for spec in JOBS:
        assert spec.func.__module__ == "credit_engine.jobs.tasks"
        assert getattr(tasks, spec.func.__name__) is spec.func


def test_restarting_the_scheduler_replaces_stored_jobs_instead_of_duplicating(container):
    for _ in range(2):  # a start, then a restart on the same job store
        scheduler = build_scheduler(container, scheduler_class=BackgroundScheduler)
        scheduler.start(paused=True)
        scheduler.shutdown(wait=False)
    with container.engine.connect() as connection:
        stored = connection.execute(select(column("id")).select_from(table(JOBSTORE_TABLE))).scalars()
        assert sorted(stored) == sorted(spec.id for spec in JOBS)
