"""Planning a claimed regrade run: its chunks are written once, before any grading.

A full run's chunks are key ranges covering every subject (the last one open, so late
arrivals are covered); an incremental run's are lists of the subjects that may have
changed (`storage/repositories/file_changes.py`) since the newest successful run's watermark. A dirty run
becomes full when there is no earlier run or a new ruleset took effect since. A resumed
run keeps the plan it has.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from credit_engine.domain.model import SubjectRef
from credit_engine.regrade.chunk_rows import PlannedChunk, add_chunk
from credit_engine.regrade.claims import DONE_STATUSES, Claim
from credit_engine.storage.repositories.file_changes import dirty_subjects
from credit_engine.storage.credit_files import iter_subject_keys
from credit_engine.storage.models import JobRunRow, utcnow
from credit_engine.storage.unit_of_work import transaction

if TYPE_CHECKING:
    from credit_engine.rules import RulesetRegistry

FULL, DIRTY = "all", "dirty"
REGRADE_JOBS = ("nightly_regrade", "full_regrade")
DEFAULT_CHUNK_SIZE = 1000


def _full_chunks(session: Session, chunk_size: int) -> Iterator[PlannedChunk]:
    """Key ranges covering every subject; the last one is open so late arrivals are covered."""
    after: SubjectRef | None = None
    pending: PlannedChunk | None = None
    while True:
        page = iter_subject_keys(session, after, chunk_size)
        if not page:
            break
        if pending:
            yield pending
        pending = PlannedChunk(after, page[-1], None, len(page))
        after = page[-1]
        if len(page) < chunk_size:
            break
    yield PlannedChunk(pending.after, None, None, pending.size) if pending \
        else PlannedChunk(None, None, None, 0)


def _dirty_chunks(subjects: Sequence[SubjectRef], chunk_size: int) -> Iterator[PlannedChunk]:
    ordered = sorted(subjects)
    for start in range(0, len(ordered), chunk_size):
        part = ordered[start:start + chunk_size]
        yield PlannedChunk(None, None, part, len(part))


def last_watermark(session: Session, business_date: date,
                   exclude_run_id: int | None = None) -> tuple[datetime | None, date | None]:
    """Changes-until and business date of the newest successful regrade run up to this date."""
    row = session.execute(
        select(JobRunRow.changes_until, JobRunRow.business_date)
        .where(JobRunRow.job.in_(REGRADE_JOBS), JobRunRow.status.in_(DONE_STATUSES),
               JobRunRow.business_date <= business_date, JobRunRow.changes_until.is_not(None),
               JobRunRow.id != (exclude_run_id or 0))
        .order_by(JobRunRow.changes_until.desc()).limit(1)).first()
    return (row[0], row[1]) if row else (None, None)


def _effective_mode(registry: RulesetRegistry, mode: str, business_date: date,
                    since: datetime | None, last_date: date | None) -> str:
    """A dirty run becomes full when there is no earlier run or a new ruleset took effect."""
    if mode == FULL or since is None or last_date is None:
        return FULL
    effective = getattr(registry, "effective_dates", ()) or ()
    if any(last_date < day <= business_date for day in effective):
        return FULL
    return DIRTY


def plan_run(session_factory: sessionmaker[Session], registry: RulesetRegistry, claim: Claim,
             mode: str, chunk_size: int, *, margin: timedelta) -> None:
    """Write the run's chunks, once; a resumed run keeps the plan it has. An incremental
    run looks for changes from `margin` before the last run's watermark."""
    with transaction(session_factory, lock_now=True) as session:
        run = session.get(JobRunRow, claim.run_id)
        assert run is not None, "a claimed run cannot disappear"  # rows are never deleted
        if run.planned_at is not None:
            return
        until = utcnow()  # taken before reading: anything later is the next run's
        since, last_date = last_watermark(session, run.business_date, run.id)
        effective = _effective_mode(registry, mode, run.business_date, since, last_date)
        if effective == FULL:
            chunks = _full_chunks(session, chunk_size)
            detail: dict[str, object] = {"requested": mode}
        else:
            assert since is not None
            dirty = dirty_subjects(session, since - margin, run.business_date)
            chunks = _dirty_chunks(list(dirty.subjects), chunk_size)
            detail = {"requested": mode, "changed": dirty.changed, "due": dirty.due,
                      "linked": dirty.linked, "failed_before": dirty.failed}
        total = seq = 0
        for seq, planned in enumerate(chunks, start=1):
            add_chunk(session, run.id, seq, planned)
            total += planned.size
        run.mode, run.planned_at, run.chunks_total, run.subjects_total = effective, utcnow(), seq, total
        run.changes_since, run.changes_until, run.detail = since, until, detail
