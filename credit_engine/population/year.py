"""One calendar year of an enterprise's records: the generator, numbering and rates.

Each calendar year of an enterprise draws from its own generator, so the records of a
year never depend on `end`: a population generated to a later `end` holds the same
records plus the newer ones, which is what makes reloading the demo idempotent.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from random import Random

from credit_engine.domain.record_kinds import EXTERNAL_ID_CODES, PENALTY
from credit_engine.population import details as make
from credit_engine.population.subjects import YEAR_STREAM, EnterpriseDraft, rng_for

PROFILE_STREAM = 6
TIER = {"good": 0, "average": 1, "poor": 2}

INSPECTIONS = {"canteen": 2.5, "catering": 1.3, "production": 1.6, "small_workshop": 1.3,
                "retail": 1.0}
INSPECTIONS_EXTRA = (0.0, 0.5, 1.2)
RESULTS = ("compliant", "basically_compliant", "non_compliant")
RESULT_WEIGHTS = ((86, 13, 1), (62, 31, 7), (35, 40, 25))
SAMPLINGS = {"production": 2.0, "small_workshop": 1.2, "retail": 1.0, "canteen": 0.8,
              "catering": 0.6}
SAMPLING_FAIL = (0.02, 0.05, 0.12)
LEVEL_WEIGHTS = (5, 20, 30, 45)  # national, provincial, city, county
SELF_CHECK = (("on_time", "late", "missing"), ((95, 4, 1), (82, 12, 6), (60, 22, 18)))
COMPLAINTS = (0.08, 0.25, 0.8)
SUBSTANTIATED = (0.3, 0.4, 0.55)
PENALTIES = (0.03, 0.10, 0.35)
INCIDENTS = (0.003, 0.006, 0.02)
INCIDENT_LEVELS = (("general", "relatively_large", "major", "especially_major"),
                    (85, 11, 3.5, 0.5))
CRIMES = (0.003, 0.005, 0.012)
COMMENDATIONS = (0.05, 0.015, 0.0)
INSURED = {"canteen": 0.7, "production": 0.4, "catering": 0.25, "retail": 0.08,
            "small_workshop": 0.1}
CERTIFIED = {"production": 0.4, "canteen": 0.1, "catering": 0.03, "retail": 0.0,
              "small_workshop": 0.0}
SCHEMES = (("HACCP", "ISO22000", "green_food", "organic"), (35, 30, 25, 10))
PRACTICES = {"catering": (("open_kitchen", 0.55),), "canteen": (("open_kitchen", 0.9),
              ("traceability", 0.3)), "production": (("traceability", 0.5),),
              "retail": (("traceability", 0.15),), "small_workshop": (("open_kitchen", 0.1),)}
NEW_PRACTICES = {"production": (("transparent_workshop", 0.25),),
                 "school_canteen": (("transparent_workshop", 0.15),),
                 "retail": (("sunshine_warehouse", 0.05),),
                 "market_operator": (("sunshine_warehouse", 0.4),),
                 "online_platform": (("sunshine_warehouse", 0.2),)}
# Training of food-safety managers (hours a year): most reach the 40 hours, some fall short.
TRAINING_SESSIONS = (1, 4)          # sessions a year, inclusive range
TRAINING_SHORT = (0.1, 0.25, 0.5)   # by tier: the share of years a manager falls short
# Routine penalties: measures, fine ladder, weight.
ROUTINE = ((["warning"], None, 30), (["fine"], make.MINOR_FINES, 32),
            (["warning", "fine"], make.MINOR_FINES, 8), (["fine"], make.MEDIUM_FINES, 10),
            (["fine", "confiscation"], make.MEDIUM_FINES, 12), (["circulated_criticism"], None, 5),
            (["fine", "confiscation"], make.HEAVY_FINES, 2), (["fine", "suspension"], make.MEDIUM_FINES, 1),
            (["fine", "permit_withdrawal"], make.MINOR_FINES, 0.5))


@dataclass(frozen=True)
class Event:
    """One record before it is shaped for the API; `person` set for a person subject."""

    day: date
    kind: str
    external_id: str
    details: dict
    person: str | None = None

    def as_api(self, uscc: str) -> dict:
        subject = ({"type": "person", "id": self.person} if self.person
                   else {"type": "enterprise", "id": uscc})
        return {"external_id": self.external_id, "subject": subject, "kind": self.kind,
                "occurred_on": self.day.isoformat(), "details": self.details}


def count(rng: Random, rate: float) -> int:
    """A whole number of events with mean `rate`."""
    whole = int(rate)
    return whole + (1 if rng.random() < rate - whole else 0)


def official(day: date) -> date:
    """Inspectors and bureaus work on weekdays: a weekend date moves to Monday."""
    weekday = day.weekday()
    return day + timedelta(days=7 - weekday) if weekday >= 5 else day


class Year:
    """The events of one enterprise in one calendar year."""

    def __init__(self, seed: int, draft: EnterpriseDraft, year: int) -> None:
        self.draft, self.year = draft, year
        self.rng = rng_for(seed, YEAR_STREAM, draft.index, year)
        self.tier = TIER[draft.tier]
        self.events: list[Event] = []
        self._numbers: Counter[str] = Counter()

    def day(self) -> date:
        """A uniformly drawn date of this year."""
        return date(self.year, 1, 1) + timedelta(days=self.rng.randrange(365))

    def next_external_id(self, kind: str) -> str:
        """The next source-system id of a `kind` record in this enterprise-year."""
        code = EXTERNAL_ID_CODES[kind]
        self._numbers[code] += 1
        return f"JQ-{code}-{self.draft.uscc}-{self.year}-{self._numbers[code]:03d}"

    def add(self, day: date, kind: str, details: dict, role: str | None = None,
            external_id: str | None = None) -> None:
        """Add an event; a person event goes to whoever held `role` that day, if anyone."""
        # numbered even when skipped, so the numbers of later events never shift
        external_id = external_id or self.next_external_id(kind)
        person = None
        if role is not None:
            person = self.draft.holder_on(role, day)
            if person is None:
                return
        self.events.append(Event(day, kind, external_id, details, person))

    def penalty(self, day: date, measures: list[str], fines: tuple[int, ...] | None, *,
                serious: bool = False, heavy: bool = False, role: str | None = None,
                violation_id: str | None = None) -> None:
        """A penalty decision of the county bureau (the city bureau for heavy cases)."""
        rng = self.rng
        fine = rng.choice(fines) if fines else None
        aggravated = rng.random() < (0.3 if heavy else 0.08) and fine is not None
        number = make.decision_no(rng, self.draft.district, day.year, heavy and rng.random() < 0.5)
        details = make.penalty(number, measures, fine, aggravated, serious, violation_id)
        self.add(official(day), PENALTY, details, role=role)
