"""All records of one enterprise and its people between `start` and `end`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from credit_engine.domain.record_kinds import PENALTY
from credit_engine.population import activities
from credit_engine.population import details as make
from credit_engine.population import year as rates
from credit_engine.population.subjects import TRAINING_STREAM, EnterpriseDraft, rng_for
from credit_engine.population.year import Event, Year

_YEARLY = (activities.inspections, activities.samplings, activities.self_checks,
           activities.complaints, activities.routine_penalties, activities.incidents,
           activities.crimes, activities.commendations)


@dataclass(frozen=True)
class Profile:
    """Lasting habits of a business: insurance, certification and good practices."""

    insured: bool
    insurance_day: tuple[int, int]
    scheme: str | None
    scheme_phase: int
    practices: tuple[tuple[str, int], ...]  # practice, phase of its two-year cycle


def profile_of(seed: int, draft: EnterpriseDraft) -> Profile:
    """Draw the lasting habits of `draft` (independent of the period)."""
    rng = rng_for(seed, rates.PROFILE_STREAM, draft.index)
    category = draft.base_category
    insured = rng.random() < rates.INSURED[category]
    insurance_day = (rng.randint(1, 12), rng.randint(1, 28))
    certified = rng.random() < rates.CERTIFIED[category]
    scheme = rng.choices(*rates.SCHEMES)[0]
    phase = rng.randrange(3)
    practices = tuple((name, rng.randrange(2)) for name, share in rates.PRACTICES[category]
                      if rng.random() < share)
    # the 2027.1 practices, drawn after every earlier draw so those stay what they were
    practices += tuple((name, rng.randrange(2)) for name, share in rates.NEW_PRACTICES.get(draft.category, ())
                       if rng.random() < share)
    return Profile(insured, insurance_day, scheme if certified else None, phase, practices)


def _renewals(y: Year, profile: Profile) -> None:
    rng = y.rng
    renew_insurance, renew_scheme = rng.random() < 0.88, rng.random() < 0.85
    month, day = profile.insurance_day
    if profile.insured and renew_insurance:
        policy = make.policy_no(rng, y.draft.district, y.year)
        activities.validity(y, "insurance", {"policy_no": policy}, date(y.year, month, day), 1)
    period = 1 if profile.scheme == "organic" else 3
    if profile.scheme and renew_scheme and (y.year + profile.scheme_phase) % period == 0:
        issued = date(y.year, rng.randint(1, 12), rng.randint(1, 28))
        activities.validity(y, "certification", {"scheme": profile.scheme}, issued, period)
    for practice, phase in profile.practices:
        renewed, adopted = rng.random() < 0.8, date(y.year, rng.randint(1, 12), rng.randint(1, 28))
        if renewed and (y.year + phase) % 2 == 0:
            activities.validity(y, "practice", {"practice": practice}, adopted, 2)


def _trainings(seed: int, y: Year) -> None:
    """The food-safety manager's training sessions of the year, from a stream of their own
    (added in 2027.1; every earlier draw of a seed stays what it was)."""
    rng = rng_for(seed, TRAINING_STREAM, y.draft.index, y.year)
    short = rng.random() < rates.TRAINING_SHORT[y.tier]
    sessions = rng.randint(*rates.TRAINING_SESSIONS)
    target = rng.randint(12, 38) if short else rng.randint(40, 72)
    for n in range(sessions):
        hours = target // sessions + (target % sessions if n == 0 else 0)
        day = date(y.year, 1, 1) + timedelta(days=rng.randrange(365))
        if hours > 0:
            y.add(day, "training", {"year": y.year, "hours": hours}, role="food_safety_manager")


def enterprise_records(seed: int, draft: EnterpriseDraft, start: date, end: date) -> list[dict]:
    """The records of `draft` and of its people dated from `start` through `end`, by date."""
    profile = profile_of(seed, draft)
    events: list[Event] = []
    for year in range(start.year, end.year + 1):
        y = Year(seed, draft, year)
        for activity in _YEARLY:
            activity(y)
        _renewals(y, profile)
        _trainings(seed, y)
        events.extend(y.events)
    events.sort(key=lambda e: (e.day, e.external_id))
    closed_on = _licence_revoked_on(events)
    first = max(start, draft.licensed_on)
    return [e.as_api(draft.uscc) for e in events
            if first <= e.day <= end and (e.person or closed_on is None or e.day <= closed_on)]


def _licence_revoked_on(events: list[Event]) -> date | None:
    """A revoked licence closes the business: nothing of its own happens afterwards."""
    for event in events:
        if (event.kind == PENALTY and event.person is None
                and "licence_revocation" in event.details["measures"]):
            return event.day
    return None
