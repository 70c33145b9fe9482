"""Staff accounts of the office workbench and their login attempts (services/staff.py).

Accounts are never deleted: a disabled account keeps its name (audit entries name it).
`session_epoch` grows whenever the password is reset or the account disabled: sessions
carry the epoch they were opened under, so both end every open session at once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from credit_engine.storage.models.base import Base, Id, utcnow

ROLES_SQL = "role IN ('clerk', 'reviewer', 'supervisor', 'admin')"


class StaffUserRow(Base):
    __tablename__ = "staff_users"
    __table_args__ = (CheckConstraint(ROLES_SQL, name="role"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))  # argon2id, PHC string
    role: Mapped[str] = mapped_column(String(16))
    district: Mapped[str | None] = mapped_column(String(100))  # None: every district
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column()


class LoginAttemptRow(Base):
    """One login attempt, kept for the lockout (5 failures in 15 minutes)."""

    __tablename__ = "staff_login_attempts"
    __table_args__ = (Index("ix_staff_login_attempts_username_at", "username", "at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column()
    succeeded: Mapped[bool] = mapped_column(Boolean)
