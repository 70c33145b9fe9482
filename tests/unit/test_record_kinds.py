"""One registry of record kinds (credit_engine/domain/record_kinds.py): every list of kinds
elsewhere is derived from it, and a kind named anywhere is one the registry knows."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

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


def test_no_other_module_lists_the_kinds() -> None:
    """A kind's name is written in the registry and, at most, the population generator."""
    allowed = {ROOT / "credit_engine/domain/record_kinds.py"}
    generator = ROOT / "credit_engine/population"
    names = [k for k in RECORD_KINDS if k not in ("penalty", "inspection", "incident")]
    # penalty, inspection and incident have behaviour of their own (fines, hygiene) and are
    # named where it is; every other kind is plain data of the registry
    for path in sorted((ROOT / "credit_engine").rglob("*.py")):
        if path in allowed or generator in path.parents or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        found = [n for n in names if re.search(rf"[\"']{n}[\"']", text)]
        assert not found, f"{path.relative_to(ROOT)} names record kinds {found}"

