"""The base every input schema shares: unknown fields are errors, named by marshmallow."""

from __future__ import annotations

from collections import Counter
from typing import Any, ClassVar

from marshmallow import RAISE, Schema, ValidationError, post_load


class StrictSchema(Schema):
    """A schema that rejects unknown fields and drops optional fields given as null."""

    #: fields where null means something (an open-ended role) and is kept after loading
    keep_null: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        unknown = RAISE

    @post_load
    def drop_nulls(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """Absent and null mean the same for optional fields, so the output has one form."""
        return {k: v for k, v in data.items() if v is not None or k in self.keep_null}


def unique_items(values: list[Any]) -> None:
    """Validator: a list without repeated items."""
    repeated = sorted(str(v) for v, n in Counter(values).items() if n > 1)
    if repeated:
        raise ValidationError(f"Must not repeat items: {', '.join(repeated)}.")
