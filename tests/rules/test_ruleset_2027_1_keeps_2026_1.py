"""Ruleset 2027.1 beside 2026.1 changes nothing before 2027-01-01: 2026.1 is the same file,
byte for byte; every date before 2027 grades exactly as with 2026.1 alone; and the golden
corpus written by the code before 2027.1 existed (tests/support/golden_2026_1.py) is
matched exactly (only `next_change_on` may now stop at 2027-01-01, the day the rules change)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from golden_2026_1 import file_from_dict, generate
from grading_builders import RULESETS_DIR
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credit_engine.domain.serialization import result_to_dict
from credit_engine.grading.pipeline import grade
from credit_engine.rules.loader import RulesetRegistry, load_ruleset_file

GOLDEN = Path(__file__).parent / "data" / "golden_2026_1.jsonl"
CHANGE = date(2027, 1, 1)
# sha256 of rulesets/default-2026.1.yaml as released: a released version never changes
DIGEST_2026_1 = "2baf36f4e4b8798657d8418445056a1c5b84412695ae6804b75dbfdd7430d061"


@pytest.fixture(scope="module")
def only_2026_1() -> RulesetRegistry:
    return RulesetRegistry.of([load_ruleset_file(RULESETS_DIR / "default-2026.1.yaml")])


def _expected_next_change(before: str | None) -> str:
    return min(before, CHANGE.isoformat()) if before else CHANGE.isoformat()


def test_ruleset_2026_1_is_the_released_file_byte_for_byte() -> None:
    assert hashlib.sha256((RULESETS_DIR / "default-2026.1.yaml").read_bytes()).hexdigest() == DIGEST_2026_1


def test_the_packaged_registry_holds_2026_1_and_2027_1(registry: RulesetRegistry) -> None:
    assert [r.name for r in registry.rulesets] == ["jiuquan-food-credit@2026.1", "jiuquan-food-credit@2027.1"]
    assert registry.for_date(date(2026, 12, 31)).version == "2026.1"
    assert registry.for_date(CHANGE).version == "2027.1"


def test_the_golden_corpus_of_the_code_before_2027_1_is_matched_exactly(registry: RulesetRegistry) -> None:
    lines = GOLDEN.read_text(encoding="utf-8").splitlines()
    assert len(lines) >= 300
    for line in lines:
        case = json.loads(line)
        expected = dict(case["result"], next_change_on=_expected_next_change(case["result"]["next_change_on"]))
        got = result_to_dict(grade(file_from_dict(case["file"]), date.fromisoformat(case["as_of"]), registry))
        assert got == expected, case["file"]["subject"]


_CORPUS = list(generate(seed=7, files=300))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(_CORPUS), st.integers(0, 2000), st.sampled_from(["engine", "python"]))
def test_any_date_before_2027_grades_as_with_2026_1_alone(registry: RulesetRegistry, only_2026_1: RulesetRegistry,
                                                          case: tuple, days_before: int, backend: str) -> None:
    credit_file, _ = case
    as_of = CHANGE - timedelta(days=1 + days_before)
    both = grade(credit_file, as_of, registry, backend=backend)
    alone = grade(credit_file, as_of, only_2026_1, backend=backend)
    assert both.ruleset == "jiuquan-food-credit@2026.1"
    assert replace(both, next_change_on=None) == replace(alone, next_change_on=None)
    assert both.next_change_on == min(alone.next_change_on or CHANGE, CHANGE)
