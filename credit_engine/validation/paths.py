"""Checks for keys that arrive in URL paths rather than in a body or query string."""

from __future__ import annotations

from credit_engine.errors import ValidationFailed
from credit_engine.validation.identifier_fields import subject_problem


def check_uscc(code: str, field: str = "uscc") -> str:
    """The upper-cased USCC, or ValidationFailed naming `field` when it is not valid."""
    problem = subject_problem("enterprise", code)
    if problem:
        raise ValidationFailed({field: [problem]})
    return code.upper()


def check_person_id(person_id: str, field: str = "person_id") -> str:
    """The opaque person id, or ValidationFailed naming `field` when it cannot be one."""
    problem = subject_problem("person", person_id)
    if problem:
        raise ValidationFailed({field: [problem]})
    return person_id
