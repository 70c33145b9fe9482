"""API keys: random secrets shown once, stored as sha256 hashes with a lookup prefix.

A key may expire (valid through the end of its `expires_on` day in the configured time
zone) and may be rotated: the new secret keeps the key's name, scopes and lookup prefix,
and the replaced secret keeps working for a grace period. A key's last use is written at
most once a minute (`LAST_USE_RESOLUTION`), so authenticating stays a read on most
requests.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from sqlalchemy.orm import Session

from credit_engine.domain.scopes import SCOPE_NAMES, Scope, grants
from credit_engine.errors import Conflict, NotFound, ValidationFailed
from credit_engine.services.audit import append_audit
from credit_engine.storage.repositories import keys as stored
from credit_engine.storage.repositories.keys import StoredKey

KEY_PATTERN = re.compile(r"^ce_(?P<prefix>[0-9a-f]{8})_(?P<secret>[A-Za-z0-9_-]{43})$")
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@-]{0,99}$")
LAST_USE_RESOLUTION = timedelta(minutes=1)
MAX_GRACE_HOURS = 30 * 24


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
               actor: str = "cli", expires_on: date | None = None) -> str:
    """Store a new key named `name` with `scopes`, valid through `expires_on` (None: no
    expiry; a past day makes an already expired key); return the key, seen only now."""
    name, scope_list = _check_name(name), parse_scopes(scopes)
    if expires_on is not None and not isinstance(expires_on, date):
        raise ValidationFailed({"expires": ["must be a date YYYY-MM-DD"]})
    if stored.key_name_taken(session, name):
        raise Conflict(f"an API key named {name!r} already exists", field="name")
    prefix = secrets.token_hex(4)
    key = _new_key(prefix)
    stored.add_key(session, name, prefix, hash_key(key), scope_list, expires_on)
    append_audit(session, actor, "api_key.create", f"api_key:{name}",
                 {"name": name, "prefix": prefix, "scopes": scope_list,
                  "expires_on": expires_on})
    return key


def _new_key(prefix: str) -> str:
    return f"ce_{prefix}_{secrets.token_urlsafe(32)}"


@dataclass(frozen=True)
class KeyCheck:
    """What a presented key is: `key` when it may be used, else why not (`refusal`:
    "invalid", "expired" or "rotated") with a sentence for the caller and its `facts`."""

    key: StoredKey | None
    refusal: str | None = None
    detail: str = "The API key is not valid or has been revoked."
    facts: dict[str, str] = field(default_factory=dict)


def expiry_moment(expires_on: date, zone: tzinfo) -> datetime:
    """The first moment a key expiring on `expires_on` is no longer valid (next midnight)."""
    return datetime.combine(expires_on + timedelta(days=1), time(0), zone)


def check_key(session: Session, key: str, now: datetime, zone: tzinfo) -> KeyCheck:
    """Whether `key` may be used at `now` (aware); records its use (at most once a minute).

    Both stored hashes of every candidate are compared in constant time, without an early
    exit: the time taken does not depend on which row or which secret matched."""
    match = KEY_PATTERN.match(key or "")
    if match is None:
        return KeyCheck(None, "invalid")
    candidate = hash_key(key)
    current = previous = None
    for row in stored.live_keys_with_prefix(session, match["prefix"]):
        if hmac.compare_digest(row.key_hash, candidate):
            current = row
        if hmac.compare_digest(row.previous_key_hash or "", candidate):
            previous = row
    found = current or previous
    if found is None:
        return KeyCheck(None, "invalid")
    if current is None and found.previous_valid_until is not None \
            and now >= found.previous_valid_until:
        until = found.previous_valid_until.astimezone(zone).isoformat(timespec="seconds")
        return KeyCheck(None, "rotated", f"The API key '{found.name}' was rotated: its previous "
                        f"secret stopped working at {until}. Use the new secret.",
                        {"rotated_secret_valid_until": until})
    if found.expires_on is not None and now >= expiry_moment(found.expires_on, zone):
        day, at = found.expires_on.isoformat(), expiry_moment(found.expires_on, zone)
        return KeyCheck(None, "expired", f"The API key '{found.name}' expired at the end of "
                        f"{day} ({zone}). Ask for a new key.",
                        {"expired_on": day, "expired_at": at.isoformat(timespec="seconds")})
    _record_use(session, found, now)
    return KeyCheck(found)


def _record_use(session: Session, row: StoredKey, now: datetime) -> None:
    now = now.astimezone(timezone.utc)  # SQLite keeps no offset: every stored moment is UTC
    not_since = now - LAST_USE_RESOLUTION
    if row.last_used_at is None or row.last_used_at < not_since:
        stored.record_use(session, row.name, now, not_since)


def authenticate(session: Session, key: str, now: datetime | None = None,
                 zone: tzinfo | None = None) -> StoredKey | None:
    """The usable key matching `key` at `now` (default: the machine's clock, expiry days
    in UTC unless `zone` is given), or None."""
    moment = now or datetime.now(timezone.utc)
    return check_key(session, key, moment, zone or moment.tzinfo or timezone.utc).key


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


def rotate_key(session: Session, name: str, now: datetime, grace_hours: float = 24,
               actor: str = "cli") -> str:
    """A new secret for the key `name` (same name, scopes, expiry and prefix); the current
    one keeps working for `grace_hours`, an older one still in its grace stops now."""
    if isinstance(grace_hours, bool) or not isinstance(grace_hours, (int, float)) \
            or not 0 <= grace_hours <= MAX_GRACE_HOURS:
        raise ValidationFailed({"grace_hours": [f"must be between 0 and {MAX_GRACE_HOURS}"]})
    row = stored.key_named(session, name)
    if row is None:
        raise NotFound(f"no API key named {name!r}", field="name")
    if row.revoked_at is not None:
        raise Conflict(f"the API key {name!r} is revoked; create a new key", field="name")
    key = _new_key(row.prefix)
    grace_end = now.astimezone(timezone.utc) + timedelta(hours=grace_hours)
    stored.replace_secret(session, name, hash_key(key), row.key_hash, grace_end)
    append_audit(session, actor, "api_key.rotate", f"api_key:{name}",
                 {"name": name, "prefix": row.prefix, "grace_hours": grace_hours,
                  "previous_valid_until": grace_end})
    return key
