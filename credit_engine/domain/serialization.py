"""CreditResult <-> JSON-safe dicts: how grades are stored and how the API shows them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from credit_engine.domain.model import (
    CreditResult, HygieneRating, Measure, Reason, SubjectRef,
)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def subject_to_dict(subject: SubjectRef) -> dict[str, str]:
    return {"type": subject.type, "id": subject.id}


def reason_to_dict(reason: Reason) -> dict[str, Any]:
    return {"rule": reason.rule, "points": reason.points, "record_ids": list(reason.record_ids),
            "basis": reason.basis, "text": reason.text}


def measure_to_dict(measure: Measure) -> dict[str, Any]:
    return {"code": measure.code, "kind": measure.kind, "context": measure.context,
            "title": measure.title, "basis": measure.basis, "from": _iso(measure.from_),
            "until": _iso(measure.until), "because": list(measure.because)}


def hygiene_to_dict(rating: HygieneRating | None) -> dict[str, Any] | None:
    if rating is None:
        return None
    score = None if rating.score is None else str(rating.score)
    return {"rating": rating.rating, "score": score, "reason": rating.reason}


def result_to_dict(result: CreditResult) -> dict[str, Any]:
    """Everything of a result, JSON-safe (Decimal as string, dates as ISO strings)."""
    return {
        "subject": subject_to_dict(result.subject),
        "as_of": result.as_of.isoformat(),
        "ruleset": result.ruleset,
        "score": result.score,
        "grade": result.grade,
        "reasons": [reason_to_dict(r) for r in result.reasons],
        "measures": [measure_to_dict(m) for m in result.measures],
        "inspections_per_year": result.inspections_per_year,
        "hygiene_rating": hygiene_to_dict(result.hygiene_rating),
        "flags": list(result.flags),
        "listed_until": _iso(result.listed_until),
        "listing_record_ids": list(result.listing_record_ids),
        "banned_until": _iso(result.banned_until),
        "banned_for_life": result.banned_for_life,
        "next_change_on": _iso(result.next_change_on),
        "input_record_ids": list(result.input_record_ids),
    }


def result_from_dict(data: dict[str, Any]) -> CreditResult:
    """The inverse of result_to_dict."""
    hygiene = data.get("hygiene_rating")
    return CreditResult(
        subject=SubjectRef(data["subject"]["type"], data["subject"]["id"]),
        as_of=date.fromisoformat(data["as_of"]),
        ruleset=data["ruleset"],
        score=data["score"],
        grade=data["grade"],
        reasons=tuple(
            Reason(r["rule"], r["points"], tuple(r["record_ids"]), r["basis"], r.get("text", ""))
            for r in data["reasons"]
        ),
        measures=tuple(
            Measure(m["code"], m["kind"], m["context"], m["title"], m["basis"],
                    _day(m["from"]), _day(m["until"]), tuple(m["because"]))
            for m in data["measures"]
        ),
        inspections_per_year=data.get("inspections_per_year"),
        hygiene_rating=None if hygiene is None else HygieneRating(
            hygiene["rating"], None if hygiene["score"] is None else Decimal(hygiene["score"]),
            hygiene["reason"]),
        flags=tuple(data.get("flags", ())),
        listed_until=_day(data.get("listed_until")),
        listing_record_ids=tuple(data.get("listing_record_ids", ())),
        banned_until=_day(data.get("banned_until")),
        banned_for_life=bool(data.get("banned_for_life", False)),
        next_change_on=_day(data.get("next_change_on")),
        input_record_ids=tuple(data.get("input_record_ids", ())),
    )
