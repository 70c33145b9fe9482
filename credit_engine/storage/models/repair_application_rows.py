"""Repair applications: an enterprise (or person) asks for credit repair of one penalty and
the office decides. The application keeps what was asked and the eligibility found when it
was filed; the repair itself, once approved, is the `repairs` row it points to."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from credit_engine.storage.models.base import Base, Id, utcnow


class RepairApplicationRow(Base):
    """One application for repair of one penalty record; pending until approved or refused."""

    __tablename__ = "repair_applications"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'refused')", name="status_known"),
        Index("ix_repair_applications_status", "status", "applied_on"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    applied_on: Mapped[date] = mapped_column(Date)
    statement: Mapped[str] = mapped_column(Text)
    materials: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # [{kind, title}]
    # Judged by the repair rules on the day it was filed; the decision judges again.
    eligible: Mapped[bool] = mapped_column(Boolean)
    eligibility_reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    decided_on: Mapped[date | None] = mapped_column(Date)
    decision_note: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    repair_id: Mapped[int | None] = mapped_column(ForeignKey("repairs.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
