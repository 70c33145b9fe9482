"""Run claims: each (job, business date) runs once, across processes, restarts and machines.

A run claims its (job, business date) by inserting a `job_runs` row under a UNIQUE
constraint. Whoever finds the row already there either stops (the run succeeded, or a
live process owns it) or takes it over with a compare-and-set update (its owner died or
stopped sending heartbeats: `Settings.run_lease`) and resumes from the run's checkpoints.
Every write here takes SQLite's write lock at once (`transaction(..., lock_now=True)`).
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from credit_engine.errors import Conflict
from credit_engine.storage.models import JobRunRow, utcnow
from credit_engine.storage.unit_of_work import transaction

log = logging.getLogger(__name__)

# A run that finished, with or without subjects it could not grade: never run again (the
# next nightly run retries failed subjects).
DONE_STATUSES = ("succeeded", "completed_with_failures")


class RunAlreadyDone(Conflict):
    """The (job, business date) already ran to completion."""


class RunInProgress(Conflict):
    """A live process owns the (job, business date) right now."""


@dataclass(frozen=True)
class Claim:
    """A claimed run: its id and whether it resumes an earlier, interrupted attempt."""

    run_id: int
    job: str
    business_date: date
    resumed: bool
    owner: str


def owner_id() -> str:
    """This process as an owner: `host:pid`."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything stored is UTC.
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    try:  # a killed child nobody has reaped yet is a zombie: dead for our purposes
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def owner_alive(owner: str, heartbeat_at: datetime, lease: timedelta,
                now: datetime | None = None) -> bool:
    """False when the owner's heartbeat lapsed (older than `lease`), or it ran on this host
    and its process is gone."""
    now = now or utcnow()
    if now - _aware(heartbeat_at) > lease:
        return False
    host, _, pid = owner.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        return _process_alive(int(pid))
    return True


def _insert_claim(session_factory: sessionmaker[Session], job: str, business_date: date,
                  mode: str, owner: str) -> int | None:
    try:
        with transaction(session_factory, lock_now=True) as session:
            row = JobRunRow(job=job, business_date=business_date, mode=mode, status="running",
                            owner=owner, detail={})
            session.add(row)
            session.flush()
            return row.id
    except IntegrityError:
        return None


def _take_over(session: Session, row: JobRunRow, mode: str, owner: str) -> bool:
    """Compare-and-set: only one of several racing processes wins the row."""
    result = session.execute(
        update(JobRunRow)
        .where(JobRunRow.id == row.id, JobRunRow.owner == row.owner,
               JobRunRow.attempts == row.attempts, JobRunRow.status == row.status)
        .values(owner=owner, status="running", mode=mode, attempts=row.attempts + 1,
                heartbeat_at=utcnow(), finished_at=None, error=None)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1  # type: ignore[attr-defined]


def claim_run(session_factory: sessionmaker[Session], job: str, business_date: date,
              mode: str, *, lease: timedelta) -> Claim:
    """Claim (job, business date) or raise RunAlreadyDone / RunInProgress (a running owner
    is taken to be dead after `lease` without a heartbeat)."""
    owner = owner_id()
    run_id = _insert_claim(session_factory, job, business_date, mode, owner)
    if run_id is not None:
        return Claim(run_id, job, business_date, False, owner)
    with transaction(session_factory, lock_now=True) as session:
        row = session.scalars(select(JobRunRow).where(
            JobRunRow.job == job, JobRunRow.business_date == business_date)).one()
        if row.status in DONE_STATUSES:
            how = row.status.replace("_", " ")  # succeeded, completed with failures
            raise RunAlreadyDone(f"{job} for {business_date} already {how} (run {row.id}).",
                                 run_id=row.id)
        if row.status == "running" and owner_alive(row.owner, row.heartbeat_at, lease):
            raise RunInProgress(f"{job} for {business_date} is running in {row.owner} "
                                f"(run {row.id}).", run_id=row.id)
        if not _take_over(session, row, mode, owner):
            raise RunInProgress(f"{job} for {business_date} was just taken over by another "
                                f"process (run {row.id}).", run_id=row.id)
        log.warning("resuming %s for %s (run %s) after %s", job, business_date, row.id, row.owner)
        return Claim(row.id, job, business_date, True, owner)


def heartbeat(session_factory: sessionmaker[Session], claim: Claim) -> None:
    """Tell other processes the owner is alive."""
    with transaction(session_factory, lock_now=True) as session:
        session.execute(update(JobRunRow).where(
            JobRunRow.id == claim.run_id, JobRunRow.owner == claim.owner)
            .values(heartbeat_at=utcnow()).execution_options(synchronize_session=False))


def finish_run(session_factory: sessionmaker[Session], claim: Claim, status: str,
               elapsed: float, error: str | None = None, **values: Any) -> None:
    """Mark the run finished (a DONE_STATUSES value) or failed, adding this attempt's
    elapsed seconds."""
    with transaction(session_factory, lock_now=True) as session:
        row = session.get(JobRunRow, claim.run_id)
        assert row is not None, "a claimed run cannot disappear"  # rows are never deleted
        row.status, row.finished_at, row.error = status, utcnow(), error
        row.heartbeat_at = row.finished_at
        row.duration_seconds = (row.duration_seconds or 0.0) + elapsed
        for name, value in values.items():
            setattr(row, name, value)


def recent_runs(session: Session, limit: int = 20, job: str | None = None) -> list[JobRunRow]:
    """The newest runs first (by business date, then id)."""
    query = select(JobRunRow)
    if job:
        query = query.where(JobRunRow.job == job)
    return list(session.scalars(
        query.order_by(JobRunRow.business_date.desc(), JobRunRow.id.desc()).limit(limit)))


def recent_run_views(session: Session, limit: int = 20, job: str | None = None
                     ) -> list[dict[str, object]]:
    """The newest runs first, each as `run_view` shows it."""
    from credit_engine.regrade.chunk_rows import run_totals

    return [run_view(row, run_totals(session, row.id)) for row in recent_runs(session, limit, job)]


def run_view(row: JobRunRow, totals: dict[str, int]) -> dict[str, object]:
    """A run as `jobs status` shows it; a run still going shows what its done chunks add
    up to so far."""
    counts = totals if row.status not in DONE_STATUSES else {
        "regraded": row.regraded, "changed": row.changed, "announcements": row.announcements}
    return {"id": row.id, "job": row.job, "business_date": row.business_date.isoformat(),
            "mode": row.mode, "status": row.status, "subjects": row.subjects_total,
            "regraded": counts["regraded"], "changed": counts["changed"],
            "announcements": counts["announcements"], "failed": totals["failed"],
            "chunks": f"{totals['chunks_done']}/{row.chunks_total}", "duration_s": round(row.duration_seconds or 0.0, 1),
            "attempts": row.attempts, "owner": row.owner,
            "started_at": row.started_at.isoformat(),
            "finished_at": row.finished_at.isoformat() if row.finished_at else None,
            "detail": row.detail, "error": row.error}


def run_task(session_factory: sessionmaker[Session], job: str, business_date: date,
             task: Callable[[Session], dict[str, Any]], *, lease: timedelta) -> dict[str, Any]:
    """Run a one-transaction job once per business date; its result is stored as detail.

    The task's work and the run's success commit together. A failure is recorded (its own
    transaction) and re-raised; a failed run may be claimed and tried again.
    """
    claim = claim_run(session_factory, job, business_date, "task", lease=lease)
    started = time.monotonic()
    try:
        with transaction(session_factory, lock_now=True) as session:
            detail = task(session)
            row = session.get(JobRunRow, claim.run_id)
            assert row is not None, "a claimed run cannot disappear"
            row.status, row.finished_at, row.detail = "succeeded", utcnow(), detail
            row.duration_seconds = (row.duration_seconds or 0.0) + time.monotonic() - started
        return detail
    except BaseException as error:
        finish_run(session_factory, claim, "failed", time.monotonic() - started,
                   error=f"{type(error).__name__}: {error}"[:2000])
        raise
