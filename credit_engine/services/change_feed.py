"""The change feed: what changed in a subject's stored grade or measures, oldest first.

Writers of stored grades (`services/grading.regrade_subjects`, the one path every regrade,
run chunk, objection and demo goes through) hand each stored result to a `ChangeRecorder`,
which writes the changes in one bulk insert in the same transaction as the grades. Readers
number what is committed first (`sequence_committed`, see storage/repositories/
change_feed.py for why) and then page by `seq` (`changes_page`), so each change is seen
exactly once, in order, across pages and restarts (docs/change-feed-and-webhooks.md).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from credit_engine.domain.model import CreditResult, SubjectRef
from credit_engine.domain.serialization import subject_to_dict
from credit_engine.errors import ValidationFailed
from credit_engine.services.audit import append_audit
from credit_engine.services.records import decode_cursor, encode_cursor
from credit_engine.storage.grades import PreviousGrade, measure_codes
from credit_engine.storage.repositories import change_feed as feed
from credit_engine.storage.repositories.change_feed import FeedChange
from credit_engine.storage.unit_of_work import transaction

SEQUENCE_BATCH = 10_000  # changes numbered per sequencer transaction


class ChangeRecorder:
    """Collects the changes of one batch of stored grades and inserts them at once.

    The state a change is measured from is the subject's grade already stored for the same
    date when there is one (it is being replaced), else its latest grade before that date;
    none at all makes a first grade (`old_grade` None, every measure added).
    """

    def __init__(self, session: Session, as_of: date, before: dict[SubjectRef, PreviousGrade],
                 same_day: dict[SubjectRef, Any]) -> None:
        self.session, self.as_of = session, as_of
        self.before, self.same_day = before, same_day
        self.changes: list[FeedChange] = []

    def _old(self, subject: SubjectRef) -> tuple[str | None, frozenset[str]]:
        row = self.same_day.get(subject)
        if row is not None:
            return row.grade, measure_codes(row.result.get("measures"))
        previous = self.before.get(subject)
        return (previous.letter, previous.measure_codes) if previous else (None, frozenset())

    def change(self, subject: SubjectRef, result: CreditResult) -> FeedChange | None:
        """The change storing `result` makes (None: grade and measures as before). Ask
        before storing: storing replaces the same-day grade it is measured from."""
        old_grade, old_codes = self._old(subject)
        new_codes = frozenset(m.code for m in result.measures)
        if old_grade == result.grade and old_codes == new_codes:
            return None
        return FeedChange(None, subject, self.as_of, old_grade, result.grade,
                          tuple(sorted(new_codes - old_codes)),
                          tuple(sorted(old_codes - new_codes)))

    def stored(self, change: FeedChange | None) -> None:
        """The grade `change` describes was stored: keep the change for `write`."""
        if change is not None:
            self.changes.append(change)

    def write(self) -> int:
        """Insert the collected changes (one statement); how many."""
        feed.add_changes(self.session, self.changes)
        return len(self.changes)


def sequence_committed(session_factory: sessionmaker[Session]) -> int:
    """Number every committed change still unnumbered, each batch in a short transaction of
    its own under the sequencer lock; how many. Cheap when there is nothing to number."""
    total = 0
    while True:
        with transaction(session_factory) as session:
            if not feed.has_unsequenced(session):
                return total
        with transaction(session_factory, lock_now=True) as session:
            done = feed.sequence_pending(session, SEQUENCE_BATCH)
        total += done
        if done < SEQUENCE_BATCH:
            return total


def change_to_dict(change: FeedChange) -> dict[str, Any]:
    """A change as the feed and the webhooks show it."""
    return {"seq": change.seq, "subject": subject_to_dict(change.subject),
            "as_of": change.as_of.isoformat(), "old_grade": change.old_grade,
            "new_grade": change.new_grade, "measures_added": list(change.measures_added),
            "measures_removed": list(change.measures_removed)}


def parse_cursor(cursor: str | None) -> int:
    """The `seq` a cursor stands for (0: from the start); ValidationFailed naming `cursor`."""
    return decode_cursor(cursor) if cursor else 0


def changes_page(session: Session, cursor: str | None, limit: int, actor: str) -> dict[str, Any]:
    """Up to `limit` changes after `cursor`, oldest first, and the cursor to resume from
    (always present; on an empty page the same position). Audited."""
    after = parse_cursor(cursor)
    if after > feed.last_seq(session):  # a cursor this feed never gave out would skip changes
        raise ValidationFailed({"cursor": ["Not a cursor of this change feed."]})
    changes = feed.changes_after(session, after, limit)
    last = changes[-1].seq if changes else after
    append_audit(session, actor, "changes.query", "change_feed",
                 {"after": after, "items": len(changes)})
    return {"items": [change_to_dict(c) for c in changes],
            "next_cursor": encode_cursor(int(last or 0))}
