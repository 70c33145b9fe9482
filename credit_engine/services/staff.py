"""Staff accounts of the office workbench: created, listed, disabled and given a new
password (by `credit-engine users` and the admin page), and logins with the lockout.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile).
A login is refused without looking at the password while the account has had five failed
attempts in the last fifteen minutes (since its last success), so guessing is bounded to
five tries per quarter hour; an unknown name costs the same hashing time as a known one,
so timing does not tell which names exist. Every change of an account and every login is
audited; the actor of a login is the user itself (`user:<username>`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.orm import Session

from credit_engine.domain.staff_roles import actor_of
from credit_engine.errors import Conflict, NotFound
from credit_engine.services.audit import append_audit
from credit_engine.storage.personal_data import PersonalDataKeys
from credit_engine.storage.repositories import staff as stored
from credit_engine.storage.repositories.staff import StaffAccount
from credit_engine.validation.errors import load_or_raise
from credit_engine.validation.staff import PasswordIn, StaffUserIn

LOCKOUT_FAILURES = 5
LOCKOUT_WINDOW = timedelta(minutes=15)
GENERATED_PASSWORD_BYTES = 15  # 20 URL-safe characters, about 120 bits

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a password of anyone")

__all__ = [
    "LoginResult",
    "StaffAccount",
    "create_account",
    "disable_account",
    "generate_password",
    "list_accounts",
    "log_in",
    "log_out",
    "reset_password",
    "session_account",
    "session_signing_key",
]


@dataclass(frozen=True)
class LoginResult:
    """A login's outcome: the account when it succeeded; `locked` when it was refused
    because of earlier failures (the password was then not even checked)."""

    account: StaffAccount | None
    locked: bool = False


def generate_password() -> str:
    """A random password, for an account made without one."""
    return secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)


def create_account(session: Session, username: str, role: str, district: str | None,
                   password: str, actor: str) -> StaffAccount:
    """Store a new account; 422 naming the field for a bad input, 409 for a taken name."""
    data = load_or_raise(StaffUserIn, {"username": username, "role": role,
                                       "district": district, "password": password})
    if stored.account(session, data["username"]) is not None:
        raise Conflict(f"a staff account named {data['username']!r} already exists",
                       field="username")
    account = stored.add_account(session, data["username"], data["role"], data.get("district"),
                                 _hasher.hash(data["password"]))
    append_audit(session, actor, "staff.create", f"staff:{account.username}",
                 {"role": account.role, "district": account.district})
    return account


def list_accounts(session: Session) -> list[StaffAccount]:
    """Every account, by username (disabled ones too)."""
    return stored.accounts(session)


def disable_account(session: Session, username: str, now: datetime, actor: str) -> None:
    """Disable the account: it can no longer log in and its open sessions end."""
    if not stored.disable(session, username, now):
        raise NotFound(f"no staff account named {username!r}")
    append_audit(session, actor, "staff.disable", f"staff:{username}", {})


def reset_password(session: Session, username: str, password: str, actor: str) -> None:
    """Give the account a new password; its open sessions end."""
    data = load_or_raise(PasswordIn, {"password": password})
    if not stored.set_password_hash(session, username, _hasher.hash(data["password"])):
        raise NotFound(f"no staff account named {username!r}")
    append_audit(session, actor, "staff.reset_password", f"staff:{username}", {})


def _password_matches(account: StaffAccount | None, password: str) -> bool:
    try:  # an unknown name is checked against a dummy hash: the same time either way
        _hasher.verify(account.password_hash if account else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return account is not None


def log_in(session: Session, username: str, password: str, now: datetime) -> LoginResult:
    """Check a login at `now` (the service's clock) and remember the attempt."""
    username = username.strip()[:64]
    if stored.failures_since(session, username, now - LOCKOUT_WINDOW) >= LOCKOUT_FAILURES:
        return LoginResult(None, locked=True)
    account = stored.account(session, username)
    succeeded = _password_matches(account, password) and account is not None \
        and account.active
    stored.add_attempt(session, username, now, succeeded)
    if not succeeded or account is None:
        if stored.failures_since(session, username, now - LOCKOUT_WINDOW) >= LOCKOUT_FAILURES \
                and stored.account(session, username) is not None:
            append_audit(session, actor_of(username), "staff.lockout", f"staff:{username}",
                         {"failures": LOCKOUT_FAILURES, "window_minutes": 15})
        return LoginResult(None)
    append_audit(session, actor_of(username), "staff.login", f"staff:{username}", {})
    return LoginResult(account)


def session_account(session: Session, username: str, epoch: int) -> StaffAccount | None:
    """The account a session belongs to, while it is active and the session was opened
    since its last password reset; None ends the session."""
    account = stored.account(session, username)
    if account is None or not account.active or account.session_epoch != epoch:
        return None
    return account


def log_out(session: Session, username: str) -> None:
    """Audit the end of a session the user ended itself."""
    append_audit(session, actor_of(username), "staff.logout", f"staff:{username}", {})


def session_signing_key(keys: PersonalDataKeys) -> bytes:
    """The key that signs office session cookies, derived from the current data key: every
    worker of every server derives the same one, and a data-key rotation ends all
    sessions."""
    master = keys.ring.current_key.master
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"credit-engine/office-session-cookie").derive(master)
