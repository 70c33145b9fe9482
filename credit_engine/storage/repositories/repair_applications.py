"""Repair applications: add, look up, list by status, decide."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from credit_engine.storage.models import RecordRow, RepairApplicationRow


@dataclass(frozen=True)
class StoredApplication:
    """A repair application as stored, with the subject of its record."""

    id: int
    record_id: int
    subject_type: str
    subject_id: str
    applied_on: date
    statement: str
    materials: list[dict[str, Any]]
    eligible: bool
    eligibility_reason: str | None
    status: str
    decided_on: date | None
    decision_note: str | None
    decided_by: str | None
    repair_id: int | None
    created_by: str


def _stored(row: RepairApplicationRow, record: RecordRow) -> StoredApplication:
    subject_type = "enterprise" if record.enterprise_uscc is not None else "person"
    return StoredApplication(
        row.id, row.record_id, subject_type, record.enterprise_uscc or record.person_id or "",
        row.applied_on, row.statement, list(row.materials), row.eligible,
        row.eligibility_reason, row.status, row.decided_on, row.decision_note,
        row.decided_by, row.repair_id, row.created_by)


def _joined() -> Any:
    return select(RepairApplicationRow, RecordRow).join(
        RecordRow, RecordRow.id == RepairApplicationRow.record_id)


def add_application(session: Session, *, record_id: int, applied_on: date, statement: str,
                    materials: list[dict[str, Any]], eligible: bool, reason: str | None,
                    actor: str) -> StoredApplication:
    """Append a pending application; returns it as stored."""
    row = RepairApplicationRow(record_id=record_id, applied_on=applied_on, statement=statement,
                               materials=materials, eligible=eligible,
                               eligibility_reason=reason, status="pending", created_by=actor)
    session.add(row)
    session.flush()
    record = session.get(RecordRow, record_id)
    if record is None:  # the caller judged the record in this transaction
        raise LookupError(record_id)
    return _stored(row, record)


def get_application(session: Session, application_id: int) -> StoredApplication | None:
    """One application, or None."""
    found = session.execute(
        _joined().where(RepairApplicationRow.id == application_id)).first()
    return _stored(*found) if found else None


def applications_page(session: Session, status: str | None, offset: int,
                      limit: int) -> list[StoredApplication]:
    """Applications (of one status, or all), oldest application first."""
    query = _joined().order_by(RepairApplicationRow.applied_on, RepairApplicationRow.id)
    if status is not None:
        query = query.where(RepairApplicationRow.status == status)
    return [_stored(*found) for found in session.execute(query.offset(offset).limit(limit))]


def decide_application(session: Session, application_id: int, status: str, decided_on: date,
                       note: str, actor: str, repair_id: int | None) -> None:
    """Mark a pending application approved (with its repair) or refused."""
    row = session.get(RepairApplicationRow, application_id, with_for_update=True)
    if row is None:  # looked up by the caller in the same transaction
        raise LookupError(application_id)
    row.status, row.decided_on, row.decision_note = status, decided_on, note
    row.decided_by, row.repair_id = actor, repair_id
    session.flush()
