"""What happens to an enterprise in a year: inspections, sampling, penalties and the rest."""

from __future__ import annotations

from datetime import date, timedelta

from credit_engine.domain.dates import add_years
from credit_engine.domain.record_kinds import INCIDENT, INSPECTION
from credit_engine.population import details as make
from credit_engine.population import year as rates
from credit_engine.population.year import Year, count, official

_LEVELS = make.LEVELS


def inspections(y: Year) -> None:
    """Routine inspections; a failed one is often followed by a penalty."""
    rng, category = y.rng, y.draft.base_category
    graded = category in ("catering", "canteen")
    rate = rates.INSPECTIONS[category] + rates.INSPECTIONS_EXTRA[y.tier]
    for _ in range(count(rng, rate)):
        day = official(y.day())
        refused = rng.random() < 0.002 * (1 + 4 * y.tier)
        result = rng.choices(rates.RESULTS, rates.RESULT_WEIGHTS[y.tier])[0]
        details = make.inspection(rng, result, refused, graded)
        y.add(day, INSPECTION, details)
        follow_up, delay = rng.random(), timedelta(days=rng.randrange(10, 60))
        if refused and follow_up < 0.8:
            y.penalty(day + delay, ["fine"], (20000, 30000, 50000))
        elif details["result"] == "non_compliant" and follow_up < 0.45:
            _penalise_violation(y, day + delay)


def _penalise_violation(y: Year, day: date) -> None:
    rng = y.rng
    roll = rng.random()
    if roll < 0.35:
        y.penalty(day, ["warning"], None)
    elif roll < 0.7:
        y.penalty(day, ["fine"], make.MINOR_FINES)
    elif roll < 0.85:
        # warned first, fined when it was not put right: two decisions, one violation
        violation_id = f"V-{y.draft.uscc}-{y.year}-{rng.randrange(10**4):04d}"
        y.penalty(day, ["warning"], None, violation_id=violation_id)
        later = day + timedelta(days=rng.randrange(20, 45))
        y.penalty(later, ["fine"], make.MINOR_FINES, violation_id=violation_id)
    elif roll < 0.97:
        y.penalty(day, ["fine", "confiscation"], make.MEDIUM_FINES)
    else:
        y.penalty(day, ["circulated_criticism"], None)


def samplings(y: Year) -> None:
    """Sampling inspections; a failed sample usually leads to a penalty."""
    rng = y.rng
    for _ in range(count(rng, rates.SAMPLINGS[y.draft.base_category])):
        day = official(y.day())
        failed = rng.random() < rates.SAMPLING_FAIL[y.tier]
        level = rng.choices(_LEVELS, rates.LEVEL_WEIGHTS)[0]
        details = make.sampling(rng, y.draft.base_category, failed, level)
        y.add(day, "sampling", details)
        follow_up, delay = rng.random(), timedelta(days=rng.randrange(20, 90))
        if not failed or follow_up >= 0.65:
            continue
        if details["hazard"] == "illegal_substance":
            criminal_case(y, day + delay)
        elif level in ("national", "provincial"):
            y.penalty(day + delay, ["fine", "confiscation"], make.MEDIUM_FINES)
        else:
            y.penalty(day + delay, ["fine", "confiscation"], make.MINOR_FINES + make.MEDIUM_FINES)


def criminal_case(y: Year, day: date) -> None:
    """A grave violation: licence revoked or business suspended, the owner fined, maybe jailed."""
    rng = y.rng
    revoked = rng.random() < 0.5
    measures = ["fine", "confiscation", "licence_revocation" if revoked else "suspension"]
    y.penalty(day, measures, make.HEAVY_FINES, serious=rng.random() < 0.7, heavy=True)
    personal = ["fine", "employment_restriction"] if revoked and rng.random() < 0.3 else ["fine"]
    later = day + timedelta(days=rng.randrange(0, 30))
    y.penalty(later, personal, (20000, 50000, 100000, 200000), heavy=True,
              role="legal_representative")
    if rng.random() < 0.6:
        convicted = official(day + timedelta(days=rng.randrange(120, 400)))
        offender = y.draft.holder_on("legal_representative", day)
        imprisonment = rng.random() < 0.75
        case = make.case_no(rng, y.draft.district, convicted.year)
        event = _person_event(y, convicted, "conviction", offender or "",
                              {"imprisonment": imprisonment, "case_no": case})
        if offender is not None:  # numbered either way, so numbers never shift
            y.events.append(event)


def _person_event(y: Year, day: date, kind: str, id_number: str, details: dict) -> rates.Event:
    return rates.Event(day, kind, y.next_external_id(kind), details, id_number)


def self_checks(y: Year) -> None:
    """Quarterly self-inspection reports, due by the end of each quarter."""
    rng = y.rng
    statuses, weights = rates.SELF_CHECK
    for quarter in range(1, 5):
        status = rng.choices(statuses, weights[y.tier])[0]
        quarter_end = date(y.year, 3 * quarter, 31 if quarter in (1, 4) else 30)
        offset = rng.randrange(0, 20)
        day = {"on_time": quarter_end - timedelta(days=offset),
               "late": quarter_end + timedelta(days=offset + 1),
               "missing": quarter_end + timedelta(days=31)}[status]
        period = f"{y.year}-Q{quarter}"
        y.add(day, "self_check", {"period": period, "status": status},
              external_id=f"JQ-SCK-{y.draft.uscc}-{y.year}Q{quarter}")


def complaints(y: Year) -> None:
    """Consumer complaints (12315 hotline); some are substantiated."""
    rng = y.rng
    rate = rates.COMPLAINTS[y.tier]
    if y.draft.base_category in ("production", "small_workshop"):
        rate /= 2
    for _ in range(count(rng, rate)):
        day = y.day()
        substantiated = rng.random() < rates.SUBSTANTIATED[y.tier]
        y.add(day, "complaint", {"substantiated": substantiated})
        if substantiated and rng.random() < 0.15:
            y.penalty(day + timedelta(days=rng.randrange(7, 40)), ["warning"], None)


def routine_penalties(y: Year) -> None:
    """Penalties for violations found in other ways (reports, special campaigns)."""
    rng = y.rng
    for _ in range(count(rng, rates.PENALTIES[y.tier])):
        measures, fines, _weight = rng.choices(rates.ROUTINE, [r[2] for r in rates.ROUTINE])[0]
        heavy = "suspension" in measures or "permit_withdrawal" in measures
        serious = heavy and rng.random() < 0.4
        y.penalty(y.day(), list(measures), fines, serious=serious, heavy=heavy)


def incidents(y: Year) -> None:
    """Food-safety incidents the business caused, and what followed them."""
    rng = y.rng
    if rng.random() >= rates.INCIDENTS[y.tier]:
        return
    day = y.day()
    names, weights = rates.INCIDENT_LEVELS
    level = rng.choices(names, weights)[0]
    y.add(day, INCIDENT, {"level": level})
    later = day + timedelta(days=rng.randrange(15, 60))
    if level != "general":
        criminal_case(y, later)
    elif rng.random() < 0.5:
        y.penalty(later, ["fine", "confiscation"], make.MEDIUM_FINES)


def crimes(y: Year) -> None:
    """Cases uncovered by the police or by tip-offs rather than by inspections."""
    if y.rng.random() < rates.CRIMES[y.tier]:
        criminal_case(y, y.day())


def commendations(y: Year) -> None:
    """Commendations of the business and, rarely, of its food-safety manager."""
    rng = y.rng
    if rng.random() < rates.COMMENDATIONS[y.tier]:
        level = rng.choices(_LEVELS, (3, 17, 35, 45))[0]
        y.add(official(y.day()), "commendation", make.commendation(rng, level, y.draft.district))
    if rng.random() < 0.01 * (2 - y.tier):
        level = "city" if rng.random() < 0.4 else "county"
        y.add(official(y.day()), "commendation",
              make.person_commendation(level, y.draft.district), role="food_safety_manager")


def validity(y: Year, kind: str, details: dict, start: date, years: int) -> None:
    """A certificate, policy or practice valid `years` from `start` (through the day before)."""
    until = add_years(start, years) - timedelta(days=1)
    y.add(start, kind, {**details, "valid_until": until.isoformat()})
