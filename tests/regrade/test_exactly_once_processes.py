"""Exactly once per business date and resumable after SIGKILL, with real processes."""

from __future__ import annotations

import os
import signal
from datetime import date

import pytest
from sqlalchemy import func, select

from credit_engine.storage.models import AnnouncementRow, GradeRow, JobRunChunkRow, JobRunRow
from job_population import build_town
from process_helpers import start, wait_until

pytestmark = pytest.mark.slow
DAY = date(2026, 3, 2)
ENTERPRISES, PERSONS = 160, 40


@pytest.fixture
def town(container):
    """Subjects graded the day before; a third of the enterprises then suspended twice."""
    build_town(container, ENTERPRISES, PERSONS)
    return container


def _count(container, query):
    with container.session_factory() as session:
        return session.scalar(query)


def _chunks_done(container) -> int:
    return _count(container, select(func.count()).select_from(JobRunChunkRow).join(
        JobRunRow, JobRunRow.id == JobRunChunkRow.run_id).where(
        JobRunRow.business_date == DAY, JobRunChunkRow.status == "done"))


def _assert_every_subject_graded_once(container):
    with container.session_factory() as session:
        per_subject = session.execute(select(func.count()).where(GradeRow.as_of == DAY)
                                      .group_by(GradeRow.subject_type, GradeRow.subject_id)).scalars().all()
        run = session.scalars(select(JobRunRow).where(JobRunRow.business_date == DAY)).one()
        chunk_total = session.scalar(select(func.sum(JobRunChunkRow.regraded))
                                     .where(JobRunChunkRow.run_id == run.id))
    assert len(per_subject) == ENTERPRISES + PERSONS and set(per_subject) == {1}
    assert run.status == "succeeded" and run.regraded == chunk_total == ENTERPRISES + PERSONS
    return run


def _assert_announcements_once(container):
    with container.session_factory() as session:
        rows = session.execute(select(AnnouncementRow.subject_id, AnnouncementRow.type)
                               .where(AnnouncementRow.published_on == DAY)).all()
        changed = session.execute(select(GradeRow.subject_id, func.count(func.distinct(GradeRow.grade)))
                                  .where(GradeRow.as_of.in_((date(2026, 3, 1), DAY)))
                                  .group_by(GradeRow.subject_type, GradeRow.subject_id)).all()
    grade_changes = [r for r in rows if r.type == "grade_change"]
    assert len(rows) == len(set(rows))
    assert {r.subject_id for r in grade_changes} == {s for s, n in changed if n == 2}
    assert grade_changes, "the penalties should have changed some grades"


def test_two_processes_on_the_same_date_run_it_once(town, settings):
    args = ("regrade", "--dirty", "--as-of", DAY.isoformat(), "--workers", "1", "--chunk-size", "20")
    slow = {"CREDIT_ENGINE_REGRADE_PAUSE_SECONDS": "0.1"}
    first, second = start(settings.database_url, *args, **slow), start(settings.database_url, *args, **slow)
    outputs = [p.communicate(timeout=180) for p in (first, second)]
    codes = sorted(p.returncode for p in (first, second))
    assert codes == [0, 75], outputs
    run = _assert_every_subject_graded_once(town)
    assert run.attempts == 1
    assert _count(town, select(func.count(func.distinct(JobRunChunkRow.done_by)))
                  .where(JobRunChunkRow.run_id == run.id)) == 1


def _kill_mid_run(town, settings, workers: str) -> None:
    victim = start(settings.database_url, "regrade", "--all", "--as-of", DAY.isoformat(),
                   "--workers", workers, "--chunk-size", "20",
                   CREDIT_ENGINE_REGRADE_PAUSE_SECONDS="0.3")
    wait_until(lambda: _chunks_done(town) >= 2, 120, "two chunks to be done")
    os.killpg(victim.pid, signal.SIGKILL)  # the whole group: parent and pool workers
    victim.wait(timeout=30)
    assert victim.returncode == -signal.SIGKILL
    total = _count(town, select(JobRunRow.chunks_total).where(JobRunRow.business_date == DAY))
    assert 2 <= _chunks_done(town) < total, "the kill should land mid-run"


@pytest.mark.parametrize("workers", ["1", "2"])
def test_sigkill_mid_run_then_restart_completes_without_skips_or_repeats(town, settings, workers):
    _kill_mid_run(town, settings, workers)
    done_before = _chunks_done(town)
    again = start(settings.database_url, "regrade", "--all", "--as-of", DAY.isoformat(),
                  "--workers", workers, "--chunk-size", "20")
    out, err = again.communicate(timeout=180)
    assert again.returncode == 0, err
    assert "resumed" in out
    run = _assert_every_subject_graded_once(town)
    assert run.attempts == 2 and _chunks_done(town) == run.chunks_total > done_before
    _assert_announcements_once(town)
