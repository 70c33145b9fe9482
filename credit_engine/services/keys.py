"""API keys: random secrets shown once, stored as sha256 hashes with a lookup prefix."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable

from sqlalchemy.orm import Session

from credit_engine.domain.scopes import SCOPE_NAMES, Scope, grants
from credit_engine.errors import Conflict, NotFound, ValidationFailed
from credit_engine.services.audit import append_audit
from credit_engine.storage.repositories import keys as stored
from credit_engine.storage.repositories.keys import StoredKey

KEY_PATTERN = re.compile(r"^ce_(?P<prefix>[0-9a-f]{8})_(?P<secret>[A-Za-z0-9_-]{43})$")
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@-]{0,99}$")


def hash_key(key: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def parse_scopes(scopes: str | Iterable[str]) -> list[Scope]:
    """Scopes from a comma-separated string or a list, checked, deduplicated and sorted."""
    items = scopes.split(",") if isinstance(scopes, str) else list(scopes)
    cleaned = sorted({s.strip() for s in items if isinstance(s, str) and s.strip()})
    unknown = [s for s in cleaned if s not in SCOPE_NAMES]
    valid = ", ".join(sorted(SCOPE_NAMES))
    if not cleaned:
        raise ValidationFailed({"scopes": [f"give at least one of {valid}"]})
    if unknown:
        raise ValidationFailed({"scopes": [
            f"unknown scope {s!r}; valid scopes: {valid}" for s in unknown
        ]})
    return [Scope(s) for s in cleaned]


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise ValidationFailed({"name": [
            "1-100 characters: letters, digits and . _ : @ -, starting with a letter or digit"
        ]})
    return name


def create_key(session: Session, name: str, scopes: str | Iterable[str],
               actor: str = "cli") -> str:
    """Store a new key named `name` with `scopes`; return the key (the only time it is seen)."""
    name, scope_list = _check_name(name), parse_scopes(scopes)
    if stored.key_name_taken(session, name):
        raise Conflict(f"an API key named {name!r} already exists", field="name")
    prefix = secrets.token_hex(4)
    key = f"ce_{prefix}_{secrets.token_urlsafe(32)}"
    stored.add_key(session, name, prefix, hash_key(key), scope_list)
    append_audit(session, actor, "api_key.create", f"api_key:{name}",
                 {"name": name, "prefix": prefix, "scopes": scope_list})
    return key


def authenticate(session: Session, key: str) -> StoredKey | None:
    """The live key matching `key`, or None; hashes are compared in constant time."""
    match = KEY_PATTERN.match(key or "")
    if match is None:
        return None
    candidate = hash_key(key)
    rows = stored.live_keys_with_prefix(session, match["prefix"])
    found = None
    for row in rows:  # no early exit: the time taken does not depend on which row matched
        if hmac.compare_digest(row.key_hash, candidate):
            found = row
    return found


def has_scope(row: StoredKey, scope: Scope) -> bool:
    """True when the key grants `scope`; `admin` grants every scope."""
    return grants(row.scope_set, scope)


def list_keys(session: Session) -> list[StoredKey]:
    """Every key, revoked ones included, by name."""
    return stored.all_keys(session)


def revoke_key(session: Session, name: str, actor: str = "cli") -> None:
    """Revoke the key named `name`; it stops authenticating at once."""
    row = stored.key_named(session, name)
    if row is None:
        raise NotFound(f"no API key named {name!r}", field="name")
    if row.revoked_at is not None:
        raise Conflict(f"the API key {name!r} is already revoked", field="name")
    stored.mark_revoked(session, name)
    append_audit(session, actor, "api_key.revoke", f"api_key:{name}",
                 {"name": name, "prefix": row.prefix})
