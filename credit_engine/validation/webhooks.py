"""The input of `credit-engine webhooks add`: a name, an http(s) URL and a signing secret."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from marshmallow import ValidationError, validate, validates

from credit_engine.validation.base import StrictSchema
from credit_engine.validation.fields import ScreenedString, Text

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
MIN_SECRET = 16  # characters: a short secret makes the signature guessable
MAX_SECRET = 1024


class WebhookInSchema(StrictSchema):
    """`name` (letters, digits, `._-`), `url` (http or https, with a host), `secret`."""

    name = ScreenedString(required=True, max_length=64, min_length=1,
                          validate=validate.Regexp(NAME_PATTERN, error=(
                              "Letters, digits, '.', '_' and '-' only, starting with a "
                              "letter or digit.")))
    url = Text(required=True, max_length=2000)
    secret = ScreenedString(required=True, max_length=MAX_SECRET, min_length=MIN_SECRET,
                            length_error=f"Must be {MIN_SECRET} to {MAX_SECRET} characters.")

    @validates("url")
    def url_is_http(self, value: str, **kwargs: Any) -> None:
        """Only http(s) URLs with a host: a webhook is a POST to a web server."""
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValidationError("Must be an http:// or https:// URL with a host.")
