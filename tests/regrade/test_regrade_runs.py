"""Run claims, chunked full runs, resumption and run counts (in one process)."""

from __future__ import annotations

import socket
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, update

from credit_engine.cli import main
from credit_engine.regrade.chunk_execution import execute_chunk
from credit_engine.regrade.claims import (
    RunAlreadyDone, RunInProgress, claim_run, finish_run, owner_id,
)
from credit_engine.regrade.driver import run_regrade
from credit_engine.regrade.planning import plan_run
from credit_engine.storage.models import GradeRow, JobRunChunkRow, JobRunRow
from job_population import add_enterprise, add_person

DAY = date(2026, 3, 2)


@pytest.fixture
def ten_subjects(container):
    with container.transaction() as session:
        for n in range(1, 8):
            add_enterprise(session, n)
        for n in range(1, 4):
            add_person(session, n)


def _grades_on(container, day):
    with container.session_factory() as session:
        return session.execute(select(GradeRow.subject_type, GradeRow.subject_id, func.count())
                               .where(GradeRow.as_of == day)
                               .group_by(GradeRow.subject_type, GradeRow.subject_id)).all()


def test_full_run_grades_each_subject_once_in_chunks(container, ten_subjects):
    report = run_regrade(container, "full_regrade", "all", DAY, chunk_size=3)
    grades = _grades_on(container, DAY)
    assert len(grades) == 10 and all(count == 1 for *_, count in grades)
    assert (report.regraded, report.subjects, report.chunks) == (10, 10, 4)


def test_finished_run_stores_status_counts_and_duration(container, ten_subjects):
    run_regrade(container, "full_regrade", "all", DAY, chunk_size=4)
    with container.session_factory() as session:
        run = session.scalars(select(JobRunRow)).one()
    assert (run.status, run.mode, run.regraded, run.chunks_total) == ("succeeded", "all", 10, 3)
    assert run.finished_at is not None and run.duration_seconds > 0


def test_second_run_of_the_same_job_and_date_is_refused(container, ten_subjects):
    run_regrade(container, "full_regrade", "all", DAY)
    with pytest.raises(RunAlreadyDone):
        run_regrade(container, "full_regrade", "all", DAY)


def test_run_owned_by_a_live_process_is_not_taken_over(container):
    lease = container.settings.run_lease
    claim_run(container.session_factory, "nightly_regrade", DAY, "dirty", lease=lease)
    with pytest.raises(RunInProgress):
        claim_run(container.session_factory, "nightly_regrade", DAY, "dirty", lease=lease)


def _plan_and_do_first_chunk(container, chunk_size):
    claim = claim_run(container.session_factory, "full_regrade", DAY, "all",
                      lease=container.settings.run_lease)
    plan_run(container.session_factory, container.rulesets, claim, "all", chunk_size,
             margin=container.settings.dirty_margin)
    execute_chunk(container.session_factory, container.rulesets, claim.run_id, 1, "first",
                  calendar=container.calendar)
    return claim


def _kill_owner(container, claim):
    dead = f"{socket.gethostname()}:99999999"  # no such process id on Linux
    with container.transaction() as session:
        session.execute(update(JobRunRow).where(JobRunRow.id == claim.run_id).values(owner=dead))


def test_run_of_a_dead_owner_resumes_at_its_first_pending_chunk(container, ten_subjects):
    claim = _plan_and_do_first_chunk(container, chunk_size=3)
    _kill_owner(container, claim)
    report = run_regrade(container, "full_regrade", "all", DAY, chunk_size=3)
    with container.session_factory() as session:
        done_by = dict(session.execute(select(JobRunChunkRow.seq, JobRunChunkRow.done_by)).all())
    assert report.resumed and report.regraded == 10
    assert done_by[1] == "first" and {done_by[s] for s in (2, 3, 4)} == {owner_id()}


def test_failed_run_may_be_run_again(container, ten_subjects):
    claim = claim_run(container.session_factory, "full_regrade", DAY, "all",
                      lease=container.settings.run_lease)
    finish_run(container.session_factory, claim, "failed", 0.1, error="boom")
    report = run_regrade(container, "full_regrade", "all", DAY)
    assert report.resumed and report.regraded == 10


def test_chunk_already_done_is_skipped_not_graded_again(container, ten_subjects):
    claim = _plan_and_do_first_chunk(container, chunk_size=5)
    again = execute_chunk(container.session_factory, container.rulesets, claim.run_id, 1, "x",
                          calendar=container.calendar)
    assert again.skipped


def test_dirty_run_without_an_earlier_run_grades_everyone(container, ten_subjects):
    report = run_regrade(container, "nightly_regrade", "dirty", DAY)
    assert (report.mode, report.regraded) == ("all", 10)


def _cli(settings, *args):
    env = {"CREDIT_ENGINE_DATABASE_URL": settings.database_url}
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_regrade_command_runs_once_per_date_then_says_nothing_to_do(settings, container,
                                                                     ten_subjects):
    first = _cli(settings, "regrade", "--all", "--as-of", "2026-03-02", "--workers", "1",
                 "--chunk-size", "4")
    second = _cli(settings, "regrade", "--all", "--as-of", "2026-03-02", "--workers", "1")
    assert first.exit_code == 0 and "10 regraded" in first.output
    assert second.exit_code == 0 and "nothing to do" in second.output


def test_regrade_command_without_terminal_writes_json_progress_lines(settings, container,
                                                                     ten_subjects):
    result = _cli(settings, "regrade", "--all", "--as-of", "2026-03-02", "--workers", "1",
                  "--chunk-size", "5")
    assert result.output.count('"event": "regrade.progress"') == 2


def test_jobs_status_shows_the_run_with_counts(settings, container, ten_subjects):
    _cli(settings, "regrade", "--all", "--as-of", "2026-03-02", "--workers", "1")
    result = _cli(settings, "jobs", "status")
    line = next(l for l in result.output.splitlines() if "full_regrade" in l)
    assert "2026-03-02" in line and "succeeded" in line and " 10 " in line and "1/1" in line


def test_regrade_command_without_a_mode_is_the_nightly_incremental_run(settings, container,
                                                                      ten_subjects):
    result = _cli(settings, "regrade", "--as-of", "2026-03-02", "--workers", "1")
    assert result.exit_code == 0 and result.output.rstrip().splitlines()[-1].startswith(
        "nightly_regrade 2026-03-02")


def test_process_pool_executor_grades_each_subject_once(settings, container, ten_subjects):
    from credit_engine.regrade.worker_pool import ProcessPoolChunkExecutor

    report = run_regrade(container, "full_regrade", "all", DAY,
                         ProcessPoolChunkExecutor(settings, 2), chunk_size=2)
    grades = _grades_on(container, DAY)
    assert report.regraded == 10 and len(grades) == 10 and all(c == 1 for *_, c in grades)
