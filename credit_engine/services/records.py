"""Use cases for records: ingest a batch, list a subject's records, revoke one."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from credit_engine.domain.model import SubjectRef
from credit_engine.errors import Conflict, NotFound, ValidationFailed
from credit_engine.services.audit import append_audit
from credit_engine.storage.repositories import records as stored_records
from credit_engine.storage.repositories.records import NewRecord, StoredRecord
from credit_engine.storage.repositories.subjects import (
    known_person_ids, known_usccs, subject_exists,
)
from credit_engine.validation.context import require_business_date


def _plain(value: Any) -> Any:
    """JSON-safe and canonical: dates as ISO strings, whole Decimals as ints."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def canonical_record(record: dict[str, Any]) -> dict[str, Any]:
    """The parts of a record that define its content (what idempotency compares)."""
    subject = record["subject"]
    return _plain({
        "subject": {"type": subject["type"], "id": subject["id"]},
        "kind": record["kind"],
        "occurred_on": record["occurred_on"],
        "details": record.get("details") or {},
    })


def content_hash(record: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a record: equal content, equal hash."""
    text = json.dumps(canonical_record(record), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _missing_subjects(session: Session, records: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Field errors for records whose subject is not known (one query per subject type)."""
    usccs = {r["subject"]["id"] for r in records if r["subject"]["type"] == "enterprise"}
    person_ids = {r["subject"]["id"] for r in records if r["subject"]["type"] == "person"}
    known_enterprises = known_usccs(session, usccs)
    known_persons = known_person_ids(session, person_ids)
    errors: dict[str, list[str]] = {}
    for index, record in enumerate(records):
        subject = record["subject"]
        if subject["type"] == "enterprise" and subject["id"] not in known_enterprises:
            errors[f"records[{index}].subject.id"] = ["No enterprise with this code is known."]
        elif subject["type"] == "person" and subject["id"] not in known_persons:
            errors[f"records[{index}].subject.id"] = ["No person with this id is known."]
    return errors


def _duplicates_in_batch(records: list[dict[str, Any]], hashes: list[str]) -> dict[str, list[str]]:
    first_seen: dict[str, int] = {}
    errors: dict[str, list[str]] = {}
    for index, record in enumerate(records):
        earlier = first_seen.setdefault(record["external_id"], index)
        if earlier != index and hashes[earlier] != hashes[index]:
            errors[f"records[{index}].external_id"] = [
                f"Appears earlier in this batch (records[{earlier}]) with different content."]
    return errors


def _as_date(value: date | str) -> date:
    # Validated input holds dates; a trusted caller (the demo loader) may pass ISO strings.
    return value if isinstance(value, date) else date.fromisoformat(value)


def _new_record(record: dict[str, Any], digest: str, actor: str) -> NewRecord:
    subject = record["subject"]
    return NewRecord(
        external_id=record["external_id"], subject=SubjectRef(subject["type"], subject["id"]),
        kind=record["kind"], occurred_on=_as_date(record["occurred_on"]),
        details=_plain(record.get("details") or {}), content_hash=digest, received_by=actor,
    )


def batch_problems(session: Session, records: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Every reason `ingest_records` would refuse these validated records, as field errors
    keyed `records[i]...` (unknown subjects, an external_id repeated with other content,
    one already received with other content), storing nothing: an import's preview."""
    hashes = [content_hash(r) for r in records]
    errors = _missing_subjects(session, records) | _duplicates_in_batch(records, hashes)
    existing = stored_records.stored_hashes(session, {r["external_id"] for r in records})
    for index, record in enumerate(records):
        stored = existing.get(record["external_id"])
        if stored is not None and stored[1] != hashes[index]:
            errors.setdefault(f"records[{index}].external_id", []).append(
                "Already received with different content.")
    return errors


def ingest_records(session: Session, records: list[dict[str, Any]],
                   actor: str) -> list[dict[str, Any]]:
    """Store a validated batch, all or nothing, idempotent by external_id.

    Returns one `{"external_id", "id", "status": "created" | "unchanged"}` per record,
    in input order. Unknown subjects are ValidationFailed; a known external_id with
    other content is Conflict.
    """
    hashes = [content_hash(r) for r in records]
    errors = _missing_subjects(session, records) | _duplicates_in_batch(records, hashes)
    if errors:
        raise ValidationFailed(errors, "Some records cannot be accepted; nothing was stored.")
    first_index: dict[str, int] = {}
    for index, record in enumerate(records):
        first_index.setdefault(record["external_id"], index)
    existing = stored_records.stored_hashes(session, first_index)
    conflicts = sorted(x for x, (_, digest) in existing.items()
                       if digest != hashes[first_index[x]])
    if conflicts:
        raise Conflict(
            "Already received with different content: " + ", ".join(conflicts)
            + ". Nothing was stored.", external_ids=conflicts)
    new_records = [_new_record(records[i], hashes[i], actor)
                   for x, i in first_index.items() if x not in existing]
    ids: dict[str, int] = {x: record_id for x, (record_id, _) in existing.items()}
    return _finish_ingest(session, records, ids, new_records, actor)


def _finish_ingest(session: Session, records: list[dict[str, Any]], ids: dict[str, int],
                   new_records: list[NewRecord], actor: str) -> list[dict[str, Any]]:
    created = stored_records.add_records(session, new_records)
    ids.update(created)
    results, reported = [], set()
    for record in records:
        external_id = record["external_id"]
        is_new = external_id in created and external_id not in reported
        reported.add(external_id)
        results.append({"external_id": external_id, "id": ids[external_id],
                        "status": "created" if is_new else "unchanged"})
    append_audit(session, actor, "records.ingested", "records", {
        "created": sorted(created.values()), "unchanged": len(records) - len(created)})
    return results


def encode_cursor(last_id: int) -> str:
    """An opaque cursor for keyset pagination: the last id seen, base64url."""
    return base64.urlsafe_b64encode(str(last_id).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The last id seen from a cursor; ValidationFailed naming `cursor` when it is not one."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
        if not text.isdigit() or len(text) > 16:  # every id or offset fits in 2**53
            raise ValueError(text)
        return int(text)
    except (ValueError, UnicodeError, binascii.Error):
        raise ValidationFailed({"cursor": ["Not a valid cursor."]}) from None


def record_to_dict(record: StoredRecord) -> dict[str, Any]:
    """How a stored record is shown: subject as {type, id}, dates as date objects."""
    return {"id": record.id, "external_id": record.external_id,
            "subject": {"type": record.subject.type, "id": record.subject.id},
            "kind": record.kind, "occurred_on": record.occurred_on, "details": record.details,
            "revoked_on": record.revoked_on, "repaired_on": record.repaired_on,
            "received_at": record.received_at}


def list_records(session: Session, subject: SubjectRef, limit: int,
                 cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    """One page of a subject's records by id; returns (items, next cursor or None)."""
    if not subject_exists(session, subject):
        raise NotFound(f"No {subject.type} with the id {subject.id} is known.")
    after = decode_cursor(cursor) if cursor else None
    rows = stored_records.records_page(session, subject, after, limit + 1)
    items = [record_to_dict(row) for row in rows[:limit]]
    next_cursor = encode_cursor(items[-1]["id"]) if len(rows) > limit else None
    return items, next_cursor


def get_record(session: Session, record_id: int) -> dict[str, Any]:
    """One record with its revocation and repair dates, or NotFound."""
    record = stored_records.get_record(session, record_id)
    if record is None:
        raise NotFound(f"No record with the id {record_id} is known.")
    return record_to_dict(record)


def revoke_record(session: Session, record_id: int, reason: str, revoked_on: date,
                  actor: str, today: date) -> dict[str, Any]:
    """Stop a record counting from `revoked_on`, never after `today` (a new revocation row,
    never an edit)."""
    require_business_date(revoked_on, today, "revoked_on")
    record = get_record(session, record_id)
    if record["revoked_on"] is not None:
        raise Conflict(f"Record {record_id} was already revoked on "
                       f"{record['revoked_on'].isoformat()}.")
    if revoked_on < record["occurred_on"]:
        raise ValidationFailed({"revoked_on": [
            f"Must not be before the record's date ({record['occurred_on'].isoformat()})."]})
    stored_records.add_revocation(session, record_id, revoked_on, reason, actor)
    append_audit(session, actor, "record.revoked", f"record:{record_id}",
                 {"external_id": record["external_id"], "revoked_on": revoked_on.isoformat(),
                  "reason": reason})
    return {**record, "revoked_on": revoked_on}
