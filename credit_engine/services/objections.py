"""Objections to announcements: filing within the deadline, resolving upheld or rejected.

Upheld: the announcement is withdrawn (a dated, visible status, never a delete), every
record the objection names is revoked as of its own date (so it is as if it had never
existed), other still-published announcements of the subject that rest on a revoked
record are withdrawn too, and the subjects concerned are regraded as of the resolution
date. All of it in the caller's one transaction, all of it audited.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from credit_engine.domain.model import SubjectRef
from credit_engine.domain.working_days import WorkingDayCalendar
from credit_engine.errors import Conflict, NotFound, ValidationFailed
from credit_engine.services.announcements import status_of
from credit_engine.services.audit import append_audit
from credit_engine.storage.repositories import announcements as stored
from credit_engine.storage.repositories.announcements import StoredAnnouncement, StoredObjection
from credit_engine.storage.repositories.records import StoredRecord, get_record
from credit_engine.validation.context import business_date_problem

MAX_TEXT = 4000
# regrade_subjects(session, registry, subjects, as_of, actor); a parameter so tests can fake it.
Regrade = Callable[[Session, Any, Sequence[SubjectRef], date, str], Any]


def cited_record_ids(row: StoredAnnouncement) -> set[int]:
    """Every record an announcement rests on: its reasons' and, for a listing, the listing's."""
    cited = {int(i) for reason in row.reasons for i in reason.get("record_ids", [])}
    if row.dedupe_key.startswith("listing:"):  # "listing:7,9" (see announcements._listing_key)
        cited |= {int(i) for i in row.dedupe_key.removeprefix("listing:").split(",") if i}
    return cited


def _check_text(errors: dict[str, list[str]], field: str, value: Any, required: bool) -> None:
    if value is None and not required:
        return
    if not isinstance(value, str) or not value.strip():
        errors[field] = ["must be a non-empty string"]
    elif len(value) > MAX_TEXT:
        errors[field] = [f"must be at most {MAX_TEXT} characters"]


def _check_record_ids(row: StoredAnnouncement, record_ids: Any) -> list[str]:
    if not isinstance(record_ids, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in record_ids):
        return ["must be a list of record ids (integers)"]
    unknown = sorted(set(record_ids) - cited_record_ids(row))
    if unknown:
        return [f"records {unknown} are not among the records this announcement rests on"]
    return []


def _announcement(session: Session, announcement_id: int) -> StoredAnnouncement:
    row = stored.get_announcement(session, announcement_id)
    if row is None:
        raise NotFound(f"No announcement with id {announcement_id}.")
    return row


def file_objection(session: Session, announcement_id: int, reason: Any, record_ids: Any,
                   filed_on: date, actor: str, today: date) -> StoredObjection:
    """Record an objection; 409 when the announcement is withdrawn or the deadline passed."""
    row = _announcement(session, announcement_id)
    errors: dict[str, list[str]] = {}
    _check_text(errors, "reason", reason, required=True)
    if problems := _check_record_ids(row, record_ids):
        errors["record_ids"] = problems
    if problem := business_date_problem(filed_on, today):
        errors["filed_on"] = [problem]
    elif filed_on < row.published_on:
        errors["filed_on"] = [f"must not be before the announcement ({row.published_on.isoformat()})"]
    if errors:
        raise ValidationFailed(errors)
    if row.withdrawn_on is not None and row.withdrawn_on <= filed_on:
        raise Conflict(f"Announcement {row.id} was withdrawn on {row.withdrawn_on.isoformat()}.")
    if filed_on > row.objection_deadline:
        provisional = (" It is provisional (counted without an official holiday schedule) and "
                       "moves later if the schedule adds days off."
                       if row.objection_deadline_provisional else "")
        raise Conflict(f"The objection deadline of announcement {row.id} was "
                       f"{row.objection_deadline.isoformat()} (15 working days after "
                       f"{row.published_on.isoformat()}); objections filed on "
                       f"{filed_on.isoformat()} are too late.{provisional}",
                       deadline=row.objection_deadline.isoformat(),
                       deadline_provisional=row.objection_deadline_provisional)
    objection = stored.add_objection(session, row.id, reason.strip(), sorted(set(record_ids)),
                                     filed_on, actor)
    append_audit(session, actor, "objection.file", f"objection:{objection.id}", {
        "announcement_id": row.id, "record_ids": objection.record_ids,
        "filed_on": filed_on.isoformat(), "reason": objection.reason})
    return objection


def _withdraw(session: Session, row: StoredAnnouncement, on: date, note: str,
              actor: str) -> None:
    stored.withdraw_announcement(session, row.id, on, note)
    append_audit(session, actor, "announcement.withdraw", f"announcement:{row.id}", {
        "withdrawn_on": on.isoformat(), "note": note})


def _revoke_named(session: Session, record_ids: Sequence[int], reason: str,
                  actor: str, today: date) -> list[StoredRecord]:
    """Revoke each named record as of its own date; already revoked ones stay as they are."""
    from credit_engine.services.records import revoke_record

    revoked: list[StoredRecord] = []
    for record_id in record_ids:
        record = get_record(session, record_id)
        if record is None:
            raise NotFound(f"No record with id {record_id}.")
        if record.revoked_on is None:
            revoke_record(session, record_id, reason, record.occurred_on, actor, today)
        revoked.append(record)
    return revoked


def _withdraw_dependants(session: Session, row: StoredAnnouncement, revoked: set[int],
                         on: date, actor: str) -> None:
    """Other live announcements of the subject resting on a revoked record fall with it."""
    for other in stored.live_announcements_of(session, row.subject_type, row.subject_id, row.id):
        if cited_record_ids(other) & revoked:
            _withdraw(session, other, on, f"rests on records revoked after objection to "
                      f"announcement {row.id}", actor)


def _uphold(session: Session, registry: Any, objection: StoredObjection, resolved_on: date,
            actor: str, today: date, regrade: Regrade) -> None:
    row = _announcement(session, objection.announcement_id)
    why = f"objection {objection.id} upheld: {objection.reason}"
    if row.withdrawn_on is None:
        _withdraw(session, row, resolved_on, why, actor)
    revoked = _revoke_named(session, objection.record_ids, why, actor, today)
    _withdraw_dependants(session, row, {r.id for r in revoked}, resolved_on, actor)
    subjects = [SubjectRef(row.subject_type, row.subject_id)]  # type: ignore[arg-type]
    subjects += [r.subject for r in revoked]
    regrade(session, registry, subjects, resolved_on, actor)


def _default_regrade(calendar: WorkingDayCalendar | None) -> Regrade:
    from credit_engine.services.grading import regrade_subjects  # loads the rule engine

    if calendar is None:
        raise ValueError("upholding an objection regrades: pass the calendar (or a regrade)")
    return partial(regrade_subjects, calendar=calendar)


def resolve_objection(session: Session, registry: Any, objection_id: int, upheld: Any,
                      note: Any, resolved_on: date, actor: str, today: date,
                      regrade: Regrade | None = None,
                      calendar: WorkingDayCalendar | None = None) -> StoredObjection:
    """Resolve a pending objection; upheld withdraws, revokes and regrades (with `regrade`,
    by default the service's regrade counting deadlines with `calendar`)."""
    objection = stored.get_objection(session, objection_id)
    if objection is None:
        raise NotFound(f"No objection with id {objection_id}.")
    errors: dict[str, list[str]] = {}
    if not isinstance(upheld, bool):
        errors["upheld"] = ["must be true or false"]
    _check_text(errors, "note", note, required=False)
    if problem := business_date_problem(resolved_on, today):
        errors["resolved_on"] = [problem]
    elif resolved_on < objection.filed_on:
        errors["resolved_on"] = [f"must not be before the objection ({objection.filed_on.isoformat()})"]
    if errors:
        raise ValidationFailed(errors)
    if objection.status != "pending":
        raise Conflict(f"Objection {objection.id} was already resolved ({objection.status}).")
    objection = stored.resolve_objection(session, objection.id,
                                         "upheld" if upheld else "rejected", resolved_on, actor,
                                         note.strip() if isinstance(note, str) else None)
    append_audit(session, actor, "objection.resolve", f"objection:{objection.id}", {
        "announcement_id": objection.announcement_id, "upheld": upheld,
        "resolved_on": resolved_on.isoformat(), "note": objection.resolution_note})
    if upheld:
        _uphold(session, registry, objection, resolved_on, actor, today,
                regrade or _default_regrade(calendar))
    session.flush()
    return objection


def objection_status(session: Session, objection: StoredObjection, as_of: date) -> str:
    """The status of the announcement an objection concerns, as of `as_of`."""
    row = _announcement(session, objection.announcement_id)
    return status_of(row, stored.objections_to(session, row.id), as_of)
