"""The hash-chained audit log.

Each entry's `hash` is sha256(prev_hash + canonical JSON of at, actor, action, target and
payload); the first entry's `prev_hash` is 64 zeros.

Appends are serialised, not raced: before reading the chain's last entry a writer takes
the database's write lock for the rest of its transaction — on PostgreSQL a
transaction-scoped advisory lock, on SQLite the database write lock (`BEGIN IMMEDIATE`
when the transaction has not written yet; a transaction that has already written holds
it). Concurrent writers therefore queue and each reads the true last entry; a read such
as a decision never fails because another process was auditing at the same moment. The
lock is held until commit, so call `append_audit` as the last write of a use case.

`prev_hash` is UNIQUE all the same, so a writer that bypassed the lock could still not
fork the chain; the unit of work (`storage/unit_of_work.run_in_transaction`) would then
run the use case again.

Deleting the newest entries cannot be seen from the chain alone: keep the `head_hash`
reported by `verify_chain` somewhere else if that matters.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy.orm import Session

from credit_engine.errors import ValidationFailed
from credit_engine.storage.models import AuditRow, utcnow
from credit_engine.storage.repositories import audit_log

GENESIS_HASH = "0" * 64
_LIMITS = {"actor": 100, "action": 64, "target": 200}


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of walking the chain: `first_bad_id` and `reason` are set when broken."""

    ok: bool
    checked: int
    first_bad_id: int | None = None
    reason: str | None = None
    head_hash: str = GENESIS_HASH


def normalise_timestamp(at: datetime) -> str:
    """`at` as ISO 8601 in UTC with microseconds; a naive value (SQLite) is taken as UTC."""
    aware = at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at.astimezone(timezone.utc)
    return aware.isoformat(timespec="microseconds")


def _json_default(value: Any) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 text: the same bytes on every database."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
        allow_nan=False, default=_json_default,
    )


def entry_hash(prev_hash: str, at: datetime, actor: str, action: str, target: str,
               payload: dict[str, Any]) -> str:
    """The hash of one entry chained onto `prev_hash`."""
    body = canonical_json({
        "at": normalise_timestamp(at), "actor": actor, "action": action,
        "target": target, "payload": payload,
    })
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _validated_fields(actor: str, action: str, target: str, payload: Any) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    for field, value in (("actor", actor), ("action", action), ("target", target)):
        if not isinstance(value, str) or not value:
            errors[field] = ["must be a non-empty string"]
        elif len(value) > _LIMITS[field]:
            errors[field] = [f"must be at most {_LIMITS[field]} characters"]
    if not isinstance(payload, dict):
        errors["payload"] = ["must be a JSON object"]
    else:
        try:
            # Stored as it was hashed, so a date in the payload reads back as the same string.
            payload = json.loads(canonical_json(payload))
        except (TypeError, ValueError) as exc:
            errors["payload"] = [f"must be JSON serialisable: {exc}"]
    if errors:
        raise ValidationFailed(errors, "The audit entry is not valid.")
    return {"actor": actor, "action": action, "target": target, "payload": payload}


def append_audit(session: Session, actor: str, action: str, target: str,
                 payload: dict[str, Any] | None = None) -> AuditRow:
    """Add one entry to the chain in the caller's transaction (flushed, not committed)."""
    fields = _validated_fields(actor, action, target, {} if payload is None else payload)
    at = utcnow()  # microseconds, which both SQLite and PostgreSQL keep exactly
    audit_log.lock_chain(session)  # writers queue here: each reads the true last entry
    prev_hash = audit_log.last_hash(session) or GENESIS_HASH
    return audit_log.add_entry(session, at=at, prev_hash=prev_hash,
                               hash=entry_hash(prev_hash, at, **fields), **fields)


def verify_chain(session: Session, batch_size: int = 1000) -> VerifyResult:
    """Walk the log by id, recomputing every hash and link; stop at the first bad entry."""
    expected_prev, checked, last_id = GENESIS_HASH, 0, None
    while True:
        rows = audit_log.entries_after(session, last_id, batch_size)
        if not rows:
            return VerifyResult(ok=True, checked=checked, head_hash=expected_prev)
        for row in rows:
            reason = _entry_problem(row, expected_prev)
            if reason:
                return VerifyResult(False, checked, row.id, reason, expected_prev)
            expected_prev, checked, last_id = row.hash, checked + 1, row.id


def _entry_problem(row: Any, expected_prev: str) -> str | None:
    if row.prev_hash != expected_prev:
        return (f"entry {row.id}: prev_hash does not match the hash of the entry before it "
                "(an entry was deleted, inserted or reordered)")
    recomputed = entry_hash(row.prev_hash, row.at, row.actor, row.action, row.target, row.payload)
    if recomputed != row.hash:
        return f"entry {row.id}: content does not match its hash (the entry was modified)"
    return None
