"""API keys: random secrets shown once, stored as sha256 hashes with a lookup prefix."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from credit_engine.errors import Conflict, NotFound, ValidationFailed
from credit_engine.services.audit import append_audit
from credit_engine.storage.models import ApiKeyRow, utcnow

ADMIN = "admin"
SCOPES = frozenset({
    "records:write", "records:read", "credit:read", "decisions:read",
    "announcements:write", ADMIN,
})
KEY_PATTERN = re.compile(r"^ce_(?P<prefix>[0-9a-f]{8})_(?P<secret>[A-Za-z0-9_-]{43})$")
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@-]{0,99}$")


def hash_key(key: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def parse_scopes(scopes: str | Iterable[str]) -> list[str]:
    """Scopes from a comma-separated string or a list, checked, deduplicated and sorted."""
    items = scopes.split(",") if isinstance(scopes, str) else list(scopes)
    cleaned = sorted({s.strip() for s in items if isinstance(s, str) and s.strip()})
    unknown = [s for s in cleaned if s not in SCOPES]
    if not cleaned:
        raise ValidationFailed({"scopes": [f"give at least one of {', '.join(sorted(SCOPES))}"]})
    if unknown:
        raise ValidationFailed({"scopes": [
            f"unknown scope {s!r}; valid scopes: {', '.join(sorted(SCOPES))}" for s in unknown
        ]})
    return cleaned


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
    if session.scalar(select(ApiKeyRow.id).where(ApiKeyRow.name == name)) is not None:
        raise Conflict(f"an API key named {name!r} already exists", field="name")
    prefix = secrets.token_hex(4)
    key = f"ce_{prefix}_{secrets.token_urlsafe(32)}"
    session.add(ApiKeyRow(name=name, prefix=prefix, key_hash=hash_key(key),
                          scopes=",".join(scope_list)))
    append_audit(session, actor, "api_key.create", f"api_key:{name}",
                 {"name": name, "prefix": prefix, "scopes": scope_list})
    return key


def authenticate(session: Session, key: str) -> ApiKeyRow | None:
    """The live key row matching `key`, or None; hashes are compared in constant time."""
    match = KEY_PATTERN.match(key or "")
    if match is None:
        return None
    candidate = hash_key(key)
    rows = session.scalars(
        select(ApiKeyRow).where(ApiKeyRow.prefix == match["prefix"],
                                ApiKeyRow.revoked_at.is_(None))
    ).all()
    found = None
    for row in rows:  # no early exit: the time taken does not depend on which row matched
        if hmac.compare_digest(row.key_hash, candidate):
            found = row
    return found


def has_scope(row: ApiKeyRow, scope: str) -> bool:
    """True when the key grants `scope`; `admin` grants every scope."""
    granted = row.scope_set
    return ADMIN in granted or scope in granted


def list_keys(session: Session) -> list[ApiKeyRow]:
    """Every key, revoked ones included, by name."""
    return list(session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.name)))


def revoke_key(session: Session, name: str, actor: str = "cli") -> ApiKeyRow:
    """Revoke the key named `name`; it stops authenticating at once."""
    row = session.scalar(select(ApiKeyRow).where(ApiKeyRow.name == name))
    if row is None:
        raise NotFound(f"no API key named {name!r}", field="name")
    if row.revoked_at is not None:
        raise Conflict(f"the API key {name!r} is already revoked", field="name")
    row.revoked_at = utcnow()
    append_audit(session, actor, "api_key.revoke", f"api_key:{name}",
                 {"name": name, "prefix": row.prefix})
    return row
