"""The audit log's hash chain, as pure functions: each entry's `hash` is
sha256(prev_hash + canonical JSON of at, actor, action, target and payload); the first
entry's `prev_hash` is 64 zeros. Used to append and verify (services/audit.py) and by the
migration that re-hashes the chain once (storage/migrations, 0006)."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timezone
from typing import Any

GENESIS_HASH = "0" * 64


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
