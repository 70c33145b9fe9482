"""Credit repair of one penalty (docs/domain.md, Credit repair), conditions from the ruleset."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from credit_engine.domain.record_kinds import PENALTY
from credit_engine.grading.repair import repair_refusal
from credit_engine.domain.model import CreditFile
from credit_engine.errors import Conflict, NotFound
from credit_engine.rules import RulesetRegistry
from credit_engine.services.audit import append_audit
from credit_engine.storage.credit_files import load_credit_files
from credit_engine.storage.repositories import records as stored_records
from credit_engine.storage.repositories.records import StoredRecord
from credit_engine.validation.context import require_business_date


def _subject_file(session: Session, record: StoredRecord) -> CreditFile:
    return load_credit_files(session, [record.subject])[record.subject]


def repair_refusal_for(session: Session, registry: RulesetRegistry, record_id: int,
                       on: date) -> str | None:
    """Why a repair of record `record_id` approved on `on` is not allowed, or None: the
    one judgement of the repair rules, for a repair and for an application alike."""
    row = stored_records.get_record(session, record_id)
    if row is None:
        raise NotFound(f"No record with id {record_id}.")
    if row.kind != PENALTY:
        return f"Record {record_id} is a {row.kind}; only penalties can be repaired."
    if row.repaired_on is not None:
        return f"Record {record_id} has already been repaired."
    file = _subject_file(session, row)
    penalty = next(r for r in file.records if r.id == record_id)
    return repair_refusal(penalty, file.records, on, registry.for_date(on))


def approve_repair(session: Session, registry: RulesetRegistry, record_id: int,
                   approved_on: date, note: str, actor: str, today: date) -> dict[str, Any]:
    """Record an approved repair (201) or raise Conflict with the reason (409); a repair
    approved after `today` is refused (422 naming approved_on)."""
    require_business_date(approved_on, today, "approved_on")
    refusal = repair_refusal_for(session, registry, record_id, approved_on)
    if refusal:
        raise Conflict(refusal)
    repair_id = stored_records.add_repair(session, record_id, approved_on, note, actor)
    append_audit(session, actor, "record.repair", f"record:{record_id}",
                 {"approved_on": approved_on.isoformat(), "note": note})
    return {"id": repair_id, "record_id": record_id, "approved_on": approved_on.isoformat(),
            "note": note}
