"""Every message the record validation gives, for any kind of the registry, has its Chinese."""

from __future__ import annotations

from datetime import date

import pytest
from credit_engine.api.office.messages_zh import is_translated, translate
from marshmallow import ValidationError

from credit_engine.domain.record_kinds import KINDS
from credit_engine.validation.context import validation_today
from credit_engine.validation.errors import flatten_errors
from credit_engine.validation.records import RecordInSchema

BAD_BY_TYPE = [
    {"text": "x" * 500, "choice": "zzz", "choices": ["zzz", "zzz"], "bool": "maybe",
     "count": "abc", "number": "abc", "amount": "1.234", "date": "2026-13-01",
     "quarter": "2026Q5"},
    {"count": -5, "number": 10**9, "amount": -1, "choices": [], "date": "x", "text": "\x01"},
    {},
]


def _messages(kind: str) -> set[str]:
    schema, found = RecordInSchema(), set()
    for bad in BAD_BY_TYPE:
        details = {f.name: bad[f.type] for f in KINDS[kind].fields if f.type in bad}
        for record in (
                {"external_id": "", "subject": {"type": "person", "id": "x"}, "kind": kind,
                 "occurred_on": "2999-01-01", "details": details},
                {"subject": {"type": "enterprise", "id": "123"}, "kind": kind,
                 "occurred_on": "1800-01-01", "details": {**details, "unknown": 1}}):
            try:
                with validation_today(date(2026, 12, 6)):
                    schema.load(record)
            except ValidationError as error:
                found.update(m for ms in flatten_errors(error.messages).values() for m in ms)
    return found


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_validation_message_of_a_kind_is_translated(kind: str) -> None:
    messages = _messages(kind)
    assert messages  # the bad inputs above did fail
    assert sorted(m for m in messages if not is_translated(m)) == []


def test_a_message_keeps_its_varying_parts() -> None:
    assert translate("Must be at most 128 characters.") == "最多 128 个字符。"
    assert translate("Not a valid unified social credit code: must be 18 characters.") == \
        "统一社会信用代码无效：必须是 18 位。"
    assert translate("Something new.") == "输入无效：Something new."
