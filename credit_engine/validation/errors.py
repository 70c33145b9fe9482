"""marshmallow's nested messages as flat field paths, and a load that raises ValidationFailed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from marshmallow import Schema, ValidationError

from credit_engine.errors import ValidationFailed
from credit_engine.validation.context import validation_today

WHOLE_INPUT = "_schema"  # key for errors about the input as a whole (e.g. not an object)


def flatten_errors(messages: Any) -> dict[str, list[str]]:
    """Nested messages as {"records[0].details.fine_amount": [...]}; `_schema` goes to its parent."""
    flat: dict[str, list[str]] = {}
    _collect(messages, "", flat)
    return flat


def _collect(node: Any, path: str, flat: dict[str, list[str]]) -> None:
    if isinstance(node, Mapping):
        for key, child in node.items():
            _collect(child, _child_path(path, key), flat)
    elif isinstance(node, (list, tuple)):
        for item in node:
            _collect(item, path, flat)
    else:
        flat.setdefault(path or WHOLE_INPUT, []).append(str(node))


def flatten_request_errors(messages_by_location: Mapping[str, Any]) -> dict[str, list[str]]:
    """webargs/flask-smorest messages ({"json": {...}, "query": {...}}) as flat field paths."""
    flat: dict[str, list[str]] = {}
    for messages in messages_by_location.values():
        for path, texts in flatten_errors(messages).items():
            flat.setdefault(path, []).extend(texts)
    return flat


def _child_path(path: str, key: Any) -> str:
    if key == WHOLE_INPUT:
        return path  # a schema-level error belongs to the object that holds it
    # list indexes are ints, or digit strings once the messages went through JSON
    if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def load_or_raise(
    schema: Schema | type[Schema], data: Any, *, today: date | None = None
) -> dict[str, Any]:
    """Load `data` with `schema` or raise ValidationFailed with flat field paths.

    `today` fixes the date the "not in the future" checks compare against.
    """
    instance = schema() if isinstance(schema, type) else schema
    try:
        if today is None:
            return instance.load(data)  # type: ignore[return-value]
        with validation_today(today):
            return instance.load(data)  # type: ignore[return-value]
    except ValidationError as error:
        raise ValidationFailed(flatten_errors(error.messages)) from error
