"""Synthetic enterprises, persons and roles, each derived from (seed, index) alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from random import Random

from credit_engine.domain.dates import add_years
from credit_engine.population import codes
from credit_engine.population.names import PRODUCTION_LINES, enterprise_name, person_name
from credit_engine.population.places import BIRTH_AREA_CODES, DISTRICT_WEIGHTS, DISTRICTS, District

CATEGORIES = ("catering", "retail", "production", "small_workshop", "canteen")
CATEGORY_WEIGHTS = (40, 30, 12, 10, 8)
# The categories of ruleset 2027.1, drawn within the one above from a stream of their own
# (so every other draw of a seed stays what it was): most canteens are school canteens,
# small workshops split into shops and stalls, a few retailers run markets or platforms.
REFINED = {"canteen": (("school_canteen", 0.6),),
           "small_workshop": (("small_shop", 0.45), ("stall", 0.35)),
           "retail": (("market_operator", 0.02), ("online_platform", 0.01))}
TIERS = ("good", "average", "poor")  # how compliant a business is over the years
TIER_WEIGHTS = (70, 24, 6)

# Streams keep each kind of draw independent of the others (see rng_for).
PERSON_STREAM, ENTERPRISE_STREAM, ROLE_STREAM, YEAR_STREAM, CATEGORY_STREAM, TRAINING_STREAM = 1, 2, 3, 4, 8, 7  # 6: year.PROFILE_STREAM

_SUBJECT_TYPE = {
    "catering": ((codes.COMPANY, 15), (codes.INDIVIDUAL, 85)),
    "retail": ((codes.COMPANY, 12), (codes.INDIVIDUAL, 88)),
    "production": ((codes.COMPANY, 90), (codes.COOPERATIVE, 10)),
    "small_workshop": ((codes.INDIVIDUAL, 100),),
    "canteen": ((codes.INSTITUTION, 75), (codes.COMPANY, 25)),
}
_FSM_SHARE = {"canteen": 0.95, "production": 0.9, "catering": 0.35, "retail": 0.15,
              "small_workshop": 0.2}


def rng_for(seed: int, stream: int, index: int, year: int = 0) -> Random:
    """A generator for one (stream, subject, year): the same numbers whatever else is made."""
    return Random(((seed * 1_000_003 + stream) * 100_000_007 + index) * 10_007 + year)


@dataclass
class RoleSpan:
    """A person's role in an enterprise from `start` to `stop` (inclusive, None = open)."""

    id_number: str
    role: str
    start: date
    stop: date | None = None

    def active_on(self, day: date) -> bool:
        return self.start <= day and (self.stop is None or day <= self.stop)


@dataclass
class EnterpriseDraft:
    """An enterprise with what its timeline needs beyond the API fields."""

    index: int
    uscc: str
    name: str
    category: str
    district: District
    licence_no: str
    licensed_on: date
    tier: str
    company: bool
    roles: list[RoleSpan] = field(default_factory=list)
    base_category: str = ""  # the category its habits are drawn by (REFINED: the one it refines)

    def as_api(self) -> dict:
        """The enterprise as in docs/api.md (uscc in the path, the rest in the body)."""
        return {"uscc": self.uscc, "name": self.name, "category": self.category,
                "district": self.district.name, "licence_no": self.licence_no,
                "licensed_on": self.licensed_on.isoformat()}

    def holder_on(self, role: str, day: date) -> str | None:
        """The ID number of who held `role` on `day`, if anyone."""
        for span in self.roles:
            if span.role == role and span.active_on(day):
                return span.id_number
        return None


class SubjectFactory:
    """Makes persons and enterprises of one population (seed, sizes, period)."""

    def __init__(self, seed: int, enterprises: int, persons: int, start: date, end: date) -> None:
        self.seed, self.enterprise_count, self.person_count = seed, enterprises, persons
        self.start, self.end = start, end
        self.id_numbers = codes.IdNumberFactory(seed, BIRTH_AREA_CODES)
        self._usccs = codes.UsccFactory(seed)
        self._licence_serials = codes.AffinePermutation(10**7, seed, 4)
        self._representatives = codes.AffinePermutation(persons, seed, 5)

    def person(self, index: int) -> dict:
        """Person `index` as in docs/api.md's POST /persons body."""
        id_number = self.id_numbers.make(index)
        rng = rng_for(self.seed, PERSON_STREAM, index)
        return {"id_number": id_number,
                "name": person_name(rng, codes.is_male(id_number), id_number[:6])}

    def enterprise(self, index: int) -> EnterpriseDraft:
        """Enterprise `index` with its roles."""
        rng = rng_for(self.seed, ENTERPRISE_STREAM, index)
        category = rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
        district = rng.choices(DISTRICTS, DISTRICT_WEIGHTS)[0]
        prefixes, weights = zip(*_SUBJECT_TYPE[category])
        prefix = rng.choices(prefixes, weights)[0]
        line, food_code = rng.choice(PRODUCTION_LINES)
        company = prefix in (codes.COMPANY, codes.COOPERATIVE)
        draft = EnterpriseDraft(
            index=index,
            uscc=self._usccs.make(index, prefix, district.code, old_style=rng.random() < 0.3),
            name=enterprise_name(rng, category, district, company, line),
            category=self._refined(index, category),
            base_category=category,
            district=district,
            licence_no=codes.licence_number(
                category, district.code, self._licence_serials(index), food_code),
            licensed_on=self._licensed_on(rng),
            tier=rng.choices(TIERS, TIER_WEIGHTS)[0],
            company=company or prefix == codes.INSTITUTION,
        )
        draft.roles = self._roles(draft)
        return draft

    def _refined(self, index: int, category: str) -> str:
        draw = rng_for(self.seed, CATEGORY_STREAM, index).random()
        for refined, share in REFINED.get(category, ()):
            if draw < share:
                return refined
            draw -= share
        return category

    def _licensed_on(self, rng: Random) -> date:
        # Only `start` moves it (and `end` when the period is shorter than four years), so a
        # later `end` extends a population instead of changing it (see stream.py).
        days = rng.randrange(1, 3653)
        if rng.random() < 0.85:  # licensed before the recorded period: a full history
            return self.start - timedelta(days=days)
        span = max(1, min(4 * 365, (self.end - self.start).days - 30))
        return self.start + timedelta(days=days % span)

    def _span(self, person_index: int, role: str, start: date, stop: date | None) -> RoleSpan | None:
        id_number = self.id_numbers.make(person_index)
        start = max(start, add_years(codes.birth_date(id_number), 18))  # adults only
        if start > self.end:
            return None
        return RoleSpan(id_number, role, start, stop if stop and start <= stop < self.end else None)

    def _roles(self, draft: EnterpriseDraft) -> list[RoleSpan]:
        # Every draw happens whatever the dates, so `end` never shifts later draws.
        rng = rng_for(self.seed, ROLE_STREAM, draft.index)
        people, opened = self.person_count, draft.licensed_on
        shared_owner, someone = rng.random() < 0.08, rng.randrange(people)
        owner = self._representatives(draft.index) if draft.index < people else someone
        owner = someone if shared_owner else owner
        changed_on = opened + timedelta(days=rng.randrange(365, 8 * 365))
        successor = rng.randrange(people) if rng.random() < 0.12 else None
        first = self._span(owner, "legal_representative", opened,
                           changed_on - timedelta(days=1) if successor is not None else None)
        spans = [first]
        if first is not None and first.stop is not None and successor is not None:
            spans.append(self._span(successor, "legal_representative", changed_on, None))
        if rng.random() < (0.6 if draft.company else 0.05):
            spans.append(self._staff_span(rng, "principal", opened))
        else:
            rng.random(), rng.random(), rng.random(), rng.random()
        has_manager, owner_manages = rng.random() < _FSM_SHARE[draft.base_category], rng.random() < 0.2
        if has_manager:
            spans.append(self._staff_span(rng, "food_safety_manager", opened))
        elif not draft.company and owner_manages and first is not None:
            # the owner of a small shop is often its own food-safety manager
            spans.append(RoleSpan(first.id_number, "food_safety_manager", first.start))
        return [span for span in spans if span is not None]

    def _staff_span(self, rng: Random, role: str, opened: date) -> RoleSpan | None:
        person, delay = rng.randrange(self.person_count), rng.randrange(0, 730)
        tenure, leaves = rng.randrange(180, 4 * 365), rng.random() < 0.22
        start = opened + timedelta(days=delay)
        return self._span(person, role, start, start + timedelta(days=tenure) if leaves else None)


def role_as_api(uscc: str, span: RoleSpan) -> dict:
    """A role as the generator hands it out: the person by ID number, dates as text."""
    return {"uscc": uscc, "id_number": span.id_number, "role": span.role,
            "from": span.start.isoformat(),
            "to": span.stop.isoformat() if span.stop else None}
