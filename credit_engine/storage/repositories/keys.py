"""API keys: stored hashes looked up by prefix, created and revoked, never deleted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from credit_engine.storage.models import ApiKeyRow, utcnow


@dataclass(frozen=True)
class StoredKey:
    """An API key as stored: its hash, never the key."""

    name: str
    prefix: str
    key_hash: str
    scopes: str
    created_at: datetime
    revoked_at: datetime | None

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(s for s in self.scopes.split(",") if s)


def _key(row: ApiKeyRow) -> StoredKey:
    return StoredKey(row.name, row.prefix, row.key_hash, row.scopes, row.created_at,
                     row.revoked_at)


def key_name_taken(session: Session, name: str) -> bool:
    """True when a key (live or revoked) has this name."""
    return session.scalar(select(ApiKeyRow.id).where(ApiKeyRow.name == name)) is not None


def add_key(session: Session, name: str, prefix: str, key_hash: str,
            scopes: Sequence[str]) -> None:
    """Store a new key by its hash."""
    session.add(ApiKeyRow(name=name, prefix=prefix, key_hash=key_hash, scopes=",".join(scopes)))


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
