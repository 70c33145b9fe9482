"""Catering quantified grading (2012 guidance): the public smiling-face rating."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any, Mapping

from credit_engine.domain.dates import add_months, within_months
from credit_engine.domain.model import CreditFile, HygieneRating
from credit_engine.domain.record_kinds import INCIDENT, INSPECTION

_TENTH = Decimal("0.1")
_ORDER = ("excellent", "good", "fair", "not_rated")


def truncate(value: Decimal) -> Decimal:
    """Truncate (never round) to one decimal."""
    return value.quantize(_TENTH, rounding=ROUND_DOWN)


def dynamic_score(details: Mapping[str, Any]) -> Decimal | None:
    """points_total / items_checked truncated to one decimal; None without items."""
    items = details.get("items_checked")
    if not items:
        return None
    try:
        return truncate(Decimal(str(details.get("points_total") or 0)) / Decimal(int(items)))
    except (InvalidOperation, ValueError, ZeroDivisionError):
        return None


def hygiene_rating(file: CreditFile, as_of: date, config: Mapping[str, Any]) -> HygieneRating | None:
    """The annual rating as of `as_of` (None for categories outside the scheme)."""
    enterprise = file.enterprise
    if enterprise is None or enterprise.category not in config["categories"]:
        return None
    licensed_on = enterprise.licensed_on
    if licensed_on and as_of < add_months(licensed_on, config["new_licence_months"]):
        return HygieneRating("not_rated", None, "new_licence")
    counting = [r for r in file.records if r.counts_on(as_of)]
    if any(r.kind == INCIDENT and within_months(r.occurred_on, as_of, config["after_incident_months"])
           for r in counting):
        return HygieneRating("not_rated", None, "recent_incident")
    inspections = [r for r in counting if r.kind == INSPECTION
                   and within_months(r.occurred_on, as_of, config["window_months"])]
    scores = [s for s in (dynamic_score(r.details) for r in inspections) if s is not None]
    if not scores:
        return HygieneRating("not_rated", None, "no_scored_inspection")
    mean = truncate(sum(scores, Decimal(0)) / len(scores))
    if any(int(r.details.get("key_items_failed") or 0) >= config["key_items_failed_limit"] for r in inspections):
        return HygieneRating("not_rated", mean, "key_items_failed")
    for band in config["bands"]:
        if mean >= Decimal(str(band["min"])):
            return HygieneRating(band["rating"], mean, "scored")
    return HygieneRating("not_rated", mean, "below_minimum")


def below_target(file: CreditFile, rating: HygieneRating | None, config: Mapping[str, Any]) -> bool:
    """A canteen rated below the target (or not rated after its first months)."""
    target = config.get("target")
    if not target or rating is None or file.enterprise is None:
        return False
    if file.enterprise.category not in target["categories"] or rating.reason == "new_licence":
        return False
    return _ORDER.index(rating.rating) > _ORDER.index(target["min_rating"])
