"""The change feed: what the grade writers record, numbered once, paged exactly once."""

from __future__ import annotations

from datetime import date

import pytest
from job_population import add_enterprise, add_record, uscc
from sqlalchemy import func, select

from credit_engine.domain.model import SubjectRef
from credit_engine.errors import ValidationFailed
from credit_engine.regrade.driver import run_regrade
from credit_engine.services.change_feed import changes_page, sequence_committed
from credit_engine.services.grading import regrade_subjects
from credit_engine.storage.models import ChangeFeedRow


def _regrade(container, subjects, day):
    with container.transaction() as session:
        return regrade_subjects(session, container.rulesets, subjects, day, "test",
                                calendar=container.calendar)


def _page(container, cursor=None, limit=50):
    sequence_committed(container.session_factory)
    with container.transaction() as session:
        return changes_page(session, cursor, limit, "test")


def _all(container):
    items, cursor = [], None
    while True:
        page = _page(container, cursor, limit=2)
        assert page["next_cursor"]
        if not page["items"]:
            return items, page["next_cursor"]
        items += page["items"]
        cursor = page["next_cursor"]


@pytest.fixture
def shops(container):
    with container.transaction() as session:
        for n in (1, 2, 3):
            add_enterprise(session, n)
    return [SubjectRef("enterprise", uscc(n)) for n in (1, 2, 3)]


def test_first_grades_appear_with_no_old_grade_and_a_repeat_adds_nothing(container, shops):
    _regrade(container, shops, date(2026, 3, 1))
    _regrade(container, shops, date(2026, 3, 2))  # nothing changed: no change recorded
    items, _ = _all(container)
    assert [(i["subject"]["id"], i["old_grade"], i["new_grade"], i["as_of"]) for i in items] == [
        (uscc(n), None, "B", "2026-03-01") for n in (1, 2, 3)]
    assert [i["seq"] for i in items] == [1, 2, 3]


def test_a_grade_change_carries_old_and_new_grade_and_the_measures_added(container, shops):
    _regrade(container, shops, date(2026, 3, 1))
    with container.transaction() as session:
        for k in (1, 2):  # two suspensions within 12 months: grade D
            add_record(session, ("enterprise", uscc(2)), "penalty", date(2026, 2, k),
                       {"decision_no": f"停{k}", "measures": ["suspension"]})
    _regrade(container, shops, date(2026, 3, 5))
    items, _ = _all(container)
    last = items[-1]
    assert len(items) == 4 and last["subject"] == {"type": "enterprise", "id": uscc(2)}
    assert (last["old_grade"], last["new_grade"], last["as_of"]) == ("B", "D", "2026-03-05")
    assert last["measures_added"] and last["measures_removed"] == []


def test_a_same_day_regrade_is_measured_from_the_grade_it_replaces(container, shops):
    _regrade(container, shops, date(2026, 3, 5))
    with container.transaction() as session:
        for k in (1, 2):
            add_record(session, ("enterprise", uscc(1)), "penalty", date(2026, 2, k),
                       {"decision_no": f"停{k}", "measures": ["suspension"]})
    _regrade(container, shops, date(2026, 3, 5))
    items, _ = _all(container)
    assert [(i["old_grade"], i["new_grade"]) for i in items[3:]] == [("B", "D")]


def test_a_regrade_run_writes_the_changes_of_its_chunks(container, shops):
    run_regrade(container, "full_regrade", "all", date(2026, 3, 1))
    items, _ = _all(container)
    assert sorted(i["subject"]["id"] for i in items) == [uscc(n) for n in (1, 2, 3)]


def test_resuming_from_the_last_cursor_gives_only_later_changes_and_none_twice(container, shops):
    _regrade(container, shops[:2], date(2026, 3, 1))
    _, cursor = _all(container)
    _regrade(container, shops, date(2026, 3, 2))
    page = _page(container, cursor)
    assert [i["subject"]["id"] for i in page["items"]] == [uscc(3)]
    assert _page(container, page["next_cursor"])["items"] == []
    assert _page(container, page["next_cursor"])["next_cursor"] == page["next_cursor"]


def test_sequencing_numbers_each_change_once(container, shops):
    _regrade(container, shops, date(2026, 3, 1))
    assert sequence_committed(container.session_factory) == 3
    assert sequence_committed(container.session_factory) == 0
    with container.session_factory() as session:
        assert session.scalar(select(func.count()).where(ChangeFeedRow.seq.is_(None))) == 0


@pytest.mark.parametrize("cursor", ["not*base64", "YWJj", "OTk5"])  # garbage, "abc", "999"
def test_a_cursor_the_feed_never_gave_is_refused_naming_it(container, shops, cursor):
    _regrade(container, shops, date(2026, 3, 1))
    with pytest.raises(ValidationFailed) as refused:
        _page(container, cursor)
    assert "cursor" in refused.value.errors
