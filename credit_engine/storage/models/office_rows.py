"""API keys, the audit chain, announcements and objections: what the office's processes write."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON, BigInteger, Boolean, CheckConstraint, Date, DateTime, Float, ForeignKey, Index, Integer,
    MetaData, String, Text, UniqueConstraint,
)
from sqlalchemy.sql.expression import false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from credit_engine.storage.models.base import Base, Id, utcnow


class ApiKeyRow(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column()
    # Valid through the end of this day in the configured time zone; None: never expires.
    expires_on: Mapped[date | None] = mapped_column(Date)
    # Written at most once a minute per key (services/keys.py): the hot path stays a read.
    last_used_at: Mapped[datetime | None] = mapped_column()
    # After `keys rotate`: the replaced secret's hash, accepted until `previous_valid_until`.
    previous_key_hash: Mapped[str | None] = mapped_column(String(64))
    previous_valid_until: Mapped[datetime | None] = mapped_column()

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(s for s in self.scopes.split(",") if s)


class AuditRow(Base):
    """Append-only audit log; each entry holds the hash of the previous one."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHeadRow(Base):
    """The audit chain's head as published once a day (GET /public/v1/audit-head): a copy
    kept outside the log lets anyone see later that entries were deleted or rewritten."""

    __tablename__ = "audit_heads"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    published_on: Mapped[date] = mapped_column(Date, unique=True)
    entries: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)


class AnnouncementRow(Base):
    """A published grade change or serious-dishonesty listing, open to objection.

    `dedupe_key` makes publishing twice impossible: the publication date for a grade
    change, the listing's record ids for a listing. Withdrawal is a date, never a delete.
    """

    __tablename__ = "announcements"
    __table_args__ = (
        UniqueConstraint("subject_type", "subject_id", "type", "dedupe_key",
                         name="uq_announcements_once"),
        Index("ix_announcements_subject", "subject_type", "subject_id", "published_on"),
        CheckConstraint("type IN ('grade_change', 'listing')", name="type_known"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    type: Mapped[str] = mapped_column(String(16))
    subject_type: Mapped[str] = mapped_column(String(10))
    subject_id: Mapped[str] = mapped_column(String(32))
    dedupe_key: Mapped[str] = mapped_column(String(200))
    old_grade: Mapped[str | None] = mapped_column(String(1))
    new_grade: Mapped[str] = mapped_column(String(1))
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # [{rule, points, text, record_ids}]
    ruleset: Mapped[str] = mapped_column(String(64))
    published_on: Mapped[date] = mapped_column(Date, index=True)
    objection_deadline: Mapped[date] = mapped_column(Date)
    # True while the deadline counts days of a year without an official schedule
    # (weekends and statutory holidays only); recomputed when the schedule arrives.
    objection_deadline_provisional: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false())
    listed_until: Mapped[date | None] = mapped_column(Date)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    withdrawal_note: Mapped[str | None] = mapped_column(Text)
    # Set by the lifecycle job: the notice period ended with no objection pending.
    final_on: Mapped[date | None] = mapped_column(Date, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class ObjectionRow(Base):
    """An objection to an announcement; pending until resolved upheld or rejected."""

    __tablename__ = "objections"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'upheld', 'rejected')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    record_ids: Mapped[list[int]] = mapped_column(JSON)
    filed_on: Mapped[date] = mapped_column(Date)
    filed_by: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    resolved_on: Mapped[date | None] = mapped_column(Date)
    resolution_note: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
