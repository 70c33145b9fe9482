"""Incremental nightly regrades give the same grades as full regrades, every day of a year."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from credit_engine.grading.pipeline import grade
from credit_engine.domain.model import SubjectRef
from credit_engine.domain.serialization import result_to_dict
from credit_engine.regrade.driver import run_regrade
from credit_engine.regrade.executors import SerialExecutor
from credit_engine.storage.credit_files import iter_subject_keys, load_credit_files
from credit_engine.storage.models import GradeRow, JobRunRow
from year_simulation import START, build_town, events_of_day

DAYS = 365


def _comparable(data: dict) -> dict:
    # The date a result was computed for is the one thing allowed to differ.
    return {k: v for k, v in data.items() if k != "as_of"}


def _stored_effective(session, day) -> dict[SubjectRef, dict]:
    """Each subject's latest stored grade on or before `day`: what the service answers."""
    latest = (select(GradeRow.subject_type, GradeRow.subject_id,
                     func.max(GradeRow.as_of).label("as_of"))
              .where(GradeRow.as_of <= day).group_by(GradeRow.subject_type, GradeRow.subject_id)
              .subquery())
    rows = session.scalars(select(GradeRow).join(latest, (
        GradeRow.subject_type == latest.c.subject_type) & (
        GradeRow.subject_id == latest.c.subject_id) & (GradeRow.as_of == latest.c.as_of)))
    return {SubjectRef(r.subject_type, r.subject_id): _comparable(r.result) for r in rows}


def _full_grades(session, registry, day) -> dict[SubjectRef, dict]:
    """What a full regrade would store for every subject as of `day`."""
    subjects = iter_subject_keys(session, None, 10_000)
    files = load_credit_files(session, subjects)
    return {s: _comparable(result_to_dict(grade(files[s], day, registry))) for s in subjects}


@pytest.mark.slow
def test_incremental_regrade_equals_full_regrade_every_day_for_a_year(container, monkeypatch):
    monkeypatch.setattr(container, "settings", container.settings.replace(dirty_margin_seconds=0))
    rng, record_ids = random.Random(20250101), []
    with container.transaction() as session:
        build_town(session, rng)
    executor = SerialExecutor(container)
    regraded = 0
    for offset in range(DAYS):
        day = START + timedelta(offset)
        with container.transaction() as session:
            events_of_day(session, rng, day, record_ids)
        report = run_regrade(container, "nightly_regrade", "dirty", day, executor, chunk_size=7)
        regraded += report.regraded
        with container.session_factory() as session:
            stored = _stored_effective(session, day)
            full = _full_grades(session, container.rulesets, day)
        mismatched = sorted(str(s) for s in full if stored.get(s) != full[s])
        assert not mismatched, f"{day}: incremental differs from full for {mismatched}"
    with container.session_factory() as session:
        runs = session.scalar(select(func.count()).select_from(JobRunRow))
    assert runs == DAYS
    assert regraded < 0.5 * DAYS * len(full), "the nightly run should regrade a small part"
