"""Person and enterprise bans (Food Safety Law Art 135) and the serious-dishonesty list
(Order 44), as of a date. Conditions come from the ruleset; windows are calendar months."""

from __future__ import annotations

from datetime import date
from typing import Iterable

from credit_engine.domain.dates import add_months
from credit_engine.domain.facts import record_fact
from credit_engine.domain.model import CreditFile, PersonFile, Record, Role
from credit_engine.domain.sanctions import BannedRole, Period
from credit_engine.rules.compiled import CompiledRuleset
from credit_engine.rules.conditions import evaluate


def _ban_periods(records: Iterable[Record], as_of: date, ruleset: CompiledRuleset,
                 roles: Iterable[Role] = (), own: bool = True) -> list[Period]:
    """Bans in force on `as_of` caused by `records` (own records, or an enterprise's where
    the person held one of the ban's roles on the decision date)."""
    found = []
    roles = tuple(roles)
    kinds = ruleset.ban_kinds
    for record in records:
        if record.kind not in kinds or not record.counts_on(as_of):
            continue
        fact = record_fact(record, as_of, ruleset.config)
        for ban in ruleset.bans:
            if not evaluate(ban.condition, fact):
                continue
            if own and not ban.subject:
                continue
            if not own and not any(r.uscc == record.subject.id and r.role in ban.role_holders
                                   and r.active_on(record.occurred_on) for r in roles):
                continue
            end = None if ban.for_life else add_months(record.occurred_on, 12 * (ban.years or 0))
            period = Period(record.occurred_on, end, record.id, ban.id)
            if period.active_on(as_of):
                found.append(period)
    return found


def person_bans(person: PersonFile, as_of: date, ruleset: CompiledRuleset) -> list[Period]:
    """A person's bans on `as_of`: own convictions, and revoked licences of enterprises
    the person represented or ran on the decision date."""
    return (_ban_periods(person.records, as_of, ruleset)
            + _ban_periods(person.enterprise_records, as_of, ruleset, person.roles, own=False))


def subject_bans(file: CreditFile, as_of: date, ruleset: CompiledRuleset) -> list[Period]:
    """The bans on the file's subject itself."""
    if file.subject.type == "person":
        person = file.persons[0] if file.persons else PersonFile(file.subject.id, file.records, file.roles)
        merged = PersonFile(person.person_id, tuple({r.id: r for r in (*file.records, *person.records)}.values()),
                            person.roles or file.roles, person.enterprise_records)
        return person_bans(merged, as_of, ruleset)
    return _ban_periods(file.records, as_of, ruleset)


def listings(records: Iterable[Record], as_of: date, ruleset: CompiledRuleset) -> list[Period]:
    """Serious-dishonesty listings in force on `as_of`; a revoked record voids its listing."""
    months = ruleset.config["listing"]["months"]
    found = []
    kinds = ruleset.listing_kinds
    for record in records:
        if record.kind not in kinds or not record.counts_on(as_of):
            continue
        fact = record_fact(record, as_of, ruleset.config)
        for trigger in ruleset.listing_triggers:
            if evaluate(trigger.condition, fact):
                period = Period(record.occurred_on, add_months(record.occurred_on, months), record.id, trigger.id)
                if period.active_on(as_of):
                    found.append(period)
                break
    return found


def banned_roles(file: CreditFile, as_of: date, ruleset: CompiledRuleset) -> list[BannedRole]:
    """Active roles in this enterprise held by a person banned on `as_of`."""
    if file.subject.type != "enterprise":
        return []
    found = []
    for person in file.persons:
        bans = person_bans(person, as_of, ruleset)
        if not bans:
            continue
        roles = {(r.role, r.from_, r.to): r for r in (*person.roles, *file.roles)
                 if r.person_id == person.person_id and r.uscc == file.subject.id and r.active_on(as_of)}
        found += [BannedRole(person.person_id, role, tuple(bans)) for role in roles.values()]
    return found
