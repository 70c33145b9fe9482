"""Regrade and job runs: claims, chunks and the subjects a run could not grade."""

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
