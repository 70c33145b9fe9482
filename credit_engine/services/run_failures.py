"""What a regrade run could not grade: the subjects and errors an operator reads."""

from __future__ import annotations

from sqlalchemy.orm import Session

from credit_engine.errors import NotFound
from credit_engine.storage.repositories import regrade_failures
from credit_engine.storage.repositories.regrade_failures import StoredFailure


def failures_of_run(session: Session, run_id: int) -> list[StoredFailure]:
    """The run's failed subjects in the order recorded; NotFound when there is no such run."""
    if not regrade_failures.run_exists(session, run_id):
        raise NotFound(f"no run with id {run_id}")
    return regrade_failures.failures_of_run(session, run_id)
