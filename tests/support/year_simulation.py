"""A seeded year of daily events for a small town: records, revocations, repairs, roles.

Every kind of change that can move a grade happens somewhere in the year: records arriving
(some late), windows closing, certificates and insurance lapsing, roles starting and
ending, bans from licence revocations and convictions, revocations and repairs.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from job_population import (
    add_enterprise, add_person, add_record, add_role, fine, inspection, repair, revoke, uscc,
)

START = date(2025, 1, 1)
ENTERPRISES, PERSONS = 24, 12
CATEGORIES = ("production", "catering", "retail", "canteen", "small_workshop")


def build_town(session: Session, rng: random.Random) -> None:
    """Enterprises, persons and roles (some ending, some starting during the year)."""
    for n in range(1, ENTERPRISES + 1):
        add_enterprise(session, n, CATEGORIES[n % len(CATEGORIES)], date(2014 + n % 10, 3, 1))
    for n in range(1, PERSONS + 1):
        add_person(session, n)
        for k, e in enumerate(rng.sample(range(1, ENTERPRISES + 1), rng.randint(1, 3))):
            role = ("legal_representative", "principal", "food_safety_manager")[k % 3]
            start = date(2018, 1, 1) if rng.random() < 0.8 else START + timedelta(rng.randint(20, 300))
            end = max(start, START) + timedelta(rng.randint(30, 300)) if rng.random() < 0.25 else None
            add_role(session, uscc(e), f"p{n:08d}", role, start, end)
    # A history before the year, so windows close during it.
    for n in range(1, ENTERPRISES + 1):
        add_record(session, ("enterprise", uscc(n)), "inspection",
                   date(2024, 1 + n % 12, 1 + n % 27), inspection(rng.choice(
                       ("compliant", "basically_compliant", "non_compliant"))))
        if n % 3 == 0:
            add_record(session, ("enterprise", uscc(n)), "penalty", date(2024, 2 + n % 10, 10),
                       fine(rng.choice((3000, 50000, 200000))))


def _penalty(rng: random.Random) -> dict[str, Any]:
    roll = rng.random()
    if roll < 0.03:
        return {"decision_no": "吊", "measures": ["licence_revocation"], "serious": True}
    if roll < 0.10:
        return {"decision_no": "停", "measures": ["suspension", "fine"], "fine_amount": 60000,
                "serious": rng.random() < 0.5}
    if roll < 0.40:
        return {"decision_no": "警", "measures": ["warning"]}
    return fine(rng.choice((2000, 9000, 40000, 150000)), aggravated=rng.random() < 0.2,
                violation_id=f"v{rng.randint(1, 15)}")


def _enterprise_event(rng: random.Random, day: date) -> tuple[str, dict[str, Any]]:
    roll = rng.random()
    if roll < 0.25:
        return "penalty", _penalty(rng)
    if roll < 0.55:
        return "inspection", inspection(rng.choice(("compliant", "compliant", "basically_compliant",
                                                    "non_compliant")))
    if roll < 0.65:
        return "certification", {"scheme": "HACCP",
                                 "valid_until": (day + timedelta(rng.randint(10, 200))).isoformat()}
    if roll < 0.72:
        return "insurance", {"policy_no": "P1",
                             "valid_until": (day + timedelta(rng.randint(10, 200))).isoformat()}
    if roll < 0.80:
        return "commendation", {"level": rng.choice(("city", "county", "provincial")), "title": "t"}
    if roll < 0.90:
        return "complaint", {"substantiated": True}
    if roll < 0.95:
        return "sampling", {"result": "fail", "level": "city", "hazard": "microbial", "product": "x"}
    return "self_check", {"period": f"{day.year}-Q{(day.month - 1) // 3 + 1}", "status": "late"}


def events_of_day(session: Session, rng: random.Random, day: date, record_ids: list[int]) -> None:
    """What arrives on `day`: a few records (some dated earlier), now and then a revocation,
    a repair or a conviction."""
    for _ in range(rng.choice((0, 0, 1, 1, 2))):
        kind, details = _enterprise_event(rng, day)
        occurred = day - timedelta(rng.choice((0, 0, 0, 3, 20)))
        row = add_record(session, ("enterprise", uscc(rng.randint(1, ENTERPRISES))), kind,
                         occurred, details)
        record_ids.append(row.id)
    if rng.random() < 0.03:
        add_record(session, ("person", f"p{rng.randint(1, PERSONS):08d}"), "conviction", day,
                   {"imprisonment": rng.random() < 0.5, "case_no": "刑"})
    if record_ids and rng.random() < 0.05:
        revoke(session, record_ids.pop(rng.randrange(len(record_ids))), day)
    if record_ids and rng.random() < 0.03:
        repair(session, record_ids.pop(rng.randrange(len(record_ids))), day)
