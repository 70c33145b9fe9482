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

Deleting the newest entries (or rewriting an entry and recomputing every hash after it)
cannot be seen from the chain alone. So the chain's head, `N:HASH` (N entries, the hash of
the newest), is published: the daily verification stores it (`publish_head`), the public
API serves it, the office copies it elsewhere, and `verify_chain(..., head=...)` later
says whether the log still holds it — entry N with that very hash (docs/security.md).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from credit_engine.domain.audit_chain import GENESIS_HASH, canonical_json, entry_hash
from credit_engine.errors import ValidationFailed
from credit_engine.storage.models import AuditRow, utcnow
from credit_engine.storage.repositories import audit_log

_LIMITS = {"actor": 100, "action": 64, "target": 200}


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of walking the chain: `first_bad_id` and `reason` are set when broken."""

    ok: bool
    checked: int
    first_bad_id: int | None = None
    reason: str | None = None
    head_hash: str = GENESIS_HASH
    # With `verify_chain(..., head=...)`: why the log no longer holds that head (None: it does).
    head_missing: str | None = None

    @property
    def head(self) -> AuditHead:
        """The head of the verified part of the chain."""
        return AuditHead(self.checked, self.head_hash)


@dataclass(frozen=True)
class AuditHead:
    """The chain's head: `entries` entries, the newest with hash `hash`; written N:HASH."""

    entries: int
    hash: str

    def __str__(self) -> str:
        return f"{self.entries}:{self.hash}"


@dataclass(frozen=True)
class PublishedHead:
    """A head as published by the daily verification."""

    entries: int
    hash: str
    published_on: date


_HEAD_PATTERN = re.compile(r"^(?P<entries>[0-9]{1,18}):(?P<hash>[0-9a-f]{64})$")


def parse_head(text: str) -> AuditHead:
    """`N:HASH` (N entries, 64 lowercase hex digits) as an AuditHead; ValidationFailed else."""
    match = _HEAD_PATTERN.match(text.strip().lower()) if isinstance(text, str) else None
    if match is None:
        raise ValidationFailed({"head": ["must be N:HASH, the number of entries and the "
                                         "64-hex-digit hash of the newest, as `audit head` "
                                         "prints it"]})
    head = AuditHead(int(match["entries"]), match["hash"])
    if head.entries == 0 and head.hash != GENESIS_HASH:
        raise ValidationFailed({"head": [f"an empty log's head is 0:{GENESIS_HASH}"]})
    return head


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


def append_audits(session: Session, actor: str, action: str,
                  entries: list[tuple[str, dict[str, Any]]]) -> None:
    """Add one entry per (target, payload), chained in order, with one lock, one read of
    the last hash and one flush: what a batch of a thousand audited reads needs."""
    if not entries:
        return
    checked = [_validated_fields(actor, action, target, payload) for target, payload in entries]
    audit_log.lock_chain(session)
    prev_hash = audit_log.last_hash(session) or GENESIS_HASH
    rows = []
    for fields in checked:
        at = utcnow()
        digest = entry_hash(prev_hash, at, **fields)
        rows.append(AuditRow(at=at, prev_hash=prev_hash, hash=digest, **fields))
        prev_hash = digest
    session.add_all(rows)
    session.flush()


def verify_chain(session: Session, batch_size: int = 1000,
                 head: AuditHead | None = None) -> VerifyResult:
    """Walk the log by id, recomputing every hash and link; stop at the first bad entry.

    With `head`, an intact chain must also still hold it: entry number `head.entries` (in
    id order) has hash `head.hash`; `head_missing` says why not (tail deleted, rewritten)."""
    expected_prev, checked, last_id = GENESIS_HASH, 0, None
    seen = GENESIS_HASH if head is not None and head.entries == 0 else None
    while True:
        rows = audit_log.entries_after(session, last_id, batch_size)
        if not rows:
            result = VerifyResult(ok=True, checked=checked, head_hash=expected_prev)
            return _with_head(result, head, seen)
        for row in rows:
            reason = _entry_problem(row, expected_prev)
            if reason:
                return VerifyResult(False, checked, row.id, reason, expected_prev)
            expected_prev, checked, last_id = row.hash, checked + 1, row.id
            if head is not None and checked == head.entries:
                seen = row.hash


def _with_head(result: VerifyResult, head: AuditHead | None, seen: str | None) -> VerifyResult:
    if head is None:
        return result
    if seen is None:
        missing = (f"the log holds {result.checked} entries, fewer than the {head.entries} of "
                   f"the head {head}: entries were deleted at the end")
    elif seen != head.hash:
        missing = (f"entry number {head.entries} has hash {seen}, not {head.hash}: the log "
                   "was rewritten up to that entry since the head was taken")
    else:
        return result
    return VerifyResult(False, result.checked, None, missing, result.head_hash, missing)


def publish_head(session: Session, today: date, result: VerifyResult) -> PublishedHead:
    """Store the head of an intact chain as published on `today` (once: a head already
    published that day is kept and returned)."""
    if not result.ok:
        raise ValidationFailed({"head": ["the head of a broken chain is never published"]})
    kept = audit_log.head_published_on(session, today)
    if kept is not None:
        return PublishedHead(kept[0], kept[1], today)
    audit_log.add_published_head(session, today, result.checked, result.head_hash)
    return PublishedHead(result.checked, result.head_hash, today)


def latest_published_head(session: Session) -> PublishedHead | None:
    """The newest published head, or None before the first publication."""
    found = audit_log.latest_published_head(session)
    return None if found is None else PublishedHead(found[1], found[2], found[0])


def _entry_problem(row: Any, expected_prev: str) -> str | None:
    if row.prev_hash != expected_prev:
        return (f"entry {row.id}: prev_hash does not match the hash of the entry before it "
                "(an entry was deleted, inserted or reordered)")
    recomputed = entry_hash(row.prev_hash, row.at, row.actor, row.action, row.target, row.payload)
    if recomputed != row.hash:
        return f"entry {row.id}: content does not match its hash (the entry was modified)"
    return None
