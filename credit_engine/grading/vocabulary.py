"""A credit file as an earlier ruleset version sees it (credit_engine/rules/vocabulary.py):
categories it does not know mapped to the one it grades them as, records it cannot know
(a kind or a detail value a later version introduced) left out. Applied before anything
else of a grade, so every part of the result — rules, catering rating, inspection
minimums, flags, input records — is that version's own."""

from __future__ import annotations

from dataclasses import replace

from credit_engine.domain.model import CreditFile, PersonFile, Record
from credit_engine.rules.vocabulary import Unseen


def _known(records: tuple[Record, ...], unseen: Unseen) -> tuple[Record, ...]:
    """`records` without those `unseen` hides: the same tuple when it hides none (the
    common case: every grade under an earlier version passes through here)."""
    if not any(unseen.hides(r) for r in records):
        return records
    return tuple(r for r in records if not unseen.hides(r))


def as_seen_by(file: CreditFile, unseen: Unseen) -> CreditFile:
    """`file` with what `unseen` names mapped or left out (the file itself when nothing is)."""
    if unseen.empty:
        return file
    enterprise = file.enterprise
    if enterprise is not None and unseen.category(enterprise.category) != enterprise.category:
        enterprise = replace(enterprise, category=unseen.category(enterprise.category))
    records = _known(file.records, unseen)
    persons = tuple(_person_seen(p, unseen) for p in file.persons)
    if enterprise is file.enterprise and records is file.records \
            and all(a is b for a, b in zip(persons, file.persons)):
        return file
    return replace(file, records=records, persons=persons, enterprise=enterprise)


def _person_seen(person: PersonFile, unseen: Unseen) -> PersonFile:
    records = _known(person.records, unseen)
    enterprise_records = _known(person.enterprise_records, unseen)
    if records is person.records and enterprise_records is person.enterprise_records:
        return person
    return replace(person, records=records, enterprise_records=enterprise_records)
