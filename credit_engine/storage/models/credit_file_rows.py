"""Subjects, their roles, records (append-only: revocation and repair are new rows) and
stored grades."""

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


class EnterpriseRow(Base):
    __tablename__ = "enterprises"

    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    category: Mapped[str] = mapped_column(String(20))
    district: Mapped[str | None] = mapped_column(String(100), index=True)
    licence_no: Mapped[str | None] = mapped_column(String(64))
    licensed_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class PersonRow(Base):
    """A person; the ID number and name only encrypted (storage/personal_data.py)."""

    __tablename__ = "persons"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # opaque, random
    # HMAC-SHA256 of the normalised ID number: exact match without the number in clear.
    id_number_index: Mapped[str] = mapped_column(String(64), unique=True)
    id_number_encrypted: Mapped[str] = mapped_column(Text)  # AES-GCM, KEYID:base64
    name_encrypted: Mapped[str] = mapped_column(Text)
    data_key_id: Mapped[str] = mapped_column(String(32), index=True)  # rotation's progress
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class RoleRow(Base):
    __tablename__ = "roles"
    __table_args__ = (
        UniqueConstraint("uscc", "person_id", "role", "from_on", name="uq_roles_period"),
        CheckConstraint("to_on IS NULL OR to_on >= from_on", name="period_order"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    uscc: Mapped[str] = mapped_column(ForeignKey("enterprises.uscc"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    from_on: Mapped[date] = mapped_column(Date)
    to_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class RecordRow(Base):
    """A fact of a credit file; never updated or deleted once written."""

    __tablename__ = "records"
    __table_args__ = (
        CheckConstraint(
            "(enterprise_uscc IS NULL) <> (person_id IS NULL)", name="one_subject"
        ),
        Index("ix_records_enterprise_kind", "enterprise_uscc", "kind"),
        Index("ix_records_person_kind", "person_id", "kind"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    external_id: Mapped[str] = mapped_column(String(128), unique=True)
    enterprise_uscc: Mapped[str | None] = mapped_column(ForeignKey("enterprises.uscc"))
    person_id: Mapped[str | None] = mapped_column(ForeignKey("persons.id"))
    kind: Mapped[str] = mapped_column(String(20))
    occurred_on: Mapped[date] = mapped_column(Date)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))  # idempotency: same content, same hash
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    received_by: Mapped[str] = mapped_column(String(100))


class RevocationRow(Base):
    """A record stops counting from `revoked_on` (appeal, upheld objection)."""

    __tablename__ = "revocations"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), unique=True)
    revoked_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    created_by: Mapped[str] = mapped_column(String(100))


class RepairRow(Base):
    """Credit repair of one penalty, from the approval date."""

    __tablename__ = "repairs"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), unique=True)
    approved_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    created_by: Mapped[str] = mapped_column(String(100))


class GradeRow(Base):
    """A stored grade of one subject as of one date, with everything that explains it."""

    __tablename__ = "grades"
    __table_args__ = (
        # Its index also serves "latest grade of a subject" (same columns, same order).
        UniqueConstraint("subject_type", "subject_id", "as_of", name="uq_grades_subject_day"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    subject_type: Mapped[str] = mapped_column(String(10))
    subject_id: Mapped[str] = mapped_column(String(32))
    as_of: Mapped[date] = mapped_column(Date)
    ruleset: Mapped[str] = mapped_column(String(64))
    score: Mapped[int] = mapped_column(Integer)
    grade: Mapped[str] = mapped_column(String(1))
    result: Mapped[dict[str, Any]] = mapped_column(JSON)  # reasons, measures, hygiene, inputs
    next_change_on: Mapped[date | None] = mapped_column(Date, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # What statistics count, derived from the result on storing (domain/grade_summary.py),
    # so the plan's figures never parse a million result JSONs.
    catering_rating: Mapped[str | None] = mapped_column(String(12))
    licensing_restricted: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false())
    listed_until: Mapped[date | None] = mapped_column(Date, index=True)  # few ever listed
    open_kitchen: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    traceability: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    insured: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


# Incremental regrade asks "what changed since the last run?" of these columns.
Index("ix_enterprises_updated_at", EnterpriseRow.updated_at)
Index("ix_persons_updated_at", PersonRow.updated_at)
Index("ix_roles_updated_at", RoleRow.updated_at)
# A plan page in USCC order within a district walks this index and stops after the page.
Index("ix_enterprises_district_uscc", EnterpriseRow.district, EnterpriseRow.uscc)
