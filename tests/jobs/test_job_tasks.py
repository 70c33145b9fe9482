"""The job functions, called as the scheduler calls them (no arguments, today's date)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from credit_engine.jobs import tasks
from credit_engine.regrade.driver import run_regrade
from credit_engine.storage.models import JobRunRow
from job_population import add_enterprise, add_person


class RulesetsTakingEffect:
    """The real registry, with extra effective dates (a new version published)."""

    def __init__(self, real, *dates):
        self.real, self.effective_dates = real, tuple(sorted(set(real.effective_dates) | set(dates)))

    def __getattr__(self, name):
        return getattr(self.real, name)


@pytest.fixture
def jobs_container(container, monkeypatch):
    monkeypatch.setattr(container, "settings", container.settings.replace(
        regrade_workers=1, dirty_margin_seconds=0))
    with container.transaction() as session:
        for n in (1, 2, 3):
            add_enterprise(session, n)
        add_person(session, 1)
    tasks.use_container(container)
    yield container
    tasks.use_container(None)


def _new_ruleset_on(container, day):
    container.__dict__["rulesets"] = RulesetsTakingEffect(container.rulesets, day)


def _runs(container):
    with container.session_factory() as session:
        return {r.job: r for r in session.scalars(select(JobRunRow))}


def test_full_regrade_job_does_nothing_on_an_ordinary_day(jobs_container):
    assert tasks.full_regrade_on_new_ruleset() is None
    assert "full_regrade" not in _runs(jobs_container)


def test_full_regrade_job_regrades_everyone_on_a_new_ruleset_s_first_day(jobs_container):
    _new_ruleset_on(jobs_container, jobs_container.settings.today())
    report = tasks.full_regrade_on_new_ruleset()
    assert (report.mode, report.regraded) == ("all", 4)


def test_nightly_run_turns_full_when_a_ruleset_took_effect_since_the_last_run(jobs_container):
    today = jobs_container.settings.today()
    run_regrade(jobs_container, "nightly_regrade", "dirty", today - timedelta(days=3))
    _new_ruleset_on(jobs_container, today - timedelta(days=1))
    report = tasks.nightly_regrade()
    assert (report.mode, report.regraded) == ("all", 4)


def test_nightly_run_after_a_full_run_the_same_day_stays_incremental(jobs_container):
    today = jobs_container.settings.today()
    run_regrade(jobs_container, "nightly_regrade", "dirty", today - timedelta(days=3))
    _new_ruleset_on(jobs_container, today)
    tasks.full_regrade_on_new_ruleset()
    report = tasks.nightly_regrade()
    assert (report.mode, report.regraded) == ("dirty", 0)


def test_nightly_job_twice_the_same_day_runs_once(jobs_container):
    assert tasks.nightly_regrade() is not None
    assert tasks.nightly_regrade() is None


def test_lifecycle_job_records_its_run_once_per_day(jobs_container):
    tasks.announcement_lifecycle()
    tasks.announcement_lifecycle()
    run = _runs(jobs_container)["announcement_lifecycle"]
    assert (run.status, run.attempts, run.mode) == ("succeeded", 1, "task")


def test_verification_job_records_how_many_entries_it_checked(jobs_container):
    detail = tasks.audit_chain_verification()
    assert detail["checked"] == _runs(jobs_container)["audit_chain_verification"].detail["checked"]
