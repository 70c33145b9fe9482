"""A credit file as an earlier ruleset version sees it (credit_engine/rules/vocabulary.py):
categories it does not know mapped to the one it grades them as, records it cannot know
(a kind or a detail value a later version introduced) left out. Applied before anything
else of a grade, so every part of the result — rules, catering rating, inspection
minimums, flags, input records — is that version's own."""

from __future__ import annotations

from dataclasses import replace

from credit_engine.domain.model import CreditFile, Record
from credit_engine.rules.vocabulary import Unseen


def _known(records: tuple[Record, ...], unseen: Unseen) -> tuple[Record, ...]:
    return tuple(r for r in records if not unseen.hides(r))


def as_seen_by(file: CreditFile, unseen: Unseen) -> CreditFile:
    """`file` with what `unseen` names mapped or left out (the file itself when nothing is)."""
    if unseen.empty:
        return file
    enterprise = file.enterprise
    if enterprise is not None and unseen.category(enterprise.category) != enterprise.category:
        enterprise = replace(enterprise, category=unseen.category(enterprise.category))
    persons = tuple(replace(p, records=_known(p.records, unseen),
                            enterprise_records=_known(p.enterprise_records, unseen))
                    for p in file.persons)
    return replace(file, records=_known(file.records, unseen), persons=persons, enterprise=enterprise)
