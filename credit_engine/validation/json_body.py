"""What a JSON request body must be before any schema looks at it: UTF-8, JSON, at most
MAX_JSON_DEPTH levels deep, and no object key with a character no text may hold.

Python's json parser recurses once per level and fails with RecursionError near a
thousand levels, so the depth is measured on the raw text first, without recursion.
"""

from __future__ import annotations

import json
import re
from typing import Any

from credit_engine.errors import ValidationFailed
from credit_engine.validation.fields import text_problem

MAX_JSON_DEPTH = 32

# a JSON string literal, escapes included (unrolled so long strings cost one pass)
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
# an array or object with no array or object inside it
_INNERMOST = re.compile(r"\[[^\[\]{}]*\]|\{[^\[\]{}]*\}")


class MalformedBody(ValueError):
    """The body is not UTF-8, not JSON, or nested too deeply: the request is malformed (400)."""


def nested_deeper_than(text: str, limit: int) -> bool:
    """Whether the arrays and objects of JSON `text` nest more than `limit` levels.

    Each pass of `_INNERMOST` removes one level; strings are blanked first so brackets
    inside them do not count. Costs one regex pass per level, `limit + 1` at most.
    """
    structure = _STRING.sub("0", text)
    for _ in range(limit):
        if "[" not in structure and "{" not in structure:
            return False
        structure = _INNERMOST.sub("0", structure)
    return "[" in structure or "{" in structure


def parse_json_body(data: bytes) -> Any:
    """The parsed body; MalformedBody when it is not UTF-8 JSON within MAX_JSON_DEPTH levels,
    ValidationFailed naming the key when an object key holds a forbidden character."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise MalformedBody(f"The request body is not valid UTF-8 (byte {error.start}).") from None
    if nested_deeper_than(text, MAX_JSON_DEPTH):
        if _balanced(text):
            raise MalformedBody(f"The request body is nested deeper than {MAX_JSON_DEPTH} levels.")
        raise MalformedBody("The request body is not valid JSON.")
    try:
        document = json.loads(text)
    except ValueError as error:
        raise MalformedBody(f"The request body is not valid JSON: {error}.") from None
    # JSON strings hold a forbidden character only as a \u escape or a raw DEL
    errors = _bad_keys(document) if "\\u" in text or "\x7f" in text else {}
    if errors:
        raise ValidationFailed(errors)
    return document


def _balanced(text: str) -> bool:
    structure = _STRING.sub("0", text)
    return structure.count("[") == structure.count("]") and structure.count("{") == structure.count("}")


def _bad_keys(document: Any) -> dict[str, list[str]]:
    """Field paths (records[0].details.<key>) of object keys that hold a forbidden character.

    String values are screened by the fields that load them; keys are not fields, and one
    with a lone surrogate could not even be written into an error message as UTF-8.
    """
    errors: dict[str, list[str]] = {}
    pending: list[tuple[str, Any]] = [("", document)]
    while pending:  # depth is bounded already; a loop keeps this flat anyway
        path, node = pending.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                problem = text_problem(key)
                child = f"{path}.{_printable(key)}" if path else _printable(key)
                if problem:
                    errors[child] = [f"Field name: {problem}"]
                pending.append((child, value))
        elif isinstance(node, list):
            pending.extend((f"{path}[{i}]", item) for i, item in enumerate(node))
    return errors


def _printable(key: str) -> str:
    """A key as it can be shown: forbidden characters written as \\uXXXX escapes."""
    if text_problem(key) is None:
        return key
    return "".join(ch if text_problem(ch) is None else f"\\u{ord(ch):04x}" for ch in key)
