"""Publishing announcements of grade changes and serious-dishonesty listings, and reading them.

An announcement's date is the business date of the regrade that made it; its objection
deadline is the 15th working day after that date (domain/working_days.py), provisional
while it crosses a year without an official schedule. Publishing is idempotent: a
(subject, type, dedupe_key) UNIQUE constraint makes a second copy impossible, and a
look-up first keeps the common case free of constraint errors.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from credit_engine.domain.model import CreditResult, SubjectRef
from credit_engine.domain.working_days import WorkingDayCalendar
from credit_engine.services.audit import append_audit
from credit_engine.storage.repositories import announcements as stored
from credit_engine.storage.repositories.announcements import (
    LISTING, DeadlineChange, StoredAnnouncement, StoredObjection,
)

GRADE_CHANGE = "grade_change"
__all__ = ["LISTING", "StoredAnnouncement", "StoredObjection"]  # with the use cases below


def _listing_key(record_ids: Sequence[int]) -> str:
    key = "listing:" + ",".join(str(i) for i in sorted(set(record_ids)))
    # Keep the key inside its column however many records a listing rests on.
    return key if len(key) <= 200 else "listing#" + hashlib.sha256(key.encode()).hexdigest()


def _reasons(result: CreditResult) -> list[dict[str, object]]:
    return [{"rule": r.rule, "points": r.points, "text": r.text, "record_ids": list(r.record_ids)}
            for r in result.reasons]


def _wanted(previous_grade: str | None, current: CreditResult,
            business_date: date) -> list[tuple[str, str]]:
    """(type, dedupe_key) of the announcements this regrade calls for."""
    wanted: list[tuple[str, str]] = []
    # A first-ever grade is no change: nothing to announce unless it is a listing.
    if previous_grade is not None and previous_grade != current.grade:
        wanted.append((GRADE_CHANGE, business_date.isoformat()))
    if current.listed_until is not None and current.listing_record_ids \
            and current.listed_until > business_date:
        wanted.append((LISTING, _listing_key(current.listing_record_ids)))
    return wanted


def _exists(session: Session, subject: SubjectRef, kind: str, key: str) -> bool:
    return stored.announcement_exists(session, subject, kind, key)


def publish_announcements(session: Session, subject: SubjectRef, previous_grade: str | None,
                          current: CreditResult, business_date: date, actor: str, *,
                          calendar: WorkingDayCalendar) -> list[Any]:
    """Publish what a regrade of `subject` as of `business_date` calls for; never twice.

    `previous_grade` is the subject's latest grade before this one (None: a first grade).
    `calendar` counts the objection deadline: the container's, built from the settings.
    Returns the stored announcements (the regrade counts them; the lifecycle's later
    changes in the same transaction show on them).
    """
    published: list[Any] = []
    for kind, key in _wanted(previous_grade, current, business_date):
        if _exists(session, subject, kind, key):
            continue
        # a concurrent regrade may have published it first: then nothing is stored
        row = stored.insert_announcement(
            session, type=kind, subject_type=subject.type, subject_id=subject.id, dedupe_key=key,
            old_grade=previous_grade, new_grade=current.grade,
            reasons=_reasons(current), ruleset=current.ruleset, published_on=business_date,
            objection_deadline=(deadline := calendar.deadline(business_date)).day,
            objection_deadline_provisional=deadline.provisional,
            listed_until=current.listed_until if kind == LISTING else None, created_by=actor)
        if row is None:
            continue
        append_audit(session, actor, "announcement.publish", f"announcement:{row.id}", {
            "type": kind, "subject": str(subject), "old_grade": row.old_grade,
            "new_grade": row.new_grade, "published_on": business_date.isoformat(),
            "objection_deadline": row.objection_deadline.isoformat(),
            "objection_deadline_provisional": deadline.provisional, "ruleset": row.ruleset})
        published.append(row)
    return published


def status_of(row: StoredAnnouncement, objections: Sequence[StoredObjection],
              as_of: date) -> str:
    """`withdrawn`, `under_objection` (an objection pending on `as_of`) or `published`."""
    if row.withdrawn_on is not None and row.withdrawn_on <= as_of:
        return "withdrawn"
    for objection in objections:
        if objection.filed_on <= as_of and (
                objection.resolved_on is None or objection.resolved_on > as_of):
            return "under_objection"
    return "published"


@dataclass(frozen=True)
class AnnouncementView:
    """An announcement with its status as of a date."""

    row: StoredAnnouncement
    status: str


def with_status(session: Session, rows: Sequence[StoredAnnouncement],
                as_of: date) -> list[AnnouncementView]:
    """Each row with its status as of `as_of` (one query for all objections)."""
    objections = stored.objections_by_announcement(session, [r.id for r in rows])
    return [AnnouncementView(r, status_of(r, objections[r.id], as_of)) for r in rows]


def list_announcements(session: Session, as_of: date, *, public: bool = True,
                       subject: SubjectRef | None = None, offset: int = 0,
                       limit: int = 50) -> list[AnnouncementView]:
    """Announcements published on or before `as_of`, newest first.

    `public`: only what the public may see (docs/domain.md, Privacy): every enterprise
    announcement, a person's only while listed.
    """
    rows = stored.announcements_page(session, as_of, public=public, subject=subject,
                                     offset=offset, limit=limit)
    return with_status(session, rows, as_of)


def close_expired_objection_windows(session: Session, today: date,
                                    actor: str = "scheduler") -> list[int]:
    """Make final every announcement whose objection deadline has passed with no objection
    pending (an objection filed in time keeps it open until resolved); audited once."""
    ids = stored.finalise_expired(session, today)
    if ids:
        append_audit(session, actor, "announcements.final", "announcements",
                     {"on": today.isoformat(), "count": len(ids),
                      "first_id": ids[0], "last_id": ids[-1]})
    return ids


@dataclass(frozen=True)
class DeadlineRecompute:
    """What a recompute of provisional deadlines did: ids moved later, ids now settled."""

    checked: int
    moved: list[int]
    settled: list[int]


def count_provisional_deadlines(session: Session) -> int:
    """Announcements whose objection deadline is still provisional."""
    return stored.count_provisional(session)


def recompute_provisional_deadlines(session: Session, calendar: WorkingDayCalendar,
                                    actor: str = "scheduler") -> DeadlineRecompute:
    """Recount every provisional deadline with `calendar`; a deadline never moves earlier.

    The flag clears once every year the deadline crosses has a schedule. A window closed
    by the lifecycle job on or before the new deadline opens again. Audited once.
    """
    rows = stored.provisional_announcements(session)
    moved, settled, changes = [], [], []
    for row in rows:
        now = calendar.deadline(row.published_on)
        deadline, final_on = row.objection_deadline, row.final_on
        if now.day > deadline:
            deadline = now.day
            moved.append(row.id)
            if final_on is not None and final_on <= now.day:
                final_on = None
        if not now.provisional:
            settled.append(row.id)
        if deadline != row.objection_deadline or not now.provisional:
            changes.append(DeadlineChange(row.id, deadline, now.provisional, final_on))
    stored.update_deadlines(session, changes)
    if moved or settled:
        append_audit(session, actor, "announcements.deadlines_recomputed", "announcements",
                     {"checked": len(rows), "moved": moved[:100], "moved_count": len(moved),
                      "settled": settled[:100], "settled_count": len(settled)})
    return DeadlineRecompute(len(rows), moved, settled)
