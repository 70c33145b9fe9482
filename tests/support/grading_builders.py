"""Small builders of credit files for the grading tests (expectations stay in the tests)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from credit_engine.domain.model import CreditFile, Enterprise, PersonFile, Record, Role, SubjectRef

RULESETS_DIR = Path(__file__).resolve().parents[2] / "rulesets"
USCC = "91620900MA74XQ2P3C"
OTHER_USCC = "91620900MA74XQ2P4D"
ENT = SubjectRef("enterprise", USCC)
PERSON = SubjectRef("person", "p-1")
AS_OF = date(2026, 6, 15)

_ids = iter(range(1, 10**9))


def rec(kind: str, on: date, subject: SubjectRef = ENT, rid: int | None = None, **details: Any) -> Record:
    """A record; `revoked_on`/`repaired_on` may be passed among the keyword arguments."""
    revoked_on = details.pop("revoked_on", None)
    repaired_on = details.pop("repaired_on", None)
    rid = rid if rid is not None else next(_ids)
    return Record(rid, f"ext-{rid}", subject, kind, on, details, revoked_on, repaired_on)


def penalty(on: date, *measures: str, subject: SubjectRef = ENT, **details: Any) -> Record:
    return rec("penalty", on, subject, decision_no=f"D-{on}", measures=list(measures), **details)


def inspection(on: date, result: str = "compliant", **details: Any) -> Record:
    base = {"key_items_failed": 0, "general_items_failed": 0, "refused": False}
    return rec("inspection", on, result=result, **{**base, **details})


def recent_inspection() -> Record:
    """A compliant inspection in the last 24 months, so CAP-NO-RECENT-INSPECTION stays off."""
    return inspection(date(2026, 1, 10))


def enterprise_file(*records: Record, category: str = "retail", licensed_on: date | None = date(2015, 1, 1),
                    roles: tuple[Role, ...] = (), persons: tuple[PersonFile, ...] = ()) -> CreditFile:
    return CreditFile(ENT, tuple(records), roles, persons,
                      Enterprise(USCC, "酒泉测试食品有限公司", category, "肃州区", "JY1", licensed_on))


def person_file(*records: Record, roles: tuple[Role, ...] = (),
                enterprise_records: tuple[Record, ...] = ()) -> CreditFile:
    own = tuple(records)
    return CreditFile(PERSON, own, roles, (PersonFile(PERSON.id, own, roles, enterprise_records),))


def rule_ids(result: Any) -> list[str]:
    return [r.rule for r in result.reasons]


def measure_codes(result: Any) -> list[str]:
    return [m.code for m in result.measures]
