"""The subjects a regrade run could not grade, as the CLI reports them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from credit_engine.storage.models import JobRunRow, RegradeFailureRow


@dataclass(frozen=True)
class StoredFailure:
    """One subject a run could not grade: its type and id, the error, when."""

    subject_type: str
    subject_id: str
    error: str
    at: datetime


def run_exists(session: Session, run_id: int) -> bool:
    """True when a job run with this id is stored."""
    return session.get(JobRunRow, run_id) is not None


def failures_of_run(session: Session, run_id: int) -> list[StoredFailure]:
    """The run's failed subjects in the order they were recorded."""
    return [StoredFailure(*row) for row in session.execute(
        select(RegradeFailureRow.subject_type, RegradeFailureRow.subject_id,
               RegradeFailureRow.error, RegradeFailureRow.at)
        .where(RegradeFailureRow.run_id == run_id).order_by(RegradeFailureRow.id))]
