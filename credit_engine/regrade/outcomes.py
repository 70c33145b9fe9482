"""What one chunk and a whole regrade run report back to their callers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from credit_engine.services.grading import RegradeCounts


@dataclass(frozen=True)
class ChunkOutcome:
    """What one chunk did; `skipped` when it was already done (a retry, a second worker).

    `error` says why a chunk did not finish at all (its worker died, or an error outside
    any one subject): the run driver then retries or splits it. Nothing of it is stored.
    """

    seq: int
    size: int
    counts: RegradeCounts
    skipped: bool = False
    error: str | None = None


def no_counts() -> RegradeCounts:
    """Nothing regraded, changed or announced."""
    # Imported here: the grading path pulls in the rule engine, which planning never needs.
    from credit_engine.services.grading import RegradeCounts

    return RegradeCounts(0, 0, 0)


def unfinished(seq: int, error: str) -> ChunkOutcome:
    """The outcome of a chunk that did not finish (nothing of it was stored)."""
    return ChunkOutcome(seq, 0, no_counts(), error=error)


def skipped(seq: int) -> ChunkOutcome:
    """The outcome of a chunk another executor had finished already."""
    return ChunkOutcome(seq, 0, no_counts(), skipped=True)


@dataclass(frozen=True)
class RunReport:
    """The outcome of a regrade run (all attempts together)."""

    run_id: int
    job: str
    business_date: date
    mode: str
    resumed: bool
    subjects: int
    chunks: int
    regraded: int
    changed: int
    announcements: int
    duration_seconds: float
    failed: int = 0
