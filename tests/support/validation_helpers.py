"""Known-valid identifiers, example records and a helper that returns flat errors."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema

from credit_engine.domain.identifiers import id_check_digit, uscc_check_char
from credit_engine.domain.record_kinds import KINDS
from credit_engine.errors import ValidationFailed
from credit_engine.validation import load_or_raise

USCC = "91350100M000100Y43"
OTHER_USCC = "91350100M00020000" + uscc_check_char("91350100M00020000")
ID_NUMBER = "11010519491231002" + id_check_digit("11010519491231002")
PERSON_ID = "p_4f9a2c"


def wrong_check(code: str, alphabet: str) -> str:
    """`code` with its last character replaced by another character of `alphabet`."""
    return code[:17] + next(ch for ch in alphabet if ch != code[17])


BAD_USCC = wrong_check(USCC, "0123456789ABCDEFGHJKLMNPQRTUWXY")
BAD_ID_NUMBER = wrong_check(ID_NUMBER, "0123456789X")

DETAILS_BY_KIND: dict[str, dict[str, Any]] = {
    "penalty": {"decision_no": "榕市监罚〔2025〕12号", "measures": ["warning"]},
    "inspection": {"result": "compliant", "key_items_failed": 0, "general_items_failed": 1},
    "sampling": {"result": "pass", "level": "city", "product": "rice noodles"},
    "self_check": {"period": "2025-Q1", "status": "on_time"},
    "complaint": {"substantiated": True},
    "incident": {"level": "general"},
    "conviction": {"imprisonment": True, "case_no": "(2024)闽0102刑初1号"},
    "commendation": {"level": "provincial", "title": "Food safety model unit"},
    "certification": {"scheme": "HACCP", "valid_until": "2027-12-31"},
    "insurance": {"policy_no": "PICC-2025-001", "valid_until": "2026-05-31"},
    "practice": {"practice": "open_kitchen", "valid_until": "2026-01-01"},
    "training": {"year": 2024, "hours": 12.5},
}


def record(kind: str = "penalty", details: Any = None, **overrides: Any) -> dict[str, Any]:
    """A valid record of `kind` (an enterprise subject, a person for person-only kinds), with
    fields replaced by `overrides`."""
    subject = {"type": "person", "id": PERSON_ID} if KINDS[kind].subject_types == ("person",) \
        else {"type": "enterprise", "id": USCC}
    body: dict[str, Any] = {
        "external_id": f"src-{kind}-1",
        "subject": subject,
        "kind": kind,
        "occurred_on": "2025-03-10",
        "details": DETAILS_BY_KIND[kind] if details is None else details,
    }
    body.update(overrides)
    return body


def errors_of(schema: type[Schema], data: Any) -> dict[str, list[str]]:
    """The flat errors loading `data` gives; fails the test when it loads."""
    try:
        loaded = load_or_raise(schema, data)
    except ValidationFailed as failure:
        return failure.errors
    raise AssertionError(f"expected a validation error, loaded {loaded!r}")
