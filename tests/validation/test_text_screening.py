"""Every text field of every input schema refuses control characters (tab and newline
aside), DEL and lone surrogates, naming the field; the facts of stored records are checked
before the rule engine sees them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credit_engine.domain.facts import RecordOutOfBounds, record_fact
from credit_engine.domain.identifiers import id_number_problem
from credit_engine.domain.model import Record, SubjectRef
from credit_engine.rules.loader import load_ruleset_file
from credit_engine.validation import (
    EnterpriseInSchema, ObjectionInSchema, PersonInSchema, RecordBatchSchema, RepairInSchema,
    ResolveObjectionInSchema, RevokeInSchema, text_problem,
)
from credit_engine.validation.json_body import MalformedBody, nested_deeper_than, parse_json_body
from validation_helpers import ID_NUMBER, USCC, errors_of, record

FORBIDDEN = st.one_of(st.characters(min_codepoint=0, max_codepoint=8),
                      st.characters(min_codepoint=11, max_codepoint=31),
                      st.just("\x7f"), st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF))
SAFE = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=20)

# (schema, a valid input, the path of one of its text fields inside that input)
TEXT_FIELDS: list[tuple[Any, dict[str, Any], tuple[Any, ...]]] = [
    (EnterpriseInSchema, {"name": "A", "category": "retail", "district": "鼓楼区"}, ("name",)),
    (EnterpriseInSchema, {"name": "A", "category": "retail", "district": "鼓楼区"}, ("district",)),
    (EnterpriseInSchema, {"name": "A", "category": "retail", "licence_no": "JY1"}, ("licence_no",)),
    (PersonInSchema, {"id_number": ID_NUMBER, "name": "张三"}, ("name",)),
    (PersonInSchema, {"id_number": ID_NUMBER, "name": "张三"}, ("id_number",)),
    (RevokeInSchema, {"reason": "appeal", "revoked_on": "2025-05-01"}, ("reason",)),
    (RepairInSchema, {"record_id": 1, "approved_on": "2025-05-01", "note": "ok"}, ("note",)),
    (ResolveObjectionInSchema, {"upheld": True, "note": "ok"}, ("note",)),
    (ObjectionInSchema, {"reason": "wrong", "filed_on": "2025-05-01"}, ("reason",)),
    (RecordBatchSchema, {"records": [record()]}, ("records", 0, "external_id")),
    (RecordBatchSchema, {"records": [record()]}, ("records", 0, "kind")),
    (RecordBatchSchema, {"records": [record()]}, ("records", 0, "subject", "id")),
    (RecordBatchSchema, {"records": [record()]}, ("records", 0, "details", "decision_no")),
    (RecordBatchSchema, {"records": [record("sampling")]}, ("records", 0, "details", "product")),
    (RecordBatchSchema, {"records": [record("self_check")]}, ("records", 0, "details", "period")),
]


def _path_name(path: tuple[Any, ...]) -> str:
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else part)
    return name


def _with(data: Any, path: tuple[Any, ...], value: str) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, list):
        return [_with(item, rest, value) if i == head else item for i, item in enumerate(data)]
    return {**data, head: _with(data[head], rest, value)}


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


@pytest.mark.parametrize("schema,valid,path", TEXT_FIELDS, ids=lambda v: getattr(v, "__name__", None))
@settings(max_examples=40, deadline=None)
@given(bad=FORBIDDEN, where=st.floats(0, 1))
def test_a_forbidden_character_anywhere_in_a_text_field_is_refused_naming_it(
        schema: Any, valid: dict[str, Any], path: tuple[Any, ...], bad: str, where: float) -> None:
    text = str(_get(valid, path))
    at = int(where * len(text))
    errors = errors_of(schema, _with(valid, path, text[:at] + bad + text[at:]))
    assert list(errors) == [_path_name(path)]


@settings(max_examples=200, deadline=None)
@given(text=SAFE, extra=st.sampled_from(["", "\t", "\n"]))
def test_text_without_forbidden_characters_passes_the_screen(text: str, extra: str) -> None:
    assert text_problem(text + extra + text) is None


@settings(max_examples=200, deadline=None)
@given(prefix=SAFE, bad=FORBIDDEN)
def test_the_screen_names_the_character_and_its_position(prefix: str, bad: str) -> None:
    problem = text_problem(prefix + bad)
    assert problem is not None and f"U+{ord(bad):04X} at position {len(prefix)}" in problem


# ---- the body checks, without HTTP ----

@pytest.mark.parametrize("depth", [1, 2, 31, 32])
def test_nesting_up_to_32_levels_is_accepted(depth: int) -> None:
    text = "[" * depth + "]" * depth
    assert not nested_deeper_than(text, 32)
    assert parse_json_body(text.encode()) is not None


@pytest.mark.parametrize("depth", [33, 1000, 100_000])
def test_nesting_beyond_32_levels_is_malformed(depth: int) -> None:
    with pytest.raises(MalformedBody, match="deeper than 32"):
        parse_json_body(("{\"a\":" * depth + "1" + "}" * depth).encode())


def test_escaped_quotes_and_brackets_inside_strings_are_not_structure() -> None:
    text = '{"a": "\\" [[[[ {{{{ \\\\", "b": ["]]]]"]}'
    assert not nested_deeper_than(text, 2)
    assert parse_json_body(text.encode()) == {"a": '" [[[[ {{{{ \\', "b": ["]]]]"]}


# ---- resident IDs: the birth date is checked (python-stdnum) ----

@pytest.mark.parametrize("first17,ok", [
    ("11010519491231002", True), ("11010520000229002", True), ("11010519000229002", False),
    ("11010519491301002", False), ("11010519490100002", False), ("11010519491299002", False),
])
def test_a_resident_id_needs_a_real_birth_date(first17: str, ok: bool) -> None:
    from credit_engine.domain.identifiers import id_check_digit
    problem = id_number_problem(first17 + id_check_digit(first17))
    assert (problem is None) == ok
    assert ok or "birth date" in str(problem)


# ---- USCCs: GB 32100 allows letters for the registration authority ----

@pytest.mark.parametrize("first17,problem", [
    ("91620900631234567", None),            # market regulation, enterprise
    ("N2620902MA7ABCDEF", None),            # agriculture: a farmers' cooperative
    ("Y1620902MA7ABCDEF", None),            # other registration authorities
    ("9162A900631234567", "region code"),   # characters 3 to 8 are the region code
])
def test_a_uscc_is_checked_by_its_layout_and_check_character(first17: str,
                                                              problem: str | None) -> None:
    from credit_engine.domain.identifiers import uscc_check_char, uscc_problem
    found = uscc_problem(first17 + uscc_check_char(first17))
    assert found is None if problem is None else problem in str(found)
    if problem is None:
        wrong = "0" if uscc_check_char(first17) != "0" else "1"
        assert "check character" in str(uscc_problem(first17 + wrong))


# ---- facts of stored records ----

ENTERPRISE = SubjectRef("enterprise", USCC)
RULESETS = Path(__file__).resolve().parents[2] / "rulesets"


def _penalty(**details: Any) -> Record:
    return Record(id=7, external_id="LEGACY-7", subject=ENTERPRISE, kind="penalty",
                  occurred_on=date(2025, 1, 10), details={"measures": ["fine"], **details})


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    ruleset = load_ruleset_file(RULESETS / "default-2026.1.yaml", register=False)
    return dict(ruleset.config)


@pytest.mark.parametrize("stored,fact", [
    (10_000_000_000, 10_000_000_000), (10_000_000_000.0, 10_000_000_000),
    (9_999_999_999.99, 9_999_999_999.99), (0.01, 0.01), (Decimal("5000.50"), 5000.5),
])
def test_a_fine_in_bounds_reaches_the_facts_as_a_plain_number(
        config: dict[str, Any], stored: Any, fact: Any) -> None:
    value = record_fact(_penalty(fine_amount=stored), date(2025, 6, 1), config)["fine_amount"]
    assert value == fact and type(value) is type(fact)


@pytest.mark.parametrize("stored", [1e20, 10_000_000_000.01, 0, -1, 0.001, float("inf"),
                                    float("nan"), "5000", True, None, [5000]])
def test_a_fine_out_of_bounds_is_an_error_naming_the_record_before_the_engine(
        config: dict[str, Any], stored: Any) -> None:
    with pytest.raises(RecordOutOfBounds, match="Record 7 .*details.fine_amount") as raised:
        record_fact(_penalty(fine_amount=stored), date(2025, 6, 1), config)
    assert raised.value.status == 409 and raised.value.extra["record_id"] == 7


@pytest.mark.parametrize("kind,details,field", [
    ("inspection", {"result": "compliant", "key_items_failed": 10**30}, "key_items_failed"),
    ("inspection", {"result": "compliant", "refused": 1}, "refused"),
    ("inspection", {"result": "excellent"}, "result"),
    ("sampling", {"result": "fail", "level": "galactic"}, "level"),
    ("complaint", {"substantiated": "yes"}, "substantiated"),
    ("penalty", {"measures": ["warning"], "violation_id": "v\x00"}, "violation_id"),
    ("certification", {"scheme": "HACCP", "valid_until": "someday"}, "valid_until"),
])
def test_odd_stored_details_are_refused_naming_the_field(
        config: dict[str, Any], kind: str, details: dict[str, Any], field: str) -> None:
    rec = Record(id=8, external_id="LEGACY-8", subject=ENTERPRISE, kind=kind,
                 occurred_on=date(2025, 1, 10), details=details)
    with pytest.raises(RecordOutOfBounds, match=f"details.{field}"):
        record_fact(rec, date(2025, 6, 1), config)
