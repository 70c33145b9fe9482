"""The statistics benchmark at a tiny size: its loader writes the `grades_in_force` rows
store_grade would (the figures through them equal those from the stored grades alone), and
its measuring runs."""

from __future__ import annotations

import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from credit_engine.storage.database import make_engine
from credit_engine.storage.models import EnterpriseRow, GradeRow

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import scale_statistics

AS_OF = date(2026, 11, 30)


def _letters_from_grades(url: str, on: date) -> Counter[str]:
    """Each enterprise's latest stored grade on or before `on`, read from every grade."""
    engine = make_engine(url)
    with Session(engine) as session:
        latest: dict[str, tuple[date, str]] = {}
        for sid, as_of, grade in session.execute(
                select(GradeRow.subject_id, GradeRow.as_of, GradeRow.grade)
                .where(GradeRow.subject_type == "enterprise", GradeRow.as_of <= on)):
            if sid not in latest or latest[sid][0] < as_of:
                latest[sid] = (as_of, grade)
        total = len(session.scalars(select(EnterpriseRow.uscc)).all())
    engine.dispose()
    found = Counter(grade for _, grade in latest.values())
    found["ungraded"] = total - len(latest)
    return found


def test_load_then_measure_equal_the_stored_grades(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'stats.db'}"
    scale_statistics.load(url, 200, 50, AS_OF, 7, share=0.3)
    report = scale_statistics.measure(url, AS_OF, 1)
    assert report["enterprises"] == 200
    expected = _letters_from_grades(url, AS_OF)
    assert {k: v for k, v in report["grades"].items() if v} == {
        k: v for k, v in expected.items() if v}
    from credit_engine.services.statistics import compute_statistics
    engine = make_engine(url)
    with Session(engine) as session:  # a month back: the 30 % regraded since look it up
        back = compute_statistics(session, AS_OF - timedelta(days=30), None)["grades"]
    engine.dispose()
    assert {k: v for k, v in back.items() if v} == {
        k: v for k, v in _letters_from_grades(url, AS_OF - timedelta(days=30)).items() if v}
    assert {"statistics, all districts, a month back",
            "one trend point from its stored snapshot"} <= set(report)
