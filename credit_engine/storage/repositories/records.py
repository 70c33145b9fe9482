"""Records of credit files with their revocation and repair: look-ups and appends.

Records are append-only: revocation and repair are new rows, never edits of a record.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from credit_engine.domain.model import SubjectRef
from credit_engine.storage.models import RecordRow, RepairRow, RevocationRow
from credit_engine.storage.repositories.subjects import chunks


@dataclass(frozen=True)
class StoredRecord:
    """A stored record with the dates it was revoked and repaired (None: never)."""

    id: int
    external_id: str
    subject: SubjectRef
    kind: str
    occurred_on: date
    details: dict[str, Any]
    revoked_on: date | None
    repaired_on: date | None
    received_at: datetime


@dataclass(frozen=True)
class NewRecord:
    """A record to append: its content, its content hash and who sent it."""

    external_id: str
    subject: SubjectRef
    kind: str
    occurred_on: date
    details: dict[str, Any]
    content_hash: str
    received_by: str


def _subject(row: RecordRow) -> SubjectRef:
    if row.enterprise_uscc is not None:
        return SubjectRef("enterprise", row.enterprise_uscc)
    return SubjectRef("person", row.person_id or "")


def _stored(row: RecordRow, revoked_on: date | None, repaired_on: date | None) -> StoredRecord:
    return StoredRecord(row.id, row.external_id, _subject(row), row.kind, row.occurred_on,
                        row.details, revoked_on, repaired_on, row.received_at)


def _records_with_ends() -> Select[RecordRow, date, date]:  # outer joins: dates may be None
    return (select(RecordRow, RevocationRow.revoked_on, RepairRow.approved_on)
            .outerjoin(RevocationRow, RevocationRow.record_id == RecordRow.id)
            .outerjoin(RepairRow, RepairRow.record_id == RecordRow.id))


def stored_hashes(session: Session, external_ids: Iterable[str]) -> dict[str, tuple[int, str]]:
    """(id, content hash) of the records already received under these external ids."""
    return {x: (i, h) for x, i, h in session.execute(
        select(RecordRow.external_id, RecordRow.id, RecordRow.content_hash)
        .where(RecordRow.external_id.in_(list(external_ids))))}


def known_external_ids(session: Session, external_ids: Iterable[str],
                       chunk: int | None = None) -> set[str]:
    """Those of `external_ids` already received: one query, or one per `chunk` ids."""
    wanted = sorted(set(external_ids))
    found: set[str] = set()
    for part in (chunks(wanted, chunk) if chunk else [wanted] if wanted else []):
        found.update(session.scalars(
            select(RecordRow.external_id).where(RecordRow.external_id.in_(part))))
    return found


def add_records(session: Session, records: list[NewRecord]) -> dict[str, int]:
    """Append the records; returns their new ids by external id."""
    rows = [RecordRow(
        external_id=r.external_id,
        enterprise_uscc=r.subject.id if r.subject.type == "enterprise" else None,
        person_id=r.subject.id if r.subject.type == "person" else None,
        kind=r.kind, occurred_on=r.occurred_on, details=r.details,
        content_hash=r.content_hash, received_by=r.received_by) for r in records]
    session.add_all(rows)
    session.flush()
    return {row.external_id: row.id for row in rows}


def records_page(session: Session, subject: SubjectRef, after_id: int | None,
                 limit: int) -> list[StoredRecord]:
    """Up to `limit` of the subject's records with ids above `after_id`, by id."""
    column = RecordRow.enterprise_uscc if subject.type == "enterprise" else RecordRow.person_id
    query = _records_with_ends().where(column == subject.id)
    if after_id is not None:
        query = query.where(RecordRow.id > after_id)
    return [_stored(r, revoked, repaired) for r, revoked, repaired
            in session.execute(query.order_by(RecordRow.id).limit(limit))]


def get_record(session: Session, record_id: int) -> StoredRecord | None:
    """One record with its revocation and repair dates, or None."""
    row = session.execute(_records_with_ends().where(RecordRow.id == record_id)).one_or_none()
    return None if row is None else _stored(row[0], row[1], row[2])


def add_revocation(session: Session, record_id: int, revoked_on: date, reason: str,
                   actor: str) -> None:
    """Record that the record stops counting from `revoked_on`."""
    session.add(RevocationRow(record_id=record_id, revoked_on=revoked_on, reason=reason,
                              created_by=actor))
    session.flush()


def add_repair(session: Session, record_id: int, approved_on: date, note: str,
               actor: str) -> int:
    """Record an approved repair of the record; returns the repair's id."""
    repair = RepairRow(record_id=record_id, approved_on=approved_on, note=note, created_by=actor)
    session.add(repair)
    session.flush()
    return repair.id


def earliest_occurrence(session: Session, record_ids: list[int]) -> date | None:
    """The earliest date among the records (None for none)."""
    if not record_ids:
        return None
    return session.scalar(
        select(func.min(RecordRow.occurred_on)).where(RecordRow.id.in_(record_ids)))
