"""URL converters whose values always fit the database: an id path segment is 1..2**53-1."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter

from credit_engine.validation.fields import MAX_SAFE_INTEGER


class IdConverter(IntegerConverter):
    """`<id:name>`: a positive integer id; anything larger than an id can be is a 404."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(map, min=1, max=MAX_SAFE_INTEGER)


def id_parameter_schema(_converter: IdConverter) -> dict[str, Any]:
    """How the OpenAPI document describes an `<id:...>` path parameter."""
    return {"type": "integer", "minimum": 1, "maximum": MAX_SAFE_INTEGER}
