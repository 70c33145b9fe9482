"""The real scheduler process: short intervals, the real job store, each job doing its work."""

from __future__ import annotations

import signal
import time
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, update

from credit_engine.cli import main
from credit_engine.services.audit import append_audit
from credit_engine.storage.models import AuditRow, GradeRow, JobRunRow
from job_population import add_enterprise, add_person, add_record, fine, uscc
from process_helpers import start, wait_until

pytestmark = pytest.mark.slow


@pytest.fixture
def shop(container):
    with container.transaction() as session:
        for n in (1, 2, 3):
            add_enterprise(session, n)
        add_person(session, 1)
        add_record(session, ("enterprise", uscc(1)), "penalty", date(2026, 1, 5), fine(5000))
        append_audit(session, "test", "record.ingest", "record:1", {"n": 1})
    return container


def _runs(container) -> dict[str, JobRunRow]:
    with container.session_factory() as session:
        today = container.settings.today()
        return {r.job: r for r in session.scalars(
            select(JobRunRow).where(JobRunRow.business_date == today))}


def _run_scheduler_until(container, settings, condition, what):
    process = start(settings.database_url, "scheduler", "--every", "1",
                    CREDIT_ENGINE_REGRADE_WORKERS="1")
    try:
        wait_until(lambda: condition() or process.poll() is not None, 90, what)
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    assert condition(), f"the scheduler stopped early ({process.returncode}): {err[-3000:]}"
    return process.returncode, err


def _all_done(container) -> bool:
    runs = _runs(container)
    wanted = ("nightly_regrade", "announcement_lifecycle", "audit_chain_verification")
    return all(job in runs and runs[job].status == "succeeded" for job in wanted)


def test_scheduler_runs_nightly_regrade_lifecycle_and_verification(shop, settings):
    code, err = _run_scheduler_until(shop, settings, lambda: _all_done(shop), "the three jobs")
    runs = _runs(shop)
    with shop.session_factory() as session:
        graded = session.scalar(select(func.count()).select_from(GradeRow)
                                .where(GradeRow.as_of == shop.settings.today()))
    assert code == 0, err
    assert graded == 4 and runs["nightly_regrade"].regraded == 4
    assert runs["audit_chain_verification"].detail["checked"] >= 1
    assert "full_regrade" not in runs  # no ruleset takes effect today


def test_scheduler_runs_each_job_once_per_day_however_often_it_fires(shop, settings):
    _run_scheduler_until(shop, settings, lambda: _all_done(shop), "the three jobs")
    with shop.session_factory() as session:
        attempts = session.execute(select(JobRunRow.job, JobRunRow.attempts)).all()
    assert all(count == 1 for _, count in attempts)


def _break_chain(container) -> None:
    with container.transaction() as session:
        session.execute(update(AuditRow).values(actor="intruder"))


def test_broken_audit_chain_fails_the_verification_run_with_an_error_log(shop, settings):
    _break_chain(shop)

    def failed() -> bool:
        run = _runs(shop).get("audit_chain_verification")
        return run is not None and run.status == "failed"

    code, err = _run_scheduler_until(shop, settings, failed, "a failed verification")
    assert code == 0
    assert "ERROR" in err and "audit chain broken" in err
    assert "content does not match" in _runs(shop)["audit_chain_verification"].error


def test_jobs_run_exits_non_zero_on_a_broken_audit_chain(shop, settings):
    _break_chain(shop)
    result = CliRunner().invoke(main, ["jobs", "run", "audit_chain_verification"],
                                env={"CREDIT_ENGINE_DATABASE_URL": settings.database_url})
    assert result.exit_code == 1 and "audit chain broken" in result.output


def test_two_scheduler_processes_run_each_job_once_per_day(shop, settings):
    processes = [start(settings.database_url, "scheduler", "--every", "1",
                       CREDIT_ENGINE_REGRADE_WORKERS="1") for _ in range(2)]
    try:
        wait_until(lambda: _all_done(shop), 90, "the three jobs")
        time.sleep(2.5)  # both schedulers fire every job twice more
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        errors = [p.communicate(timeout=60)[1] for p in processes]
    runs = _runs(shop)
    assert all(p.returncode == 0 for p in processes), errors
    assert {job: run.attempts for job, run in runs.items()} == {
        "nightly_regrade": 1, "announcement_lifecycle": 1, "audit_chain_verification": 1,
        "provisional_deadlines": 1, "statistics_snapshots": 1}
    assert runs["nightly_regrade"].regraded == 4
