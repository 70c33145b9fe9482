"""Loading ruleset files and choosing the version in force on a date."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import cached_property
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml
from marshmallow import ValidationError

from credit_engine.errors import EngineError, NotFound, RulesetError
from credit_engine.rules import engine
from credit_engine.rules.compiled import (
    CompiledRuleset, all_month_thresholds, month_thresholds_by_kind, check_measures, check_numbers, compile_rules,
    compile_sanctions)
from credit_engine.rules.plan_flags import compile_plan_flags
from credit_engine.rules.role_sums import compile_role_sums
from credit_engine.rules.ruleset_file import RulesetSchema, first_error
from credit_engine.rules.vocabulary import Unseen, check_introduced, unseen_from


class NoRulesetInForce(NotFound):
    """No ruleset version is in force on the requested date."""


def _rule_of(data: Any, messages: Any) -> str | None:
    """The id of the rule (or code of the measure) a marshmallow error points into."""
    for section, key in (("rules", "id"), ("measures", "code"), ("bans", "id")):
        if isinstance(messages, dict) and isinstance(messages.get(section), dict):
            index = next(iter(messages[section]))
            try:
                return str(data[section][index][key])
            except (KeyError, IndexError, TypeError):
                return f"{section}[{index}]"
    return None


def _read(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RulesetError(str(path), f"cannot read the file: {exc.strerror or exc}") from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RulesetError(str(path), f"not valid YAML: {exc}") from exc


def load_ruleset_file(path: str | Path, *, register: bool = True) -> CompiledRuleset:
    """Validate and compile one ruleset file; RulesetError (file, rule, reason) if bad."""
    path = Path(path)
    where = str(path)
    raw = _read(path)
    if not isinstance(raw, dict):
        raise RulesetError(where, "the file must hold a mapping at the top level")
    try:
        data = RulesetSchema().load(raw)
    except ValidationError as exc:
        raise RulesetError(where, first_error(exc.messages), rule=_rule_of(raw, exc.messages)) from exc
    check_numbers(where, data)
    role_sums = compile_role_sums(where, data, set(data["counters"]))
    rules, counters = compile_rules(where, data, {s.name: float for s in role_sums})
    triggers, bans = compile_sanctions(where, data)
    check_measures(where, data, {r.id for r in rules})
    conditions = [r.condition for r in rules] + [c.condition for c in counters] + \
        [t.condition for t in triggers] + [b.condition for b in bans]
    ruleset = CompiledRuleset(
        id=data["id"], version=data["version"], effective_from=data["effective_from"], path=where,
        title=data["title"], config=MappingProxyType(data), rules=rules, counters=counters,
        listing_triggers=triggers, bans=bans, month_thresholds=all_month_thresholds(data, conditions),
        month_thresholds_by_kind=month_thresholds_by_kind(
            data, [r.condition for r in rules] + [c.condition for c in counters],
            [t.condition for t in triggers], [b.condition for b in bans]),
        role_sums=role_sums, plan_flags=compile_plan_flags(where, data),
        introduced=check_introduced(where, data["introduces"]))
    if not register:
        return ruleset
    try:
        name = engine.register(f"credit@{ruleset.name}", ruleset.conditions())
    except EngineError as exc:
        raise RulesetError(where, exc.detail) from exc
    object.__setattr__(ruleset, "engine_name", name)
    return ruleset


@dataclass(frozen=True)
class RulesetRegistry:
    """Every loaded version, sorted by effective_from."""

    rulesets: tuple[CompiledRuleset, ...]

    @classmethod
    def load_dir(cls, path: str | Path) -> "RulesetRegistry":
        """Load every *.yaml file of a directory; any bad file fails the whole load."""
        directory = Path(path)
        if not directory.is_dir():
            raise RulesetError(str(directory), "not a directory")
        files = sorted(directory.glob("*.yaml"))
        if not files:
            raise RulesetError(str(directory), "no *.yaml ruleset files")
        return cls.of(load_ruleset_file(f) for f in files)

    @classmethod
    def of(cls, rulesets: Any) -> "RulesetRegistry":
        """A registry of already compiled rulesets; names and dates must be unique."""
        ordered = tuple(sorted(rulesets, key=lambda r: r.effective_from))
        by_name: dict[str, CompiledRuleset] = {}
        for r in ordered:
            first = by_name.setdefault(r.name, r)
            if first is not r:
                raise RulesetError(r.path, f"ruleset {r.name} is defined twice: in {first.path} "
                                           f"and in {r.path} (a released version never changes; "
                                           "publish a new version instead)")
        for earlier, later in zip(ordered, ordered[1:]):
            if earlier.effective_from == later.effective_from:
                raise RulesetError(later.path, f"takes effect on {later.effective_from}, "
                                               f"the same day as {earlier.path}")
        return cls(ordered)

    @cached_property
    def _unseen(self) -> dict[str, Unseen]:
        return {r.name: unseen_from(later.introduced for later in self.rulesets[i + 1:])
                for i, r in enumerate(self.rulesets)}

    def unseen_by(self, ruleset: CompiledRuleset) -> Unseen:
        """What `ruleset` does not know from the loaded versions after it (introduces:)."""
        return self._unseen[ruleset.name]

    @cached_property
    def effective_dates(self) -> tuple[date, ...]:
        return tuple(r.effective_from for r in self.rulesets)

    @cached_property
    def _month_thresholds(self) -> dict[str | None, tuple[int, ...]]:
        """Per record kind (None: any other kind), ascending, the month counts at which a
        record can start or stop mattering under any loaded version."""
        kinds = {kind for r in self.rulesets for kind in r.month_thresholds_by_kind}
        table: dict[str | None, tuple[int, ...]] = {
            kind: tuple(sorted(frozenset().union(*(r.thresholds_for(kind) for r in self.rulesets))))
            for kind in kinds}
        table[None] = tuple(sorted(frozenset().union(*(r.month_thresholds for r in self.rulesets))))
        return table

    def sorted_month_thresholds(self, kind: str) -> tuple[int, ...]:
        """Month counts at which a record of `kind` can matter under any loaded version."""
        table = self._month_thresholds
        return table.get(kind, table[None])

    @cached_property
    def new_licence_months(self) -> frozenset[int]:
        """The new-licence periods (months) of every loaded version."""
        return frozenset(int(r.config["hygiene"]["new_licence_months"]) for r in self.rulesets)

    def in_force_on(self, day: date) -> CompiledRuleset | None:
        """The version in force on `day` (the latest effective_from on or before it), or
        None before the first one."""
        index = bisect.bisect_right(self.effective_dates, day)
        return self.rulesets[index - 1] if index else None

    def for_date(self, day: date) -> CompiledRuleset:
        """The version in force on `day`; NoRulesetInForce before the first one."""
        ruleset = self.in_force_on(day)
        if ruleset is None:
            raise NoRulesetInForce(f"no ruleset is in force on {day.isoformat()}")
        return ruleset

    def by_name(self, name: str) -> CompiledRuleset:
        """The version called `<id>@<version>`."""
        for ruleset in self.rulesets:
            if ruleset.name == name:
                return ruleset
        raise NotFound(f"no ruleset {name}")
