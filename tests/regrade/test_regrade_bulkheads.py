"""One bad subject never stops a regrade run: it is recorded as failed, the others are
graded, the run ends `completed_with_failures`, and the next nightly run tries it again."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from credit_engine.domain.model import SubjectRef
from credit_engine.regrade.chunk_failures import split_chunk
from credit_engine.regrade.chunk_rows import chunk_subjects
from credit_engine.regrade.claims import RunAlreadyDone, claim_run
from credit_engine.regrade.driver import run_regrade
from credit_engine.regrade.planning import plan_run
from credit_engine.services import grading
from credit_engine.services.grading import SubjectFailure, regrade_subjects
from credit_engine.storage.models import (
    GradeRow, JobRunChunkRow, JobRunRow, RecordRow, RegradeFailureRow,
)
from job_population import add_enterprise, add_person, add_record, fine, uscc
from process_helpers import start

DAY = date(2026, 3, 2)
POISONED = uscc(5)
# Legacy data as it may arrive from a source system: a penalty whose details are no object.
POISON = "罚款五万元"


@pytest.fixture
def town(container):
    """Eight enterprises and two persons; enterprise 5 has a record grading cannot read."""
    with container.transaction() as session:
        for n in range(1, 9):
            add_enterprise(session, n)
        for n in range(1, 3):
            add_person(session, n)
        add_record(session, ("enterprise", POISONED), "penalty", date(2026, 1, 5), POISON)  # type: ignore[arg-type]
    return container


def _graded_on(container, day):
    with container.session_factory() as session:
        return {(t, i) for t, i in session.execute(
            select(GradeRow.subject_type, GradeRow.subject_id).where(GradeRow.as_of == day))}


def _failures(container, run_id):
    with container.session_factory() as session:
        return session.execute(select(RegradeFailureRow.subject_type, RegradeFailureRow.subject_id,
                                      RegradeFailureRow.error)
                               .where(RegradeFailureRow.run_id == run_id)).all()


def test_a_subject_whose_grading_raises_is_recorded_and_every_other_subject_graded(town):
    report = run_regrade(town, "full_regrade", "all", DAY, chunk_size=4)
    with town.session_factory() as session:
        run = session.get(JobRunRow, report.run_id)
        chunks = session.scalars(select(JobRunChunkRow.status)).all()
    assert (report.failed, report.regraded, run.status) == (1, 9, "completed_with_failures")
    assert set(chunks) == {"done"}
    assert len(_graded_on(town, DAY)) == 9 and ("enterprise", POISONED) not in _graded_on(town, DAY)
    [(kind, ident, error)] = _failures(town, report.run_id)
    assert (kind, ident) == ("enterprise", POISONED) and error.startswith("AttributeError")


def test_a_run_completed_with_failures_is_not_run_again_on_the_same_date(town):
    run_regrade(town, "full_regrade", "all", DAY)
    with pytest.raises(RunAlreadyDone, match="completed with failures"):
        run_regrade(town, "full_regrade", "all", DAY)


def test_the_next_nightly_runs_retry_a_failed_subject_until_it_grades(town, monkeypatch):
    # only what changed since
    monkeypatch.setattr(town, "settings", town.settings.replace(dirty_margin_seconds=0))
    first = run_regrade(town, "nightly_regrade", "dirty", DAY)
    second = run_regrade(town, "nightly_regrade", "dirty", DAY + timedelta(days=1))
    assert (first.mode, first.failed) == ("all", 1)
    assert (second.mode, second.subjects, second.failed) == ("dirty", 1, 1)
    with town.transaction() as session:  # an operator repairs the legacy row in place
        session.execute(update(RecordRow).where(RecordRow.enterprise_uscc == POISONED)
                        .values(details=fine(50000)))
    third = run_regrade(town, "nightly_regrade", "dirty", DAY + timedelta(days=2))
    fourth = run_regrade(town, "nightly_regrade", "dirty", DAY + timedelta(days=3))
    assert (third.subjects, third.regraded, third.failed) == (1, 1, 0)
    assert ("enterprise", POISONED) in _graded_on(town, DAY + timedelta(days=2))
    assert fourth.subjects == 0, "a subject that graded is not retried again"


def test_a_subject_whose_storing_fails_is_isolated_and_the_chunk_stays_one_transaction(
        town, monkeypatch):
    real_store = grading._store

    def store(session, existing, result, data, *rest):
        if result.subject.id == uscc(2):
            raise ValueError("cannot store this one")
        real_store(session, existing, result, data, *rest)

    monkeypatch.setattr(grading, "_store", store)
    report = run_regrade(town, "full_regrade", "all", DAY, chunk_size=10)
    assert (report.regraded, report.failed) == (8, 2)
    failed = {(i, e.split(":")[0]) for _, i, e in _failures(town, report.run_id)}
    assert failed == {(uscc(2), "ValueError"), (POISONED, "AttributeError")}
    assert len(_graded_on(town, DAY)) == 8


def test_subject_savepoints_leave_the_chunk_transaction_open_until_it_commits(town):
    subjects = [SubjectRef("enterprise", uscc(n)) for n in range(1, 9)]
    failures: list[SubjectFailure] = []
    with pytest.raises(RuntimeError):
        with town.transaction(lock_now=True) as session:
            regrade_subjects(session, town.rulesets, subjects, DAY, "test",
                             calendar=town.calendar, failures=failures, savepoints=True)
            raise RuntimeError("the chunk fails after its subjects were stored")
    assert [f.subject.id for f in failures] == [POISONED]
    assert _graded_on(town, DAY) == set(), "a released SAVEPOINT must not commit the chunk"


def _planned(container, chunk_size, mode="all"):
    claim = claim_run(container.session_factory, "full_regrade", DAY, mode,
                      lease=container.settings.run_lease)
    plan_run(container.session_factory, container.rulesets, claim, mode, chunk_size,
             margin=container.settings.dirty_margin)
    return claim


def _chunks(container, run_id):
    with container.session_factory() as session:
        rows = session.scalars(select(JobRunChunkRow).where(JobRunChunkRow.run_id == run_id)
                               .order_by(JobRunChunkRow.seq)).all()
        return [(r.seq, r.size, r.upto_key, chunk_subjects(session, r)) for r in rows]


def test_splitting_a_key_range_chunk_keeps_every_subject_once_and_the_open_end_open(town):
    claim = _planned(town, chunk_size=6)  # chunks: 6 subjects, then the open-ended 4
    before = [s for *_, subjects in _chunks(town, claim.run_id) for s in subjects]
    assert split_chunk(town.session_factory, claim.run_id, 2) == [2, 3]
    assert split_chunk(town.session_factory, claim.run_id, 1) == [1, 4]
    chunks = _chunks(town, claim.run_id)
    after = [s for *_, subjects in chunks for s in subjects]
    assert sorted(after) == sorted(before) and len(set(after)) == len(after) == 10
    assert [(seq, size) for seq, size, *_ in chunks] == [(1, 3), (2, 2), (3, 2), (4, 3)]
    assert chunks[2][2] is None, "the last subjects' range must stay open for late arrivals"
    with town.session_factory() as session:
        assert session.get(JobRunRow, claim.run_id).chunks_total == 4


def test_a_chunk_of_one_subject_is_not_split(town):
    claim = _planned(town, chunk_size=1)
    assert split_chunk(town.session_factory, claim.run_id, 3) == [3]


# ---- real processes ------------------------------------------------------------------

def _cli(settings, *args, timeout=240, **env):
    process = start(settings.database_url, *args, **env)
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


@pytest.mark.slow
def test_regrade_command_exits_3_and_jobs_commands_show_the_failure(town, settings):
    code, out, err = _cli(settings, "regrade", "--all", "--as-of", DAY.isoformat(),
                          "--workers", "2", "--chunk-size", "3")
    assert code == 3, (out, err)
    assert "9 regraded" in out and "1 failed" in out
    code, out, _ = _cli(settings, "jobs", "status", "--json")
    [view] = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and (view["status"], view["failed"], view["regraded"]) == (
        "completed_with_failures", 1, 9)
    code, out, _ = _cli(settings, "jobs", "failures", str(view["id"]), "--json")
    [failure] = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and failure["subject"] == {"type": "enterprise", "id": POISONED}
    assert failure["error"].startswith("AttributeError")


def test_jobs_failures_of_an_unknown_run_is_a_usage_error(settings, container):
    code, _, err = _cli(settings, "jobs", "failures", "424242")
    assert code == 2 and "no run with id 424242" in err


# A worker that dies: grading one chosen subject kills its own process with a real signal.
# Installed from outside through PYTHONPATH (spawned workers inherit the environment);
# nothing in the product knows about it.
KILLER = '''
import importlib.machinery, os, signal, sys

VICTIM, SIGNAL = os.environ["BULKHEAD_VICTIM"], int(os.environ["BULKHEAD_SIGNAL"])


class KillWhenGradingVictim:
    def find_spec(self, name, path, target=None):
        if name != "credit_engine.grading.pipeline":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        load = spec.loader.exec_module

        def exec_module(module):
            load(module)
            real = module.grade

            def grade(file, *args, **kwargs):
                if file.subject.id == VICTIM:
                    os.kill(os.getpid(), SIGNAL)
                return real(file, *args, **kwargs)
            module.grade = grade
        spec.loader.exec_module = exec_module
        return spec


sys.meta_path.insert(0, KillWhenGradingVictim())
'''
VICTIM = uscc(7)


@pytest.fixture
def suspended_town(container):
    """30 enterprises graded the day before, then every third suspended twice (grade D)."""
    from job_population import add_record as record

    with container.transaction() as session:
        for n in range(1, 31):
            add_enterprise(session, n)
    run_regrade(container, "full_regrade", "all", DAY - timedelta(days=1))
    with container.transaction() as session:
        for n in range(1, 31, 3):
            for k in (1, 2):
                record(session, ("enterprise", uscc(n)), "penalty", date(2026, 2, k),
                       {"decision_no": f"停{n}-{k}", "measures": ["suspension"]})
    return container


@pytest.mark.slow
@pytest.mark.parametrize("workers, signal_name", [("2", "SIGKILL"), ("1", "SIGSEGV")])
def test_a_worker_killed_by_a_signal_fails_only_its_subject_and_the_run_completes(
        suspended_town, settings, tmp_path, workers, signal_name):
    import signal

    (tmp_path / "sitecustomize.py").write_text(KILLER)
    code, out, err = _cli(settings, "regrade", "--all", "--as-of", DAY.isoformat(),
                          "--workers", workers, "--chunk-size", "8", timeout=300,
                          PYTHONPATH=str(tmp_path), BULKHEAD_VICTIM=VICTIM,
                          BULKHEAD_SIGNAL=str(int(getattr(signal, signal_name))))
    assert code == 3, (out, err)
    with suspended_town.session_factory() as session:
        run = session.scalars(select(JobRunRow).where(JobRunRow.business_date == DAY)).one()
        per_subject = session.execute(select(GradeRow.subject_id, func.count())
                                      .where(GradeRow.as_of == DAY)
                                      .group_by(GradeRow.subject_id)).all()
        pending = session.scalar(select(func.count()).select_from(JobRunChunkRow)
                                 .where(JobRunChunkRow.run_id == run.id,
                                        JobRunChunkRow.status == "pending"))
    [(kind, ident, error)] = _failures(suspended_town, run.id)
    assert (kind, ident) == ("enterprise", VICTIM) and signal_name in error
    assert run.status == "completed_with_failures" and pending == 0
    assert {s for s, _ in per_subject} == {uscc(n) for n in range(1, 31)} - {VICTIM}
    assert {c for _, c in per_subject} == {1} and run.regraded == 29
    _assert_each_grade_change_announced_once(suspended_town, exclude=VICTIM)


def _assert_each_grade_change_announced_once(container, exclude):
    from credit_engine.storage.models import AnnouncementRow

    with container.session_factory() as session:
        announced = session.execute(select(AnnouncementRow.subject_id).where(
            AnnouncementRow.published_on == DAY, AnnouncementRow.type == "grade_change")
        ).scalars().all()
    changed = {uscc(n) for n in range(1, 31, 3)} - {exclude}
    assert sorted(announced) == sorted(changed), "each change announced exactly once"
