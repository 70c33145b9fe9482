"""Offset pages behind opaque cursors, for lists ordered by something other than an id."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from credit_engine.services.records import decode_cursor, encode_cursor


def page_bounds(args: dict[str, Any]) -> tuple[int, int]:
    """(offset, limit) of a page; the cursor is opaque to clients."""
    offset = decode_cursor(args["cursor"]) if args.get("cursor") else 0
    return offset, args["limit"]


def paged(fetch: Callable[[int, int], list[Any]], offset: int, limit: int) -> dict[str, Any]:
    """One page from `fetch(offset, limit)`; one extra row tells whether another follows."""
    rows = fetch(offset, limit + 1)
    more = len(rows) > limit
    return {"items": rows[:limit], "next_cursor": encode_cursor(offset + limit) if more else None}
