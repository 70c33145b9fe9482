"""Staff accounts and login attempts: added, read, disabled, given a new password; never
deleted (audit entries name their users)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credit_engine.storage.models import LoginAttemptRow, StaffUserRow
from credit_engine.storage.repositories.keys import as_utc


@dataclass(frozen=True)
class StaffAccount:
    """A staff account as stored (its password hash included: only services/staff.py uses
    it); moments aware, in UTC."""

    username: str
    role: str
    district: str | None
    password_hash: str
    session_epoch: int
    created_at: datetime
    disabled_at: datetime | None

    @property
    def active(self) -> bool:
        return self.disabled_at is None


def _account(row: StaffUserRow) -> StaffAccount:
    return StaffAccount(row.username, row.role, row.district, row.password_hash,
                        row.session_epoch, as_utc(row.created_at) or row.created_at,
                        as_utc(row.disabled_at))


def _row(session: Session, username: str) -> StaffUserRow | None:
    return session.scalar(select(StaffUserRow).where(StaffUserRow.username == username))


def account(session: Session, username: str) -> StaffAccount | None:
    """The account named `username`, or None."""
    row = _row(session, username)
    return None if row is None else _account(row)


def add_account(session: Session, username: str, role: str, district: str | None,
                password_hash: str) -> StaffAccount:
    """Store a new account (flushed)."""
    row = StaffUserRow(username=username, role=role, district=district,
                       password_hash=password_hash, session_epoch=0)
    session.add(row)
    session.flush()
    return _account(row)


def accounts(session: Session) -> list[StaffAccount]:
    """Every account, by username."""
    rows = session.scalars(select(StaffUserRow).order_by(StaffUserRow.username))
    return [_account(row) for row in rows]


def disable(session: Session, username: str, at: datetime) -> bool:
    """Disable the account and end its sessions; False when there is no such account."""
    row = _row(session, username)
    if row is None:
        return False
    if row.disabled_at is None:
        row.disabled_at = at
    row.session_epoch += 1
    session.flush()
    return True


def set_password_hash(session: Session, username: str, password_hash: str) -> bool:
    """Replace the password and end the account's sessions; False when there is none."""
    row = _row(session, username)
    if row is None:
        return False
    row.password_hash = password_hash
    row.session_epoch += 1
    session.flush()
    return True


def add_attempt(session: Session, username: str, at: datetime, succeeded: bool) -> None:
    """Remember one login attempt."""
    session.add(LoginAttemptRow(username=username, at=at, succeeded=succeeded))
    session.flush()


def failures_since(session: Session, username: str, since: datetime) -> int:
    """Failed attempts for `username` at or after `since`, since its last success."""
    last_success = session.scalar(
        select(func.max(LoginAttemptRow.at)).where(LoginAttemptRow.username == username,
                                                   LoginAttemptRow.succeeded.is_(True)))
    start = max(since, as_utc(last_success) or since)
    return session.scalar(
        select(func.count()).select_from(LoginAttemptRow).where(
            LoginAttemptRow.username == username, LoginAttemptRow.succeeded.is_(False),
            LoginAttemptRow.at >= start)) or 0


def last_failure_at(session: Session, username: str) -> datetime | None:
    """The newest failed attempt for `username`."""
    return as_utc(session.scalar(
        select(func.max(LoginAttemptRow.at)).where(LoginAttemptRow.username == username,
                                                    LoginAttemptRow.succeeded.is_(False))))
