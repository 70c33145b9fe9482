"""The Celery executor with real processes: a private redis-server, `credit-engine worker`s
and `credit-engine regrade --executor celery`; a worker SIGKILLed mid-run changes nothing,
a poisoned subject is recorded as failed."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from credit_engine.bootstrap import bootstrap
from credit_engine.config import Settings
from credit_engine.regrade.driver import run_regrade
from credit_engine.regrade.executors import SerialExecutor
from credit_engine.storage.models import (
    AnnouncementRow, GradeRow, JobRunChunkRow, JobRunRow, RegradeFailureRow,
)
from job_population import add_enterprise, add_person, add_record, build_town, uscc
from process_helpers import CLI, cli_env, start, wait_until

pytestmark = pytest.mark.slow
DAY = date(2026, 3, 2)
ENTERPRISES, PERSONS = 200, 40
VISIBILITY = "10"  # seconds: a killed worker's chunk is handed out again this soon


def _env(redis_url: str, **extra: str) -> dict[str, str]:
    return {"CREDIT_ENGINE_BROKER_URL": redis_url,
            "CREDIT_ENGINE_CELERY_VISIBILITY_SECONDS": VISIBILITY, **extra}


@contextmanager
def _workers(settings, redis_url: str, folder: Path, count: int,
             **extra: str) -> Iterator[list[subprocess.Popen[bytes]]]:
    """`count` real `credit-engine worker --concurrency 1`, each in its own process group,
    ready before this yields; SIGTERM (then SIGKILL) on the way out."""
    processes: list[subprocess.Popen[bytes]] = []
    logs = [folder / f"worker-{n}.log" for n in range(count)]
    with ExitStack() as stack:
        for log in logs:
            out = stack.enter_context(log.open("wb"))  # a file: a full pipe would block it
            processes.append(subprocess.Popen(
                CLI + ["worker", "--concurrency", "1"], cwd=folder, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True,
                env=cli_env(settings.database_url, **_env(redis_url, **extra))))
        try:
            for process, log in zip(processes, logs):
                wait_until(lambda: " ready." in log.read_text() or process.poll() is not None,
                           90, f"{log.name} to be ready")
                assert process.poll() is None, log.read_text()
            yield processes
        finally:
            for process in processes:
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=30)


def _grades(container) -> dict[tuple[str, str], str]:
    with container.session_factory() as session:
        return {(t, i): g for t, i, g in session.execute(
            select(GradeRow.subject_type, GradeRow.subject_id, GradeRow.grade)
            .where(GradeRow.as_of == DAY))}


def _serial_reference(tmp_path: Path, template: Path) -> dict[tuple[str, str], str]:
    """The same population graded by the serial executor, on a database of its own."""
    path = tmp_path / "reference.db"
    shutil.copyfile(template, path)
    reference = bootstrap(Settings(database_url=f"sqlite:///{path}"))
    try:
        build_town(reference, ENTERPRISES, PERSONS)
        run_regrade(reference, "full_regrade", "all", DAY, SerialExecutor(reference),
                    chunk_size=20)
        return _grades(reference)
    finally:
        reference.engine.dispose()


def _chunks_done(container) -> int:
    with container.session_factory() as session:
        return session.scalar(select(func.count()).select_from(JobRunChunkRow).join(
            JobRunRow, JobRunRow.id == JobRunChunkRow.run_id).where(
            JobRunRow.business_date == DAY, JobRunChunkRow.status == "done")) or 0


def test_a_worker_killed_mid_run_changes_nothing(container, settings, redis_url, tmp_path,
                                                 sqlite_migrated_template):
    build_town(container, ENTERPRISES, PERSONS)
    expected = _serial_reference(tmp_path, sqlite_migrated_template)
    slow = {"CREDIT_ENGINE_REGRADE_PAUSE_SECONDS": "0.5"}  # the kill must land mid-run
    with _workers(settings, redis_url, tmp_path, 2, **slow) as (victim, survivor):
        run = start(settings.database_url, "regrade", "--all", "--as-of", DAY.isoformat(),
                    "--executor", "celery", "--chunk-size", "20", **_env(redis_url))
        try:
            wait_until(lambda: _chunks_done(container) >= 3, 120, "three chunks to be done")
            os.killpg(victim.pid, signal.SIGKILL)  # the worker and its pool process
            victim.wait(timeout=30)
            assert _chunks_done(container) < 12, "the kill should land mid-run"
            out, err = run.communicate(timeout=240)
        finally:
            if run.poll() is None:
                os.killpg(run.pid, signal.SIGKILL)
                run.wait(timeout=30)
        assert survivor.poll() is None
    assert run.returncode == 0, (out, err[-3000:])
    with container.session_factory() as session:
        per_subject = session.execute(select(func.count()).where(GradeRow.as_of == DAY)
                                      .group_by(GradeRow.subject_type, GradeRow.subject_id)
                                      ).scalars().all()
        job = session.scalars(select(JobRunRow).where(JobRunRow.business_date == DAY)).one()
        announced = session.execute(select(AnnouncementRow.subject_id, AnnouncementRow.type)
                                    .where(AnnouncementRow.published_on == DAY)).all()
        workers = session.scalars(select(func.count(func.distinct(JobRunChunkRow.done_by)))
                                  .where(JobRunChunkRow.run_id == job.id)).one()
    assert len(per_subject) == ENTERPRISES + PERSONS and set(per_subject) == {1}
    assert (job.status, job.regraded) == ("succeeded", ENTERPRISES + PERSONS)
    assert workers == 2, "both workers graded chunks"
    assert len(announced) == len(set(announced)), "no announcement twice"
    assert _grades(container) == expected, "the same grades as the serial executor"
    assert "was delivered again" in err or "no worker finished" in err or (
        "running it again" in err), "the killed worker's chunk came back to the driver"
    assert [r for r in announced if r.type == "grade_change"], "some grades changed"


@pytest.fixture
def poisoned_town(container):
    """Eight enterprises and two persons; enterprise 5 has a record grading cannot read."""
    with container.transaction() as session:
        for n in range(1, 9):
            add_enterprise(session, n)
        for n in range(1, 3):
            add_person(session, n)
        add_record(session, ("enterprise", uscc(5)), "penalty", date(2026, 1, 5), "罚款五万元")  # type: ignore[arg-type]
    return container


def test_a_poisoned_subject_is_recorded_failed_under_celery(poisoned_town, settings, redis_url,
                                                             tmp_path):
    with _workers(settings, redis_url, tmp_path, 1):
        run = start(settings.database_url, "regrade", "--all", "--as-of", DAY.isoformat(),
                    "--executor", "celery", "--chunk-size", "3", **_env(redis_url))
        out, err = run.communicate(timeout=240)
    assert run.returncode == 3, (out, err[-3000:])
    assert "9 regraded" in out and "1 failed" in out
    with poisoned_town.session_factory() as session:
        job = session.scalars(select(JobRunRow).where(JobRunRow.business_date == DAY)).one()
        [(ident, error)] = session.execute(select(RegradeFailureRow.subject_id,
                                                  RegradeFailureRow.error)).all()
    assert job.status == "completed_with_failures"
    assert ident == uscc(5) and error.startswith("AttributeError")


def test_celery_without_a_broker_stops_at_start_naming_the_variable(settings):
    from credit_engine.config import InvalidSettings

    with pytest.raises(InvalidSettings, match="CREDIT_ENGINE_EXECUTOR.*CREDIT_ENGINE_BROKER_URL"):
        Settings.from_env({"CREDIT_ENGINE_EXECUTOR": "celery"})
    with pytest.raises(InvalidSettings, match="CREDIT_ENGINE_BROKER_URL"):
        Settings.from_env({"CREDIT_ENGINE_BROKER_URL": "http://127.0.0.1:6379"})
    process = start(settings.database_url, "regrade", "--all", "--executor", "celery")
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2 and "CREDIT_ENGINE_BROKER_URL" in err
