"""Builders of subjects, roles and records for job tests: rows written directly, as ingest would."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from credit_engine.domain.identifiers import id_check_digit, uscc_check_char
from credit_engine.storage.models import (
    EnterpriseRow, PersonRow, RecordRow, RepairRow, RevocationRow, RoleRow,
)
from credit_engine.storage.repositories.subjects import sealed_person_row

CHECK_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def uscc(n: int) -> str:
    """A valid unified social credit code numbered n."""
    first17 = f"91310000MA{n:07d}"
    return first17 + uscc_check_char(first17)


def id_number(n: int) -> str:
    """A valid resident ID number numbered n."""
    first17 = f"310101198001{n:05d}"
    return first17 + id_check_digit(first17)


def add_enterprise(session: Session, n: int, category: str = "retail",
                   licensed_on: date = date(2015, 1, 1)) -> str:
    code = uscc(n)
    session.add(EnterpriseRow(uscc=code, name=f"食品店{n}", category=category,
                              district="黄浦区", licence_no=f"JY{n:012d}", licensed_on=licensed_on))
    return code


def add_person(session: Session, n: int) -> str:
    person_id = f"p{n:08d}"
    session.add(sealed_person_row(session, person_id, id_number(n), f"张{n}"))
    return person_id


def add_role(session: Session, code: str, person_id: str, role: str, from_on: date,
             to_on: date | None = None) -> None:
    session.add(RoleRow(uscc=code, person_id=person_id, role=role, from_on=from_on, to_on=to_on))


_counter = [0]


def add_record(session: Session, subject: tuple[str, str], kind: str, occurred_on: date,
               details: dict[str, Any]) -> RecordRow:
    """One record of `kind` for ("enterprise", uscc) or ("person", id)."""
    _counter[0] += 1
    body = {"subject": subject, "kind": kind, "occurred_on": occurred_on.isoformat(),
            "details": details, "n": _counter[0]}
    row = RecordRow(
        external_id=f"ext-{_counter[0]}-{hashlib.sha1(json.dumps(body).encode()).hexdigest()[:8]}",
        enterprise_uscc=subject[1] if subject[0] == "enterprise" else None,
        person_id=subject[1] if subject[0] == "person" else None,
        kind=kind, occurred_on=occurred_on, details=details,
        content_hash=hashlib.sha256(json.dumps(body).encode()).hexdigest(), received_by="test")
    session.add(row)
    session.flush()
    return row


def revoke(session: Session, record_id: int, on: date) -> None:
    session.add(RevocationRow(record_id=record_id, revoked_on=on, reason="appeal upheld",
                              created_by="test"))


def repair(session: Session, record_id: int, on: date) -> None:
    session.add(RepairRow(record_id=record_id, approved_on=on, note="repaired", created_by="test"))


def fine(amount: int, **extra: Any) -> dict[str, Any]:
    """Details of a penalty with a fine."""
    return {"decision_no": f"罚{amount}", "measures": ["fine"], "fine_amount": amount, **extra}


def inspection(result: str = "compliant") -> dict[str, Any]:
    return {"result": result, "key_items_failed": 0, "general_items_failed": 0, "refused": False}


def build_town(container: Any, enterprises: int, persons: int) -> None:
    """`enterprises` + `persons` subjects (each person the legal representative of the
    enterprise of the same number) graded on 2026-03-01; then every third enterprise
    suspended twice in February 2026 (grade D by override 2 on a later regrade)."""
    from credit_engine.regrade.driver import run_regrade

    with container.transaction() as session:
        for n in range(1, enterprises + 1):
            add_enterprise(session, n)
        for n in range(1, persons + 1):
            add_person(session, n)
            add_role(session, uscc(n), f"p{n:08d}", "legal_representative", date(2020, 1, 1))
    run_regrade(container, "full_regrade", "all", date(2026, 3, 1))
    with container.transaction() as session:
        for n in range(1, enterprises + 1, 3):
            for k in (1, 2):  # two suspensions within 12 months: grade D (override 2)
                add_record(session, ("enterprise", uscc(n)), "penalty", date(2026, 2, k),
                           {"decision_no": f"停{n}-{k}", "measures": ["suspension"]})

