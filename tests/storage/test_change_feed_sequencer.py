"""The sequencer against concurrent writers: a reader never passes a change for ever.

Two writer transactions on PostgreSQL: the first inserts its change before the second but
commits after it. An autoincrement id would give the first change the lower number while
it was invisible, and a reader at the second change's number would never see it.
"""

from __future__ import annotations

from datetime import date

import pytest

from credit_engine.domain.model import SubjectRef
from credit_engine.services.change_feed import sequence_committed
from credit_engine.storage.repositories import change_feed as feed
from credit_engine.storage.repositories.change_feed import FeedChange


def _change(n: int) -> FeedChange:
    return FeedChange(None, SubjectRef("enterprise", f"E{n}"), date(2026, 3, 1), None, "B", (), ())


def _read_after(container, after: int) -> list[int]:
    sequence_committed(container.session_factory)
    with container.session_factory() as session:
        return [c.seq for c in feed.changes_after(session, after, 100)]  # type: ignore[misc]


@pytest.mark.parametrize("database_backend", [pytest.param("postgresql", marks=pytest.mark.postgres)],
                         indirect=True)
def test_a_change_committed_after_a_later_one_is_still_read_after_the_reader_passed_it(
        container):
    early = container.session_factory()
    late = container.session_factory()
    try:
        feed.add_changes(early, [_change(1)])  # inserted first (the lower id) ...
        early.flush()
        feed.add_changes(late, [_change(2)])
        late.commit()                            # ... but committed second
        seen = _read_after(container, 0)
        assert seen == [1]                       # only the committed change has a number
        early.commit()
        assert _read_after(container, seen[-1]) == [2]  # the early one comes after, not lost
    finally:
        early.close()
        late.close()
    with container.session_factory() as session:
        rows = {c.subject.id: c.seq for c in feed.changes_after(session, 0, 10)}
    assert rows == {"E2": 1, "E1": 2}


def test_a_reader_sees_no_change_of_an_uncommitted_writer_and_all_once_it_commits(container):
    writer = container.session_factory()
    try:
        feed.add_changes(writer, [_change(n) for n in range(5)])
        writer.flush()
        assert _read_after(container, 0) == []
        writer.commit()
    finally:
        writer.close()
    assert _read_after(container, 0) == [1, 2, 3, 4, 5]
