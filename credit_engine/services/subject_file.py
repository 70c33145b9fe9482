"""A subject as the workbench's subject page shows it: the grade now and its history with
reasons and measures, the records, roles, announcements, objections and the reply.

Read through the same services as the API (grading.credit_for, records.list_records,
announcements.list_announcements, replies.shown_reply, subjects.*). Opening the page is a
credit query by a person, so it is audited (`office.subject_view`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from credit_engine.domain.identifiers import mask_id_number
from credit_engine.domain.model import CreditResult, SubjectRef
from credit_engine.errors import CreditEngineError
from credit_engine.services import grading, records, replies, subjects
from credit_engine.services.announcements import AnnouncementView, list_announcements
from credit_engine.services.audit import append_audit
from credit_engine.storage.repositories import announcements as stored_announcements
from credit_engine.storage.repositories.announcements import StoredObjection
from credit_engine.storage.repositories.replies import StoredReply
from credit_engine.storage.repositories.subjects import StoredEnterprise, StoredRole

RECORDS_PER_PAGE = 50


@dataclass(frozen=True)
class SubjectFile:
    """Everything of the subject page; `id_number` is masked unless the viewer is an admin."""

    subject: SubjectRef
    name: str
    district: str | None
    enterprise: StoredEnterprise | None
    id_number: str | None
    current: CreditResult | None
    current_error: str | None
    history: list[CreditResult]
    records: list[dict[str, Any]]
    next_cursor: str | None
    roles: list[StoredRole]
    announcements: list[AnnouncementView]
    objections: dict[int, list[StoredObjection]]
    reply: StoredReply | None


def subject_district(session: Session, subject: SubjectRef) -> str | None:
    """The enterprise's district (NotFound for an unknown one); None for a person."""
    if subject.type == "enterprise":
        return subjects.get_enterprise(session, subject.id).district
    subjects.get_person(session, subject.id)
    return None


def subject_file(session: Session, registry: Any, subject: SubjectRef, today: date, *,
                 margin: timedelta, unmasked: bool, cursor: str | None,
                 actor: str) -> SubjectFile:
    """The subject's file as of `today` (NotFound for an unknown subject). Audited."""
    enterprise, id_number, name = None, None, ""
    if subject.type == "enterprise":
        enterprise = subjects.get_enterprise(session, subject.id)
        name, roles = enterprise.name, subjects.roles_of_enterprise(session, subject.id)
    else:
        person = subjects.get_person(session, subject.id)
        name, roles = person.name, subjects.roles_of_person(session, subject.id)
        id_number = person.id_number if unmasked else mask_id_number(person.id_number)
    current, error = None, None
    try:
        current = grading.credit_for(session, registry, subject, today, today, margin=margin)
    except CreditEngineError as failure:  # a record out of bounds: shown, never hidden
        error = failure.detail
    history = grading.credit_history(session, subject, today)
    items, next_cursor = records.list_records(session, subject, RECORDS_PER_PAGE, cursor)
    shown = list_announcements(session, today, public=False, subject=subject, limit=100)
    objections = stored_announcements.objections_by_announcement(
        session, [view.row.id for view in shown])
    reply = replies.shown_reply(session, subject.id, current.grade if current else None,
                                today) if enterprise is not None else None
    append_audit(session, actor, "office.subject_view", f"{subject.type}:{subject.id}",
                 {"as_of": today.isoformat(), "unmasked": unmasked})
    return SubjectFile(subject, name, enterprise.district if enterprise else None, enterprise,
                       id_number, current, error, list(reversed(history)), items, next_cursor,
                       roles, shown, {k: list(v) for k, v in objections.items()}, reply)
