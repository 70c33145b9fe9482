"""Helpers shared by the API tests: valid keys, audit look-ups, problem bodies."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from credit_engine.bootstrap import Container
from credit_engine.domain.identifiers import id_check_digit, uscc_check_char
from credit_engine.storage.models import AuditRow

USCC_A = "91310000" + "631234567"
USCC_B = "91310000" + "631234568"


def valid_uscc(first17: str) -> str:
    """A USCC with its GB 32100 check character appended."""
    return first17 + uscc_check_char(first17)


def valid_id_number(first17: str) -> str:
    """A resident ID with its ISO 7064 check digit appended."""
    return first17 + id_check_digit(first17)


def audit_entries(container: Container, action: str) -> list[AuditRow]:
    """The audit log entries of one action, oldest first."""
    with container.session_factory() as session:
        return list(session.scalars(
            select(AuditRow).where(AuditRow.action == action).order_by(AuditRow.id)))


def problem_of(response: Any) -> dict[str, Any]:
    """The problem body, after checking it is one."""
    assert response.mimetype == "application/problem+json", response.data[:200]
    body: dict[str, Any] = response.get_json(force=True)
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == response.status_code
    return body
