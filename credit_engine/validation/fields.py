"""Strict marshmallow fields for JSON input: no silent coercion of wrong types."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable

from marshmallow import ValidationError, fields, validate

from credit_engine.domain.identifiers import id_number_problem, uscc_problem
from credit_engine.validation.context import current_today

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_QUARTER = re.compile(r"(\d{4})-Q([1-4])")
_PERSON_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


class Text(fields.String):
    """A string, trimmed unless `strip=False`, never blank, at most `max_length` characters."""

    def __init__(self, *, max_length: int | None = None, strip: bool = True, **kwargs: Any) -> None:
        validators = list(kwargs.pop("validate", None) or [])
        if max_length is not None:  # a Length validator, so OpenAPI documents maxLength
            validators.append(
                validate.Length(min=1, max=max_length, error="Must be at most {max} characters.")
            )
        super().__init__(validate=validators, **kwargs)
        self.strip = strip

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if self.strip:
            text = text.strip()
        if not text.strip():
            raise ValidationError("Must not be empty.")
        return text


class Choice(fields.String):
    """A string that must be one of a fixed set of values."""

    def __init__(self, choices: Iterable[str], **kwargs: Any) -> None:
        self.choices = tuple(choices)
        super().__init__(validate=validate.OneOf(self.choices), **kwargs)


class StrictBoolean(fields.Boolean):
    """JSON true or false only: "yes", 1 or "true" are type errors, not booleans."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if value is True or value is False:
            return value
        raise self.make_error("invalid", input=value)


MAX_SAFE_INTEGER = 2**53 - 1  # beyond this JSON numbers lose precision (and ids overflow)


class StrictInteger(fields.Integer):
    """A JSON integer: floats, strings and booleans are rejected instead of truncated; its
    magnitude is bounded so it fits every database's BIGINT and every JSON reader."""

    def __init__(self, **kwargs: Any) -> None:
        bound = validate.Range(min=-MAX_SAFE_INTEGER, max=MAX_SAFE_INTEGER)
        extra = kwargs.pop("validate", None)
        checks = [bound, *(extra if isinstance(extra, list) else [extra] if extra else [])]
        super().__init__(strict=True, validate=checks, **kwargs)


class JsonNumber(fields.Decimal):
    """A finite JSON number (int, float or Decimal), loaded as an int or float so it stores as JSON."""

    default_error_messages = {"invalid": "Not a valid number.", "special": "Must be a finite number."}

    # a subclass of Decimal so OpenAPI says "number"; loads int/float because details are JSON
    def _deserialize(  # type: ignore[override]
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> int | float:
        if value is True or value is False or not isinstance(value, (int, float, Decimal)):
            raise self.make_error("invalid", input=value)
        try:
            # str() first so 0.1 stays 0.1 rather than its binary expansion
            number = value if isinstance(value, Decimal) else Decimal(str(value))
        except InvalidOperation as error:
            raise self.make_error("invalid", input=value) from error
        if not number.is_finite():
            raise self.make_error("special")
        if number == number.to_integral_value():
            return int(number)
        return float(number)


class IsoDate(fields.Date):
    """A `YYYY-MM-DD` date; with `not_future`, no later than the validation today.

    With `as_string`, the loaded value is the ISO string (for JSON-stored details).
    """

    default_error_messages = {"invalid": "Not a valid date: use YYYY-MM-DD."}

    def __init__(self, *, not_future: bool = False, as_string: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.not_future = not_future
        self.as_string = as_string

    def _deserialize(  # type: ignore[override]
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> date | str:
        day = parse_iso_date(value)
        if day is None:
            raise self.make_error("invalid", input=value)
        if self.not_future:
            today = current_today()
            if day > today:
                raise ValidationError(f"Must not be after today ({today.isoformat()}).")
        return day.isoformat() if self.as_string else day


def parse_iso_date(value: Any) -> date | None:
    """A date from a date object or a strict `YYYY-MM-DD` string; None when it is neither."""
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


class Uscc(fields.String):
    """An 18-character unified social credit code with a valid GB 32100 check character."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        code = super()._deserialize(value, attr, data, **kwargs).upper()
        problem = uscc_problem(code)
        if problem:
            raise ValidationError(f"Not a valid unified social credit code: {problem}.")
        return code


class IdNumber(fields.String):
    """An 18-character resident ID number with a valid ISO 7064 MOD 11-2 check digit."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        number = super()._deserialize(value, attr, data, **kwargs).upper()  # a lower-case x is common
        problem = id_number_problem(number)
        if problem:
            raise ValidationError(f"Not a valid resident ID number: {problem}.")
        return number


class PersonId(fields.String):
    """An opaque person id as the service hands it out (1..32 of A-Z a-z 0-9 _ -)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not _PERSON_ID.fullmatch(text):
            raise ValidationError("Not a valid person id.")
        return text


class QuarterPeriod(fields.String):
    """A calendar quarter written `YYYY-Qn` with n in 1..4."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        match = _QUARTER.fullmatch(text)
        if not match or int(match.group(1)) < 1:
            raise ValidationError("Not a valid period: use YYYY-Qn with n from 1 to 4.")
        return text


class BoundedList(fields.List):
    """A list whose length is checked before its items, so an oversized batch costs nothing."""

    def __init__(self, inner: Any, *, min_items: int, max_items: int, **kwargs: Any) -> None:
        super().__init__(inner, **kwargs)
        self.min_items = min_items
        self.max_items = max_items

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[Any]:
        if isinstance(value, list) and not self.min_items <= len(value) <= self.max_items:
            raise ValidationError(
                f"Must have between {self.min_items} and {self.max_items} items (got {len(value)})."
            )
        return super()._deserialize(value, attr, data, **kwargs)


def subject_problem(subject_type: str, subject_id: str) -> str | None:
    """Why `subject_id` is not a valid key for `subject_type`, or None when it is."""
    if subject_type == "enterprise":
        problem = uscc_problem(subject_id.upper())
        return f"Not a valid unified social credit code: {problem}." if problem else None
    if not _PERSON_ID.fullmatch(subject_id):
        return "Not a valid person id."
    return None
