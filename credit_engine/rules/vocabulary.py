"""What a ruleset version adds to the vocabulary (`introduces:`), and how every earlier
version sees a credit file that uses it.

A released version never changes, yet the service accepts new categories, record kinds
and detail values from the day a later version is published. The later version's file
says, as data, how earlier versions grade them:

- `categories: {new: old}` — an earlier version grades an enterprise of category `new`
  as `old` (followed through every later version, latest first, so a chain resolves);
- `record_kinds: [kind]` — records of that kind do not exist for an earlier version;
- `values: {kind: {field: [value]}}` — records whose detail `field` holds one of the
  values do not exist for an earlier version (a `transparent_workshop` practice earns
  no bonus under 2026.1, whose practices are `open_kitchen` and `traceability`).

`RulesetRegistry.unseen_by(ruleset)` combines what every later loaded version
introduces; credit_engine/grading/vocabulary.py applies it to a file before grading.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from credit_engine.domain.model import CATEGORIES, Record
from credit_engine.domain.record_kinds import KINDS
from credit_engine.errors import RulesetError


@dataclass(frozen=True)
class Introduced:
    """One version's `introduces:` section, checked."""

    categories: Mapping[str, str] = field(default_factory=dict)
    record_kinds: frozenset[str] = frozenset()
    values: Mapping[tuple[str, str], frozenset[str]] = field(default_factory=dict)


def check_introduced(path: str, data: Mapping[str, Any] | None) -> Introduced:
    """The section checked: a new category maps to one that is not new itself; a new
    value is an allowed value of a choice detail of its kind."""
    if not data:
        return Introduced()
    for new, old in data["categories"].items():
        if old in data["categories"] or old == new:
            raise RulesetError(path, f"introduces.categories: {new} must map to a category "
                                     f"earlier versions know, not {old}")
    values: dict[tuple[str, str], frozenset[str]] = {}
    for kind, by_field in data["values"].items():
        for name, items in by_field.items():
            detail = next((f for f in KINDS[kind].fields if f.name == name), None)
            if detail is None or not detail.choices:
                raise RulesetError(path, f"introduces.values.{kind}: {name!r} is not a choice detail")
            unknown = sorted(set(items) - set(detail.choices))
            if unknown or not items:
                raise RulesetError(path, f"introduces.values.{kind}.{name}: not allowed values {unknown}")
            values[(kind, name)] = frozenset(items)
    return Introduced(MappingProxyType(dict(data["categories"])), frozenset(data["record_kinds"]),
                      MappingProxyType(values))


@dataclass(frozen=True)
class Unseen:
    """What one version does not know, from the versions after it."""

    categories: Mapping[str, str]         # every category -> the one this version grades it as
    kinds: frozenset[str]
    values: Mapping[tuple[str, str], frozenset[str]]

    @property
    def empty(self) -> bool:
        return not self.kinds and not self.values and all(k == v for k, v in self.categories.items())

    def category(self, category: str) -> str:
        return self.categories.get(category, category)

    def hides(self, record: Record) -> bool:
        """True when the record cannot exist for this version."""
        if record.kind in self.kinds:
            return True
        return any(kind == record.kind and record.details.get(name) in items
                   for (kind, name), items in self.values.items())


def unseen_from(later: Iterable[Introduced]) -> Unseen:
    """Combine the sections of the later versions (given earliest first)."""
    ordered = list(later)
    mapping = {}
    for category in CATEGORIES:
        graded = category
        for section in reversed(ordered):  # the latest version's mapping first
            graded = section.categories.get(graded, graded)
        mapping[category] = graded
    values: dict[tuple[str, str], frozenset[str]] = {}
    for section in ordered:
        for key, items in section.values.items():
            values[key] = values.get(key, frozenset()) | items
    return Unseen(MappingProxyType(mapping), frozenset().union(*(s.record_kinds for s in ordered)),
                  MappingProxyType(values))
