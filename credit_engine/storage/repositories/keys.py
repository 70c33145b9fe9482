"""API keys: stored hashes looked up by prefix, created, rotated and revoked, never deleted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from credit_engine.storage.models import ApiKeyRow, utcnow


def as_utc(moment: datetime | None) -> datetime | None:
    """`moment` timezone-aware in UTC; SQLite hands back naive UTC values."""
    if moment is None:
        return None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


@dataclass(frozen=True)
class StoredKey:
    """An API key as stored: its hashes, never the key; moments are aware (UTC)."""

    name: str
    prefix: str
    key_hash: str
    scopes: str
    created_at: datetime
    revoked_at: datetime | None
    expires_on: date | None = None
    last_used_at: datetime | None = None
    previous_key_hash: str | None = None
    previous_valid_until: datetime | None = None

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(s for s in self.scopes.split(",") if s)


def _key(row: ApiKeyRow) -> StoredKey:
    return StoredKey(row.name, row.prefix, row.key_hash, row.scopes,
                     as_utc(row.created_at) or row.created_at, as_utc(row.revoked_at),
                     row.expires_on, as_utc(row.last_used_at), row.previous_key_hash,
                     as_utc(row.previous_valid_until))


def key_name_taken(session: Session, name: str) -> bool:
    """True when a key (live or revoked) has this name."""
    return session.scalar(select(ApiKeyRow.id).where(ApiKeyRow.name == name)) is not None


def add_key(session: Session, name: str, prefix: str, key_hash: str,
            scopes: Sequence[str], expires_on: date | None = None) -> None:
    """Store a new key by its hash."""
    session.add(ApiKeyRow(name=name, prefix=prefix, key_hash=key_hash, scopes=",".join(scopes),
                          expires_on=expires_on))


def live_keys_with_prefix(session: Session, prefix: str) -> list[StoredKey]:
    """The keys not revoked whose lookup prefix is `prefix`."""
    return [_key(r) for r in session.scalars(
        select(ApiKeyRow).where(ApiKeyRow.prefix == prefix, ApiKeyRow.revoked_at.is_(None)))]


def all_keys(session: Session) -> list[StoredKey]:
    """Every key, revoked ones included, by name."""
    return [_key(r) for r in session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.name))]


def key_named(session: Session, name: str) -> StoredKey | None:
    """The key named `name`, or None."""
    row = session.scalar(select(ApiKeyRow).where(ApiKeyRow.name == name))
    return None if row is None else _key(row)


def mark_revoked(session: Session, name: str) -> None:
    """Revoke the key named `name` from now on."""
    session.execute(update(ApiKeyRow).where(ApiKeyRow.name == name).values(revoked_at=utcnow()))


def replace_secret(session: Session, name: str, key_hash: str, previous_key_hash: str,
                   previous_valid_until: datetime) -> None:
    """Give the key a new secret; the replaced one stays valid until `previous_valid_until`."""
    session.execute(update(ApiKeyRow).where(ApiKeyRow.name == name).values(
        key_hash=key_hash, previous_key_hash=previous_key_hash,
        previous_valid_until=previous_valid_until))


def record_use(session: Session, name: str, now: datetime, not_since: datetime) -> None:
    """Set the key's last use to `now` unless it was recorded at or after `not_since`: the
    condition is in the UPDATE, so concurrent requests and processes write it once."""
    session.execute(update(ApiKeyRow).where(
        ApiKeyRow.name == name,
        or_(ApiKeyRow.last_used_at.is_(None), ApiKeyRow.last_used_at < not_since),
    ).values(last_used_at=now))
