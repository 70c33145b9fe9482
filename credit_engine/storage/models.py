"""SQLAlchemy 2 typed models. Facts are append-only: revocation, repair and grades are
new rows, never edits or deletes of a record."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON, BigInteger, Boolean, CheckConstraint, Date, DateTime, Float, ForeignKey, Index, Integer,
    MetaData, String, Text, UniqueConstraint,
)
from sqlalchemy.sql.expression import false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# BigInteger ids that are still INTEGER PRIMARY KEY (rowid aliases) on SQLite.
Id = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, datetime: DateTime(timezone=True)}


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
    __tablename__ = "persons"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # opaque, random
    id_number: Mapped[str] = mapped_column(String(18), unique=True)  # exact match; masked on output
    name: Mapped[str] = mapped_column(String(100))
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


class ApiKeyRow(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column()

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


class JobRunRow(Base):
    """One run of a scheduled job for one business date: the claim that makes it happen once.

    UNIQUE(job, business_date) is the guarantee: a second scheduler, a restart or a manual
    command on the same date finds this row and resumes it (if its owner is gone) or
    leaves it alone. `changes_until` is the watermark the next incremental run starts from.
    """

    __tablename__ = "job_runs"
    __table_args__ = (
        UniqueConstraint("job", "business_date", name="uq_job_runs_job_day"),
        CheckConstraint("status IN ('running', 'succeeded', 'completed_with_failures', "
                        "'failed')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    job: Mapped[str] = mapped_column(String(64))
    business_date: Mapped[date] = mapped_column(Date)
    mode: Mapped[str] = mapped_column(String(10))  # all, dirty, task
    status: Mapped[str] = mapped_column(String(30), default="running")
    owner: Mapped[str] = mapped_column(String(200))  # host:pid of the process running it
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()
    planned_at: Mapped[datetime | None] = mapped_column()
    changes_since: Mapped[datetime | None] = mapped_column()
    changes_until: Mapped[datetime | None] = mapped_column()
    subjects_total: Mapped[int] = mapped_column(Integer, default=0)
    chunks_total: Mapped[int] = mapped_column(Integer, default=0)
    regraded: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    announcements: Mapped[int] = mapped_column(Integer, default=0)
    duration_seconds: Mapped[float] = mapped_column(Float, default=0.0)  # active time, all attempts
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)


class JobRunChunkRow(Base):
    """One chunk of a run: a key range (full run) or a list of subjects (incremental run).

    A chunk turns `done` in the same transaction that stores its grades and announcements,
    so a killed run resumes exactly at the first chunk not done.
    """

    __tablename__ = "job_run_chunks"
    __table_args__ = (
        UniqueConstraint("run_id", "seq", name="uq_job_run_chunks_run_seq"),
        CheckConstraint("status IN ('pending', 'done')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("job_runs.id"))
    seq: Mapped[int] = mapped_column(Integer)
    after_key: Mapped[str | None] = mapped_column(String(50))  # exclusive; None: from the start
    upto_key: Mapped[str | None] = mapped_column(String(50))  # inclusive; None: to the end
    subjects: Mapped[list[str] | None] = mapped_column(JSON)  # explicit "type:id" list
    size: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    regraded: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    announcements: Mapped[int] = mapped_column(Integer, default=0)
    done_at: Mapped[datetime | None] = mapped_column()
    done_by: Mapped[str | None] = mapped_column(String(200))


class RegradeFailureRow(Base):
    """A subject a regrade run could not grade: recorded instead of stopping the run.

    Written in the transaction of the chunk that met the failure (or of the one-subject
    chunk that a dying worker was narrowed down to), so it exists exactly once per run and
    subject. The next incremental run grades failed subjects again.
    """

    __tablename__ = "regrade_failures"
    __table_args__ = (
        UniqueConstraint("run_id", "subject_type", "subject_id",
                         name="uq_regrade_failures_run_subject"),
        Index("ix_regrade_failures_at", "at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("job_runs.id"))
    subject_type: Mapped[str] = mapped_column(String(10))
    subject_id: Mapped[str] = mapped_column(String(32))
    error: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)


# Incremental regrade asks "what changed since the last run?" of these columns.
Index("ix_enterprises_updated_at", EnterpriseRow.updated_at)
Index("ix_persons_updated_at", PersonRow.updated_at)
Index("ix_roles_updated_at", RoleRow.updated_at)
