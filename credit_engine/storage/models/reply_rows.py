"""Enterprise replies (the right to reply): an enterprise's own public statement about its
grade, shown beside the grade until the grade next changes. Append-only: a new reply is a
new row, the latest one shown."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from credit_engine.storage.models.base import Base, Id, utcnow


class ReplyRow(Base):
    """One reply of one enterprise, dated the day it was submitted."""

    __tablename__ = "enterprise_replies"
    __table_args__ = (
        # "the latest reply of an enterprise on or before a date"
        Index("ix_enterprise_replies_latest", "uscc", "submitted_on", "id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    uscc: Mapped[str] = mapped_column(ForeignKey("enterprises.uscc"))
    text: Mapped[str] = mapped_column(Text)
    submitted_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
