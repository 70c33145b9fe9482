"""The golden corpus of ruleset 2026.1: varied generated credit files, each graded as of a
date before 2027-01-01, written by the code of the commit before ruleset 2027.1 existed.

Run against an older checkout to (re)write the corpus; the test
tests/rules/test_ruleset_2027_1_keeps_2026_1.py grades the same files with today's code
and requires the same results. The generator is self-contained (seeded `random`, the
domain model only) so that both versions of the code read the same files:

    git worktree add /tmp/wt ef0fd4d
    PYTHONPATH=/tmp/wt .venv/bin/python tests/support/golden_2026_1.py \
        --rulesets /tmp/wt/rulesets --out tests/rules/data/golden_2026_1.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from credit_engine.domain.model import (
    CreditFile,
    Enterprise,
    PersonFile,
    Record,
    Role,
    SubjectRef,
)

OLD_CATEGORIES = ("production", "catering", "retail", "canteen", "small_workshop")
MEASURES = ("warning", "circulated_criticism", "fine", "confiscation", "suspension",
            "permit_withdrawal", "licence_revocation", "employment_restriction")
LEVELS = ("national", "provincial", "city", "county")
START = date(2018, 1, 1)
LAST_AS_OF = date(2026, 12, 31)
FILES = 400


def _day(rng: random.Random, start: date = START, end: date = LAST_AS_OF) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _details(rng: random.Random, kind: str, on: date) -> dict[str, Any]:
    if kind == "penalty":
        measures = rng.sample(MEASURES, rng.choice((1, 1, 1, 2, 3)))
        details: dict[str, Any] = {"decision_no": f"D-{on}", "measures": measures,
                                   "aggravated": rng.random() < 0.2, "serious": rng.random() < 0.2}
        if "fine" in measures:
            details["fine_amount"] = rng.choice((500, 5000, 10000, 10000.5, 50000, 100000, 250000))
        if rng.random() < 0.3:
            details["violation_id"] = rng.choice(("V1", "V2"))
        return details
    if kind == "inspection":
        details = {"result": rng.choice(("compliant", "compliant", "basically_compliant", "non_compliant")),
                   "key_items_failed": rng.choice((0, 0, 1, 2)), "general_items_failed": rng.randrange(4),
                   "refused": rng.random() < 0.05}
        if rng.random() < 0.6:
            items = rng.choice((10, 20, 30))
            details.update(items_checked=items, points_total=round(items * rng.uniform(5, 10), 1))
        return details
    if kind == "sampling":
        result = rng.choice(("pass", "pass", "fail"))
        details = {"result": result, "level": rng.choice(LEVELS), "product": "p"}
        if result == "fail":
            details["hazard"] = rng.choice(("illegal_substance", "microbial", "label", "other"))
        return details
    if kind == "self_check":
        return {"period": f"{on.year}-Q{(on.month - 1) // 3 + 1}",
                "status": rng.choice(("on_time", "late", "missing"))}
    if kind == "complaint":
        return {"substantiated": rng.random() < 0.6}
    if kind == "incident":
        return {"level": rng.choice(("general", "general", "relatively_large", "major"))}
    if kind == "conviction":
        return {"imprisonment": rng.random() < 0.5, "case_no": "C-1"}
    if kind == "commendation":
        return {"level": rng.choice(LEVELS), "title": "t"}
    valid_until = (on + timedelta(days=rng.randrange(200, 1500))).isoformat()
    if kind == "certification":
        return {"scheme": rng.choice(("HACCP", "ISO22000", "green_food", "organic")), "valid_until": valid_until}
    if kind == "insurance":
        return {"policy_no": "P-1", "valid_until": valid_until}
    return {"practice": rng.choice(("open_kitchen", "traceability")), "valid_until": valid_until}


ENTERPRISE_KINDS = ("penalty", "inspection", "inspection", "sampling", "self_check", "complaint",
                    "incident", "commendation", "certification", "insurance", "practice")
PERSON_KINDS = ("penalty", "complaint", "conviction", "commendation", "incident")


def _records(rng: random.Random, subject: SubjectRef, kinds: tuple[str, ...], count: int,
             ids: Iterator[int], around: date) -> tuple[Record, ...]:
    """Records dated mostly in the three years before `around` (a few after it)."""
    out = []
    for _ in range(count):
        kind, on = rng.choice(kinds), _day(rng, around - timedelta(days=1100), around + timedelta(days=60))
        rid = next(ids)
        ends = _day(rng, on + timedelta(days=1), date(2027, 6, 30)) if rng.random() < 0.08 else None
        repaired = ends if kind == "penalty" and ends and rng.random() < 0.5 else None
        out.append(Record(rid, f"ext-{rid}", subject, kind, on, _details(rng, kind, on),
                          None if repaired else ends, repaired))
    return tuple(sorted(out, key=lambda r: (r.occurred_on, r.id)))


def generate(seed: int = 20270101, files: int = FILES) -> Iterator[tuple[CreditFile, date]]:
    """`files` (credit file, as_of) pairs: mostly enterprises with persons, some persons."""
    rng = random.Random(seed)
    for n in range(files):
        ids = iter(range(1, 10_000))
        as_of = _day(rng, date(2020, 1, 1))
        if rng.random() < 0.2:
            person = SubjectRef("person", f"p-{n}")
            own = _records(rng, person, PERSON_KINDS, rng.randrange(4), ids, as_of)
            roles = (Role(person.id, f"U{n}", rng.choice(("legal_representative", "principal")),
                          _day(rng, START, date(2022, 1, 1))),)
            penalties = _records(rng, SubjectRef("enterprise", f"U{n}"), ("penalty",), rng.randrange(3), ids, as_of)
            yield CreditFile(person, own, roles, (PersonFile(person.id, own, roles, penalties),)), as_of
            continue
        uscc = f"91620900MA74{n:06d}"
        subject = SubjectRef("enterprise", uscc)
        records = _records(rng, subject, ENTERPRISE_KINDS, rng.randrange(12), ids, as_of)
        roles, persons = [], []
        for i in range(rng.randrange(3)):
            pid = f"p-{n}-{i}"
            role = Role(pid, uscc, rng.choice(("legal_representative", "principal", "food_safety_manager")),
                        _day(rng, START, date(2025, 1, 1)),
                        _day(rng, date(2022, 1, 1)) if rng.random() < 0.3 else None)
            roles.append(role)
            own = _records(rng, SubjectRef("person", pid), ("conviction", "complaint"),
                           rng.choice((0, 0, 0, 1)), ids, as_of)
            persons.append(PersonFile(pid, own, (role,), records))
        licensed = _day(rng, date(2010, 1, 1), date(2026, 6, 1)) if rng.random() < 0.9 else None
        enterprise = Enterprise(uscc, f"企业{n}", rng.choice(OLD_CATEGORIES), "肃州区", f"JY{n}", licensed)
        yield CreditFile(subject, records, tuple(roles), tuple(persons), enterprise), as_of


def _record_to_dict(r: Record) -> dict[str, Any]:
    return {"id": r.id, "external_id": r.external_id, "subject": [r.subject.type, r.subject.id],
            "kind": r.kind, "occurred_on": r.occurred_on.isoformat(), "details": r.details,
            "revoked_on": _iso(r.revoked_on), "repaired_on": _iso(r.repaired_on)}


def _role_to_dict(r: Role) -> dict[str, Any]:
    return {"person_id": r.person_id, "uscc": r.uscc, "role": r.role, "from": r.from_.isoformat(),
            "to": _iso(r.to)}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def file_to_dict(f: CreditFile) -> dict[str, Any]:
    e = f.enterprise
    return {"subject": [f.subject.type, f.subject.id], "records": [_record_to_dict(r) for r in f.records],
            "roles": [_role_to_dict(r) for r in f.roles],
            "persons": [{"person_id": p.person_id, "records": [_record_to_dict(r) for r in p.records],
                         "roles": [_role_to_dict(r) for r in p.roles],
                         "enterprise_records": [_record_to_dict(r) for r in p.enterprise_records]}
                        for p in f.persons],
            "enterprise": None if e is None else {
                "uscc": e.uscc, "name": e.name, "category": e.category, "district": e.district,
                "licence_no": e.licence_no, "licensed_on": _iso(e.licensed_on)}}


def _record(d: dict[str, Any]) -> Record:
    return Record(d["id"], d["external_id"], SubjectRef(*d["subject"]), d["kind"],
                  date.fromisoformat(d["occurred_on"]), d["details"], _date(d["revoked_on"]),
                  _date(d["repaired_on"]))


def _role(d: dict[str, Any]) -> Role:
    return Role(d["person_id"], d["uscc"], d["role"], date.fromisoformat(d["from"]), _date(d["to"]))


def file_from_dict(d: dict[str, Any]) -> CreditFile:
    e = d["enterprise"]
    return CreditFile(
        SubjectRef(*d["subject"]), tuple(_record(r) for r in d["records"]), tuple(_role(r) for r in d["roles"]),
        tuple(PersonFile(p["person_id"], tuple(_record(r) for r in p["records"]),
                         tuple(_role(r) for r in p["roles"]),
                         tuple(_record(r) for r in p["enterprise_records"])) for p in d["persons"]),
        None if e is None else Enterprise(e["uscc"], e["name"], e["category"], e["district"], e["licence_no"],
                                          _date(e["licensed_on"])))


def main() -> None:
    from credit_engine.domain.serialization import result_to_dict
    from credit_engine.grading.pipeline import grade
    from credit_engine.rules.loader import RulesetRegistry

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rulesets", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--files", type=int, default=FILES)
    args = parser.parse_args()
    registry = RulesetRegistry.load_dir(args.rulesets)
    with open(args.out, "w", encoding="utf-8") as out:
        for credit_file, as_of in generate(files=args.files):
            result = result_to_dict(grade(credit_file, as_of, registry))
            line = {"file": file_to_dict(credit_file), "as_of": as_of.isoformat(), "result": result}
            out.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
