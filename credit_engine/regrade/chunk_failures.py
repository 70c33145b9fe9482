"""What becomes of a chunk that did not finish: retried, then split until the subject at
fault is alone, then recorded as failed.

A subject whose grading raises is recorded inside its chunk's transaction
(`chunk_execution.execute_chunk`). This module is for the rest: a chunk whose worker died
(a signal, a segmentation fault in the rule engine, the out-of-memory killer) or that
raised outside any one subject. The run driver (`driver.py`) hands every such
chunk to `ChunkRetries`, whatever executor ran it:

1. the first time, the chunk is run again (executors run it in a fresh process);
2. when it fails again, it is split in two halves, both pending chunks of the run (the
   chunk keeps its first half, the second becomes a new chunk at the end of the run);
3. a half that fails is split again at once: its failure is already reproduced;
4. a chunk of one subject that fails is marked done with that subject recorded in
   `regrade_failures`, the error being why its last executor stopped.

Splitting and recording are transactions on the chunk rows, so a run killed midway
resumes with the halves it had, and exactly-once per subject holds as before.
"""

from __future__ import annotations

import logging

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from credit_engine.regrade.chunk_rows import (
    chunk_subjects, locked_chunk, record_failures, split_chunk_row,
)
from credit_engine.regrade.outcomes import ChunkOutcome
from credit_engine.storage.models import JobRunChunkRow, JobRunRow, utcnow
from credit_engine.storage.unit_of_work import transaction

log = logging.getLogger(__name__)


def split_chunk(session_factory: sessionmaker[Session], run_id: int, seq: int) -> list[int]:
    """Split pending chunk `seq` in two; the sequence numbers of the halves.

    [seq] alone when it has fewer than two subjects; [] when it is done already.
    """
    with transaction(session_factory, lock_now=True) as session:
        chunk = locked_chunk(session, run_id, seq)
        if chunk.status != "pending":
            return []
        subjects = chunk_subjects(session, chunk)
        if len(subjects) < 2:
            return [seq]
        run = session.get(JobRunRow, run_id)
        assert run is not None, "a planned chunk belongs to a run"
        last = session.scalar(select(func.max(JobRunChunkRow.seq))
                              .where(JobRunChunkRow.run_id == run_id))
        second = split_chunk_row(chunk, subjects, (last or seq) + 1)
        session.add(second)
        run.chunks_total += 1
        return [seq, second.seq]


def fail_chunk(session_factory: sessionmaker[Session], run_id: int, seq: int, error: str,
               worker: str) -> ChunkOutcome | None:
    """Mark pending chunk `seq` done with each of its subjects recorded as failed."""
    from credit_engine.services.grading import RegradeCounts, SubjectFailure

    with transaction(session_factory, lock_now=True) as session:
        chunk = locked_chunk(session, run_id, seq)
        if chunk.status != "pending":
            return None
        subjects = chunk_subjects(session, chunk)
        record_failures(session, run_id, [SubjectFailure(s, error) for s in subjects])
        chunk.status, chunk.done_at, chunk.done_by = "done", utcnow(), worker
        chunk.size, chunk.regraded, chunk.changed, chunk.announcements = len(subjects), 0, 0, 0
    return ChunkOutcome(seq, len(subjects), RegradeCounts(0, 0, 0, len(subjects)))


class ChunkRetries:
    """The run driver's memory of which chunks failed: retry once, then bisect."""

    def __init__(self, session_factory: sessionmaker[Session], run_id: int, worker: str) -> None:
        self.session_factory, self.run_id, self.worker = session_factory, run_id, worker
        self.retried: set[int] = set()
        self.pieces: set[int] = set()  # halves of a split chunk: no second chance

    def after(self, outcome: ChunkOutcome) -> tuple[list[int], ChunkOutcome | None]:
        """The chunks to run next for failed `outcome`, and the outcome of a chunk that
        was finished by recording its subject as failed (None when nothing finished)."""
        seq, error = outcome.seq, outcome.error or "the chunk did not finish"
        if seq not in self.retried and seq not in self.pieces:
            self.retried.add(seq)
            log.warning("run %s, chunk %s failed (%s): running it again", self.run_id, seq, error)
            return [seq], None
        halves = split_chunk(self.session_factory, self.run_id, seq)
        if len(halves) == 2:
            self.pieces.update(halves)
            log.warning("run %s, chunk %s failed again (%s): split into chunks %s and %s",
                        self.run_id, seq, error, *halves)
            return halves, None
        if not halves:  # another executor finished it meanwhile
            return [], None
        return [], fail_chunk(self.session_factory, self.run_id, seq, error, self.worker)

