"""What statistics count of a stored grade, kept beside it as plain columns.

The plan's figures (docs/statistics.md) are counted over a million enterprises from the
grades in force; reading and parsing a million stored result JSONs per question would be far
too slow, so each stored grade carries these few derived values: the catering rating,
whether its licensing decision is `restricted`, the end of a listing, and which of the
counted practices and insurance were valid on the grade's date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from credit_engine.domain.model import CreditResult, Record, decide
from credit_engine.domain.record_kinds import INSURANCE, PRACTICE

# The practice a record names when its details leave it out (as the grading facts read it).
DEFAULT_PRACTICE = "traceability"


@dataclass(frozen=True)
class GradeSummary:
    catering_rating: str | None = None     # excellent | good | fair | not_rated; None: no rating
    licensing_restricted: bool = False
    listed_until: date | None = None       # on the serious-dishonesty list until (exclusive)
    open_kitchen: bool = False             # a valid `open_kitchen` practice on the grade's date
    traceability: bool = False             # a valid `traceability` practice
    insured: bool = False                  # a valid `insurance` record


def _valid_until(details: Mapping[str, Any]) -> date | None:
    value = details.get("valid_until")
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def valid_on(record: Record, day: date) -> bool:
    """A validity record (practice, insurance) counts on `day` as for its bonus: known by
    then, not revoked or repaired, and `valid_until` on or after the day."""
    until = _valid_until(record.details)
    return record.counts_on(day) and until is not None and until >= day


def coverage(records: Iterable[Record], day: date) -> dict[str, bool]:
    """Which practices and whether insurance were valid on `day`, from a subject's records."""
    found = {"open_kitchen": False, "traceability": False, "insured": False}
    for record in records:
        if record.kind not in (PRACTICE, INSURANCE) or not valid_on(record, day):
            continue
        if record.kind == INSURANCE:
            found["insured"] = True
        else:
            practice = record.details.get(PRACTICE) or DEFAULT_PRACTICE
            if practice in found:
                found[practice] = True
    return found


def summarise(result: CreditResult, records: Iterable[Record] = ()) -> GradeSummary:
    """The summary of `result`; `records` are the subject's own (for the coverage)."""
    rating = result.hygiene_rating.rating if result.hygiene_rating else None
    return GradeSummary(
        catering_rating=rating,
        licensing_restricted=decide(result, "licensing").outcome == "restricted",
        listed_until=result.listed_until,
        **coverage(records, result.as_of))


def summary_of_stored(result: Mapping[str, Any]) -> dict[str, Any]:
    """The summary fields a stored result JSON holds itself (all but the coverage), as
    column values: what a migration fills existing rows with."""
    rating = result.get("hygiene_rating") or {}
    restricted = any(m.get("context") == "licensing" and m.get("kind") == "restriction"
                     for m in result.get("measures") or ())
    until = result.get("listed_until")
    return {"catering_rating": rating.get("rating"), "licensing_restricted": restricted,
            "listed_until": date.fromisoformat(until) if until else None}
