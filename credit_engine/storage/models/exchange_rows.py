"""Data exchange: the change feed, webhook endpoints, their deliveries and the attempt log.

`change_feed` rows are written unnumbered (`seq` NULL) in the transaction that stores the
grade they describe; a sequencer numbers committed rows later, one at a time under a lock,
so `seq` order is the order in which rows became visible and a reader that passed `seq` N
can never see a row numbered below N afterwards (docs/change-feed-and-webhooks.md).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from credit_engine.storage.models.base import Base, Id, utcnow

# A nullable big integer (not a rowid alias on SQLite: it is no primary key).
Seq = BigInteger()


class ChangeFeedRow(Base):
    """One change of a subject's stored grade or measures; `seq` NULL until sequenced."""

    __tablename__ = "change_feed"
    __table_args__ = (
        UniqueConstraint("seq", name="uq_change_feed_seq"),
        Index("ix_change_feed_unsequenced", "id", postgresql_where="seq IS NULL",
              sqlite_where="seq IS NULL"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    seq: Mapped[int | None] = mapped_column(Seq)
    subject_type: Mapped[str] = mapped_column(String(10))
    subject_id: Mapped[str] = mapped_column(String(32))
    as_of: Mapped[date] = mapped_column(Date)
    old_grade: Mapped[str | None] = mapped_column(String(1))
    new_grade: Mapped[str] = mapped_column(String(1))
    measures_added: Mapped[list[str]] = mapped_column(JSON)
    measures_removed: Mapped[list[str]] = mapped_column(JSON)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookEndpointRow(Base):
    """A receiver of the change feed: its URL, its signing secret (AES-GCM under the data
    key, never in clear) and `fed_until`, the last feed `seq` turned into deliveries."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    url: Mapped[str] = mapped_column(String(2000))
    secret_encrypted: Mapped[str] = mapped_column(Text)
    fed_until: Mapped[int] = mapped_column(BigInteger, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookDeliveryRow(Base):
    """One change-feed item to deliver to one endpoint, until a 2xx answer."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("endpoint_id", "change_seq", name="uq_webhook_deliveries_endpoint_seq"),
        CheckConstraint("status IN ('pending', 'delivered')", name="status_known"),
        Index("ix_webhook_deliveries_due", "endpoint_id", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_subject", "endpoint_id", "subject_type", "subject_id",
              "status"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id",
                                                        ondelete="CASCADE"))
    change_seq: Mapped[int] = mapped_column(BigInteger)
    subject_type: Mapped[str] = mapped_column(String(10))
    subject_id: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column()


class WebhookAttemptRow(Base):
    """The delivery log: one row per POST tried, with its answer or error and its times."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (Index("ix_webhook_attempts_delivery", "delivery_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_deliveries.id",
                                                        ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column()
    finished_at: Mapped[datetime] = mapped_column()
    status: Mapped[int | None] = mapped_column(Integer)  # HTTP status; None: no answer
    error: Mapped[str | None] = mapped_column(Text)
