"""Fields for the service's keys: USCCs, resident ID numbers and opaque person ids."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import ValidationError

from credit_engine.domain.identifiers import id_number_problem, uscc_problem
from credit_engine.validation.fields import ScreenedString, text_problem

_PERSON_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


class Uscc(ScreenedString):
    """An 18-character unified social credit code with a valid GB 32100 check character."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=18, min_length=18, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        code = super()._deserialize(value, attr, data, **kwargs).upper()
        problem = uscc_problem(code)
        if problem:
            raise ValidationError(f"Not a valid unified social credit code: {problem}.")
        return code


class IdNumber(ScreenedString):
    """An 18-character resident ID number: a real birth date, a valid MOD 11-2 check digit."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=18, min_length=18, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        number = super()._deserialize(value, attr, data, **kwargs).upper()  # a lower-case x is common
        problem = id_number_problem(number)
        if problem:
            raise ValidationError(f"Not a valid resident ID number: {problem}.")
        return number


class PersonId(ScreenedString):
    """An opaque person id as the service hands it out (1..32 of A-Z a-z 0-9 _ -)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=32, min_length=1, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not _PERSON_ID.fullmatch(text):
            raise ValidationError("Not a valid person id.")
        return text


def subject_problem(subject_type: str, subject_id: str) -> str | None:
    """Why `subject_id` is not a valid key for `subject_type`, or None when it is."""
    screened = text_problem(subject_id)  # path segments reach here unscreened
    if screened:
        return screened
    if subject_type == "enterprise":
        problem = uscc_problem(subject_id.upper())
        return f"Not a valid unified social credit code: {problem}." if problem else None
    if not _PERSON_ID.fullmatch(subject_id):
        return "Not a valid person id."
    return None
