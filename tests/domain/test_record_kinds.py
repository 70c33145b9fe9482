"""One registry of record kinds (credit_engine/domain/record_kinds.py): every list of kinds
elsewhere is derived from it, and a kind named anywhere is one the registry knows."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from credit_engine.domain.model import CONTEXTS
from credit_engine.domain.record_kinds import (
    KINDS, RECORD_KINDS, REQUIRED_WINDOWS, WINDOW_KINDS, WINDOW_NAMES,
)
from credit_engine.rules.conditions import FACT_FIELDS
from credit_engine.rules.ruleset_file import RulesetSchema
from credit_engine.validation.details import DETAILS_SCHEMAS

ROOT = Path(__file__).resolve().parents[2]
RULESETS = sorted((ROOT / "rulesets").glob("*.yaml"))


def _kinds_named(data: dict[str, Any]) -> Iterator[str]:
    """Every `kind` a ruleset file's conditions name."""
    whens = [rule["when"] for rule in data["rules"]]
    whens += [spec["of"] for spec in data.get("counters", {}).values()]
    whens += [trigger["when"] for trigger in data["listing"]["triggers"]]
    whens += [ban["when"] for ban in data["bans"]]
    yield from (when["kind"] for when in whens)


@pytest.mark.parametrize("path", RULESETS, ids=lambda p: p.name)
def test_every_kind_a_ruleset_names_is_in_the_registry(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert set(_kinds_named(data)) - {"subject"} <= set(KINDS)
    assert set(data["windows"]) <= set(WINDOW_NAMES)
    assert set(REQUIRED_WINDOWS) <= set(data["windows"])


def test_every_registry_kind_has_a_schema_facts_and_windows() -> None:
    assert list(DETAILS_SCHEMAS) == list(RECORD_KINDS)
    assert [k for k in FACT_FIELDS if k != "subject"] == list(RECORD_KINDS)
    for name, kind in KINDS.items():
        assert list(DETAILS_SCHEMAS[name]._declared_fields) == [f.name for f in kind.fields]
        assert {f.name for f in kind.facts} <= set(FACT_FIELDS[name])
        if not kind.derived_facts:  # facts copied from details name a detail field
            assert {f.name for f in kind.facts} <= {f.name for f in kind.fields}
        assert kind.validity != bool(kind.windows), name  # counted by a window or by validity
        assert not kind.validity or "valid_until" in {f.name for f in kind.fields}
        assert set(kind.subject_types) <= {"enterprise", "person"} and kind.subject_types
    assert set(WINDOW_KINDS.values()) <= set(KINDS)


def test_the_ruleset_schema_accepts_exactly_the_registry_windows() -> None:
    choices = RulesetSchema().fields["windows"].key_field.validators[0].choices  # type: ignore[union-attr]
    assert tuple(choices) == WINDOW_NAMES


def _modules_naming(kind: str) -> set[str]:
    """Modules of the package that write `kind` as a string, other than as a key into a
    ruleset's sections (`windows["penalty"]`, `config["penalty"]`: names of the ruleset)."""
    pattern = re.compile(rf"(?<!\[)[\"']{kind}[\"'](?!\])")
    found = set()
    for path in sorted((ROOT / "credit_engine").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        if kind in CONTEXTS and path.as_posix().endswith("domain/model.py"):
            continue  # "inspection" is also a decision context, defined there
        text = path.read_text(encoding="utf-8")
        if pattern.search(text):
            found.add(path.relative_to(ROOT).as_posix())
    return found


@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_a_kind_is_named_in_the_registry_and_at_most_one_generator_module(kind: str) -> None:
    """Everything else derives from the registry or uses its constants (PENALTY, ...)."""
    named = _modules_naming(kind)
    others = named - {"credit_engine/domain/record_kinds.py"}
    assert len(others) <= 1 and all(m.startswith("credit_engine/population/") for m in others), named