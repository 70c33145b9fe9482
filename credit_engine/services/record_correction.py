"""Correcting a record: revoke it with a reason and enter its replacement, in one step.

Records are never edited (docs/domain.md): a wrong record is revoked as of a date and the
right one entered as a new record. Doing both in the caller's one transaction means the
credit file is never left with neither (revoked, replacement refused) nor both."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from credit_engine.errors import ValidationFailed
from credit_engine.services.audit import append_audit
from credit_engine.services.records import get_record, ingest_records, revoke_record


def correct_record(session: Session, record_id: int, reason: str, revoked_on: date,
                   replacement: dict[str, Any], actor: str, today: date) -> dict[str, Any]:
    """Revoke record `record_id` from `revoked_on` and store `replacement` (validated, of the
    same subject); both or neither. Returns {"revoked": record, "replacement": result}."""
    original = get_record(session, record_id)
    if replacement["subject"] != original["subject"]:
        raise ValidationFailed({"subject.id": [
            "Must be the subject of the corrected record."]})
    if replacement["external_id"] == original["external_id"]:
        raise ValidationFailed({"external_id": [
            "Must differ from the corrected record's (records are never edited)."]})
    revoked = revoke_record(session, record_id, reason, revoked_on, actor, today)
    [result] = ingest_records(session, [replacement], actor)
    append_audit(session, actor, "record.corrected", f"record:{record_id}", {
        "replacement_id": result["id"], "replacement_external_id": result["external_id"],
        "revoked_on": revoked_on.isoformat(), "reason": reason})
    return {"revoked": revoked, "replacement": result}
