"""Announcements and the objections to them: look-ups, publication, withdrawal, resolution."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from credit_engine.domain.model import SubjectRef
from credit_engine.storage.models import AnnouncementRow, ObjectionRow

LISTING = "listing"


@dataclass(frozen=True)
class StoredAnnouncement:
    """An announcement as stored."""

    id: int
    type: str
    subject_type: str
    subject_id: str
    dedupe_key: str
    old_grade: str | None
    new_grade: str
    reasons: list[dict[str, Any]]
    ruleset: str
    published_on: date
    objection_deadline: date
    objection_deadline_provisional: bool
    listed_until: date | None
    withdrawn_on: date | None
    final_on: date | None


@dataclass(frozen=True)
class StoredObjection:
    """An objection as stored."""

    id: int
    announcement_id: int
    reason: str
    record_ids: list[int]
    filed_on: date
    status: str
    resolved_on: date | None
    resolution_note: str | None


@dataclass(frozen=True)
class DeadlineChange:
    """A recounted objection deadline: the new day, whether still provisional, final_on."""

    id: int
    deadline: date
    provisional: bool
    final_on: date | None


def _announcement(row: AnnouncementRow) -> StoredAnnouncement:
    return StoredAnnouncement(
        row.id, row.type, row.subject_type, row.subject_id, row.dedupe_key, row.old_grade,
        row.new_grade, row.reasons, row.ruleset, row.published_on, row.objection_deadline,
        row.objection_deadline_provisional, row.listed_until, row.withdrawn_on, row.final_on)


def _objection(row: ObjectionRow) -> StoredObjection:
    return StoredObjection(row.id, row.announcement_id, row.reason, row.record_ids, row.filed_on,
                           row.status, row.resolved_on, row.resolution_note)


def announcement_exists(session: Session, subject: SubjectRef, kind: str, key: str) -> bool:
    """True when the subject has an announcement of `kind` under `key`."""
    return session.scalar(select(AnnouncementRow.id).where(
        AnnouncementRow.subject_type == subject.type, AnnouncementRow.subject_id == subject.id,
        AnnouncementRow.type == kind, AnnouncementRow.dedupe_key == key)) is not None


def insert_announcement(session: Session, **columns: Any) -> AnnouncementRow | None:
    """Store a new announcement under a SAVEPOINT; None when a concurrent writer stored the
    same (subject, type, key) first. The managed row is returned so its publisher sees the
    lifecycle's later changes within the transaction."""
    row = AnnouncementRow(**columns)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return None
    return row


def get_announcement(session: Session, announcement_id: int) -> StoredAnnouncement | None:
    """One announcement, or None."""
    row = session.get(AnnouncementRow, announcement_id)
    return None if row is None else _announcement(row)


def withdraw_announcement(session: Session, announcement_id: int, on: date, note: str) -> None:
    """Mark the announcement withdrawn on `on` (a date, never a delete)."""
    row = session.get(AnnouncementRow, announcement_id)
    if row is not None:
        row.withdrawn_on, row.withdrawal_note = on, note


def live_announcements_of(session: Session, subject_type: str, subject_id: str,
                          except_id: int) -> list[StoredAnnouncement]:
    """The subject's announcements not withdrawn, other than `except_id`."""
    return [_announcement(r) for r in session.scalars(select(AnnouncementRow).where(
        AnnouncementRow.subject_type == subject_type, AnnouncementRow.subject_id == subject_id,
        AnnouncementRow.id != except_id, AnnouncementRow.withdrawn_on.is_(None)))]


def _public_filter(as_of: date) -> Any:
    # docs/domain.md, Privacy: the public sees persons only on the serious-dishonesty list, so
    # a person's grade changes and ended or withdrawn listings stay out of public view.
    person_listed = and_(
        AnnouncementRow.subject_type == "person", AnnouncementRow.type == LISTING,
        AnnouncementRow.listed_until > as_of,
        or_(AnnouncementRow.withdrawn_on.is_(None), AnnouncementRow.withdrawn_on > as_of))
    return and_(AnnouncementRow.published_on <= as_of,
                or_(AnnouncementRow.subject_type == "enterprise", person_listed))


def announcements_page(session: Session, as_of: date, *, public: bool,
                       subject: SubjectRef | None, offset: int,
                       limit: int) -> list[StoredAnnouncement]:
    """Announcements published on or before `as_of` (only what the public may see when
    `public`: every enterprise announcement, a person only while listed), newest first."""
    query = select(AnnouncementRow)
    if public:
        query = query.where(_public_filter(as_of))
    else:
        query = query.where(AnnouncementRow.published_on <= as_of)
    if subject is not None:
        query = query.where(AnnouncementRow.subject_type == subject.type,
                            AnnouncementRow.subject_id == subject.id)
    query = query.order_by(AnnouncementRow.published_on.desc(), AnnouncementRow.id.desc())
    return [_announcement(r) for r in session.scalars(query.offset(offset).limit(limit))]


def objections_by_announcement(session: Session,
                               ids: Sequence[int]) -> dict[int, list[StoredObjection]]:
    """The objections to each announcement (one query for all)."""
    found: dict[int, list[StoredObjection]] = {i: [] for i in ids}
    if ids:
        for objection in session.scalars(
                select(ObjectionRow).where(ObjectionRow.announcement_id.in_(ids))):
            found[objection.announcement_id].append(_objection(objection))
    return found


def finalise_expired(session: Session, today: date) -> list[int]:
    """Set `final_on` to `today` on every live announcement whose objection deadline is
    before `today` with no objection pending; their ids, ascending."""
    pending = select(ObjectionRow.announcement_id).where(ObjectionRow.resolved_on.is_(None))
    rows = list(session.scalars(
        select(AnnouncementRow).where(
            AnnouncementRow.final_on.is_(None), AnnouncementRow.withdrawn_on.is_(None),
            AnnouncementRow.objection_deadline < today, AnnouncementRow.id.not_in(pending))
        .order_by(AnnouncementRow.id)))
    for row in rows:
        row.final_on = today
    return [row.id for row in rows]


def count_provisional(session: Session) -> int:
    """Announcements whose objection deadline is still provisional."""
    return session.scalar(select(func.count()).select_from(AnnouncementRow).where(
        AnnouncementRow.objection_deadline_provisional.is_(True))) or 0


def provisional_announcements(session: Session) -> list[StoredAnnouncement]:
    """Announcements whose objection deadline is still provisional, by id."""
    return [_announcement(r) for r in session.scalars(select(AnnouncementRow).where(
        AnnouncementRow.objection_deadline_provisional.is_(True)).order_by(AnnouncementRow.id))]


def update_deadlines(session: Session, changes: Sequence[DeadlineChange]) -> None:
    """Store recounted deadlines (one UPDATE by primary key, executed for many)."""
    if changes:
        session.execute(update(AnnouncementRow), [
            {"id": c.id, "objection_deadline": c.deadline,
             "objection_deadline_provisional": c.provisional, "final_on": c.final_on}
            for c in changes])


def get_objection(session: Session, objection_id: int) -> StoredObjection | None:
    """One objection, or None."""
    row = session.get(ObjectionRow, objection_id)
    return None if row is None else _objection(row)


def add_objection(session: Session, announcement_id: int, reason: str, record_ids: list[int],
                  filed_on: date, actor: str) -> StoredObjection:
    """Store a pending objection."""
    row = ObjectionRow(announcement_id=announcement_id, reason=reason, record_ids=record_ids,
                       filed_on=filed_on, filed_by=actor, status="pending")
    session.add(row)
    session.flush()
    return _objection(row)


def resolve_objection(session: Session, objection_id: int, status: str, resolved_on: date,
                      actor: str, note: str | None) -> StoredObjection:
    """Store the resolution of an objection."""
    row = session.get(ObjectionRow, objection_id)
    if row is None:  # the caller found it in this same transaction
        raise LookupError(f"objection {objection_id} is not stored")
    row.status, row.resolved_on, row.resolved_by = status, resolved_on, actor
    row.resolution_note = note
    return _objection(row)


def objections_to(session: Session, announcement_id: int) -> list[StoredObjection]:
    """Every objection to the announcement."""
    return [_objection(r) for r in session.scalars(
        select(ObjectionRow).where(ObjectionRow.announcement_id == announcement_id))]
