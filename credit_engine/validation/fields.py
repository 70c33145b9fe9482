"""Strict marshmallow fields for JSON input: no silent coercion of wrong types."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable

from marshmallow import ValidationError, fields, validate

from credit_engine.validation.context import EARLIEST_DATE, business_date_problem, current_today

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_QUARTER = re.compile(r"(\d{4})-Q([1-4])")


# C0 control characters other than tab and newline, DEL, and UTF-16 surrogates: JSON can
# carry them ("\u0000", "\ud800"), but no text of ours means anything with them, NUL cuts
# strings short in C libraries (SQLite's LIKE among them) and a lone surrogate cannot even
# be encoded as UTF-8. Valid surrogate pairs arrive from JSON as one code point.
_FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


def text_problem(text: str) -> str | None:
    """Why `text` cannot be accepted (a control character, DEL, a lone surrogate), or None."""
    found = _FORBIDDEN_CHARS.search(text)
    if found is None:
        return None
    code = ord(found.group())
    what = "a lone surrogate" if 0xD800 <= code <= 0xDFFF else "a control character"
    return f"Must not contain {what} (U+{code:04X} at position {found.start()})."


class ScreenedString(fields.String):
    """A string without control characters (tab and newline aside), DEL or lone surrogates,
    and at most `max_length` characters; every string field of the service is one.

    The length is a Length validator, so the OpenAPI document declares maxLength. With
    `max_length=None` the subclass bounds the value itself (a fixed set of choices).
    """

    def __init__(self, *, max_length: int | None, min_length: int | None = None,
                 length_error: str | None = None, **kwargs: Any) -> None:
        validators = _as_list(kwargs.pop("validate", None))
        if max_length is not None:
            validators.insert(0, validate.Length(min=min_length, max=max_length, error=length_error))
        super().__init__(validate=validators, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        problem = text_problem(text)
        if problem:  # before any other check, so no message ever echoes such a character
            raise ValidationError(problem)
        return text


def _as_list(validators: Any) -> list[Any]:
    if validators is None:
        return []
    return list(validators) if isinstance(validators, (list, tuple)) else [validators]


class Text(ScreenedString):
    """Free text: trimmed unless `strip=False`, never blank unless `allow_blank`, at most
    `max_length` characters, screened as every string is."""

    def __init__(self, *, max_length: int, strip: bool = True, allow_blank: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(max_length=max_length, min_length=None if allow_blank else 1,
                         length_error="Must be at most {max} characters.", **kwargs)
        self.strip = strip
        self.allow_blank = allow_blank

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if self.strip:
            text = text.strip()
        if not self.allow_blank and not text.strip():
            raise ValidationError("Must not be empty.")
        return text


class Choice(ScreenedString):
    """A string that must be one of a fixed set of values (maxLength is the longest)."""

    def __init__(self, choices: Iterable[str], **kwargs: Any) -> None:
        self.choices = tuple(choices)
        metadata = {"maxLength": max(map(len, self.choices)), **(kwargs.pop("metadata", None) or {})}
        super().__init__(max_length=None, validate=validate.OneOf(self.choices),
                         metadata=metadata, **kwargs)


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


def _finite_decimal(field: fields.Field, value: Any) -> Decimal:
    """A JSON number (int, float or Decimal, never a bool) as a finite Decimal."""
    if value is True or value is False or not isinstance(value, (int, float, Decimal)):
        raise field.make_error("invalid", input=value)
    try:
        # str() first so 0.1 stays 0.1 rather than its binary expansion
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation as error:
        raise field.make_error("invalid", input=value) from error
    if not number.is_finite():
        raise field.make_error("special")
    return number


class JsonNumber(fields.Decimal):
    """A finite JSON number between `minimum` and `maximum`, loaded as an int or float so it
    stores as JSON."""

    default_error_messages = {"invalid": "Not a valid number.", "special": "Must be a finite number."}

    # a subclass of Decimal so OpenAPI says "number"; loads int/float because details are JSON
    def __init__(self, *, minimum: int, maximum: int, **kwargs: Any) -> None:
        bound = validate.Range(min=minimum, max=maximum)
        # apispec would write a Decimal field's bounds as strings: state them as numbers
        metadata = {"minimum": minimum, "maximum": maximum, **(kwargs.pop("metadata", None) or {})}
        super().__init__(validate=[bound, *_as_list(kwargs.pop("validate", None))],
                         metadata=metadata, **kwargs)

    def _deserialize(  # type: ignore[override]
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> int | float:
        number = _finite_decimal(self, value)
        if number == number.to_integral_value():
            return int(number)
        return float(number)


CENT = Decimal("0.01")


class Amount(fields.Decimal):
    """A sum of money in yuan: a JSON number greater than 0 and at most `maximum`, with at
    most two decimals, loaded as a Decimal (a float would not compare exactly)."""

    default_error_messages = {
        "invalid": "Not a valid number.", "special": "Must be a finite number.",
        "cents": "Must have at most two decimals (whole fen).",
    }

    def __init__(self, *, maximum: Decimal, **kwargs: Any) -> None:
        bound = validate.Range(min=0, min_inclusive=False, max=maximum,
                               error=f"Must be greater than 0 and at most {maximum:,}.")
        # as numbers (apispec would write a Decimal field's bounds as strings), 0 excluded
        # (no multipleOf: 0.01 has no exact binary form, so validators of floats misjudge it)
        metadata = {"minimum": 0, "exclusiveMinimum": True, "maximum": int(maximum),
                    **(kwargs.pop("metadata", None) or {})}
        super().__init__(validate=bound, metadata=metadata, **kwargs)

    def _deserialize(  # type: ignore[override]
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> Decimal:
        number = _finite_decimal(self, value)
        _, denominator = number.as_integer_ratio()  # exact, whatever the exponent
        if 100 % denominator:
            raise self.make_error("cents")
        if abs(number) >= 10**15:  # the Range validator refuses it; quantize would overflow
            return number
        return number.quantize(CENT)


class IsoDate(fields.Date):
    """A `YYYY-MM-DD` date, never before EARLIEST_DATE (1900-01-01); with `not_future`, also
    no later than the validation today (see validation/context.py).

    With `as_string`, the loaded value is the ISO string (for JSON-stored details).
    """

    default_error_messages = {"invalid": "Not a valid date: use YYYY-MM-DD."}

    def __init__(self, *, not_future: bool = False, as_string: bool = False, **kwargs: Any) -> None:
        metadata = dict(kwargs.pop("metadata", None) or {})
        bounds = (f"from {EARLIEST_DATE.isoformat()} to today in the service's time zone"
                  if not_future else f"from {EARLIEST_DATE.isoformat()}")
        described = metadata.get("description")
        metadata["description"] = f"{described} ({bounds})" if described else f"YYYY-MM-DD, {bounds}."
        super().__init__(metadata=metadata, **kwargs)
        self.not_future = not_future
        self.as_string = as_string

    def _deserialize(  # type: ignore[override]
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> date | str:
        day = parse_iso_date(value)
        if day is None:
            raise self.make_error("invalid", input=value)
        problem = (business_date_problem(day, current_today()) if self.not_future
                   else business_date_problem(day, date.max))
        if problem:
            raise ValidationError(problem)
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


class QuarterPeriod(ScreenedString):
    """A calendar quarter written `YYYY-Qn` with n in 1..4."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=7, min_length=7, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        match = _QUARTER.fullmatch(text)
        if not match or int(match.group(1)) < 1:
            raise ValidationError("Not a valid period: use YYYY-Qn with n from 1 to 4.")
        return text


class BoundedList(fields.List):
    """A list whose length is checked before its items, so an oversized batch costs nothing."""

    def __init__(self, inner: Any, *, min_items: int, max_items: int, **kwargs: Any) -> None:
        # the Length validator never fires (checked first below); it documents min/maxItems
        documented = validate.Length(min=min_items, max=max_items)
        super().__init__(inner, validate=[documented, *_as_list(kwargs.pop("validate", None))],
                         **kwargs)
        self.min_items = min_items
        self.max_items = max_items

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[Any]:
        if isinstance(value, list) and not self.min_items <= len(value) <= self.max_items:
            raise ValidationError(
                f"Must have between {self.min_items} and {self.max_items} items (got {len(value)})."
            )
        return super()._deserialize(value, attr, data, **kwargs)
