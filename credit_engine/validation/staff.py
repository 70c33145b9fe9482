"""Inputs of the staff accounts (services/staff.py): the users command and the admin page."""

from __future__ import annotations

from marshmallow import fields, validate

from credit_engine.domain.model import CATEGORIES, GRADES
from credit_engine.domain.staff_roles import STAFF_ROLE_NAMES
from credit_engine.validation.base import StrictSchema
from credit_engine.validation.fields import Choice, ScreenedString, Text

USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{1,63}$"
MIN_PASSWORD = 12
MAX_PASSWORD = 128  # argon2 hashes any length; the bound keeps a request from costing more


class Password(fields.String):
    """A password: 12 to 128 characters, kept as typed (never trimmed or screened: any
    character a person can type is allowed)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(validate=validate.Length(
            min=MIN_PASSWORD, max=MAX_PASSWORD,
            error=f"Must be {MIN_PASSWORD} to {MAX_PASSWORD} characters."), **kwargs)  # type: ignore[arg-type]


class Username(ScreenedString):
    """2 to 64 characters: lower-case letters, digits and . _ -, starting with a letter or
    digit (it names the user in the audit log as user:<username>)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_length=None, validate=validate.Regexp(
            USERNAME_PATTERN, error="Must be 2-64 characters: lower-case letters, digits and "
                                    ". _ -, starting with a letter or digit."), **kwargs)  # type: ignore[arg-type]


class StaffUserIn(StrictSchema):
    """A new account."""

    username = Username(required=True)
    role = Choice(STAFF_ROLE_NAMES, required=True)
    district = Text(max_length=100, allow_none=True)
    password = Password(required=True)


class PasswordIn(StrictSchema):
    """A new password for an account."""

    password = Password(required=True)


class OfficeSearchIn(StrictSchema):
    """The workbench search form: every field optional, all given must match."""

    q = Text(max_length=100, allow_blank=True)
    district = Text(max_length=100, allow_blank=True)
    category = Choice(("",) + CATEGORIES)
    grade = Choice(("", "none") + GRADES)
    cursor = Text(max_length=40, allow_blank=True)


class PersonSearchIn(StrictSchema):
    """The person look-up form (posted: an ID number never appears in a URL)."""

    id_number = Text(max_length=18, required=True)
