"""Bans (Art 135), the serious-dishonesty list (Order 44), revocation and repair."""

from datetime import date

from credit_engine.grading.pipeline import grade
from credit_engine.domain.model import Role
from grading_builders import (AS_OF, PERSON, USCC, enterprise_file, penalty, person_file,
                              rec, recent_inspection, rule_ids, measure_codes)
from credit_engine.domain.model import PersonFile

DECISION = date(2022, 3, 10)


def test_licence_revocation_bans_the_legal_representative_for_five_years(registry, backend):
    revocation = penalty(DECISION, "licence_revocation")
    role = Role(PERSON.id, USCC, "legal_representative", date(2020, 1, 1), date(2023, 1, 1))
    f = person_file(roles=(role,), enterprise_records=(revocation,))
    before_end = grade(f, date(2027, 3, 9), registry, backend=backend)
    assert (before_end.grade, before_end.banned_until) == ("D", date(2027, 3, 10))
    assert "LIC-BAN-5Y" in measure_codes(before_end)
    after = grade(f, date(2027, 3, 10), registry, backend=backend)
    assert after.banned_until is None and after.grade == "A"


def test_a_food_safety_manager_is_not_banned(registry, backend):
    role = Role(PERSON.id, USCC, "food_safety_manager", date(2020, 1, 1))
    f = person_file(roles=(role,), enterprise_records=(penalty(DECISION, "licence_revocation"),))
    assert grade(f, AS_OF, registry, backend=backend).banned_until is None


def test_a_role_that_started_after_the_decision_brings_no_ban(registry, backend):
    role = Role(PERSON.id, USCC, "principal", date(2022, 3, 11))
    f = person_file(roles=(role,), enterprise_records=(penalty(DECISION, "licence_revocation"),))
    assert grade(f, AS_OF, registry, backend=backend).banned_until is None


def test_the_enterprise_itself_is_banned_five_years(registry, backend):
    f = enterprise_file(recent_inspection(), penalty(DECISION, "licence_revocation"))
    result = grade(f, AS_OF, registry, backend=backend)
    assert result.banned_until == date(2027, 3, 10)
    ban = next(m for m in result.measures if m.code == "LIC-BAN-5Y")
    assert (ban.from_, ban.until) == (DECISION, date(2027, 3, 10))


def test_conviction_with_imprisonment_bans_for_life_and_lists(registry, backend):
    conviction = rec("conviction", date(2025, 1, 1), PERSON, imprisonment=True, case_no="C1")
    result = grade(person_file(conviction), AS_OF, registry, backend=backend)
    assert result.banned_for_life and result.banned_until is None and result.grade == "D"
    assert {"LIC-BAN-LIFE", "PROC-BAN"} <= set(measure_codes(result))
    assert result.listed_until == date(2028, 1, 1)


def test_conviction_without_imprisonment_lists_but_does_not_ban(registry, backend):
    conviction = rec("conviction", date(2025, 1, 1), PERSON, imprisonment=False, case_no="C1")
    result = grade(person_file(conviction), AS_OF, registry, backend=backend)
    assert not result.banned_for_life and result.listing_record_ids == (conviction.id,)


def test_enterprise_employing_a_banned_person_is_d_whenever_the_role_started(registry, backend):
    conviction = rec("conviction", date(2024, 1, 1), PERSON, imprisonment=True, case_no="C1")
    role = Role(PERSON.id, USCC, "food_safety_manager", date(2025, 5, 1), date(2026, 12, 31))
    person = PersonFile(PERSON.id, (conviction,), (role,))
    f = enterprise_file(recent_inspection(), roles=(role,), persons=(person,))
    result = grade(f, AS_OF, registry, backend=backend)
    assert result.grade == "D" and "OVR-EMPLOYS-BANNED-PERSON" in rule_ids(result)
    measure = next(m for m in result.measures if m.code == "LIC-EMPLOYS-BANNED")
    assert measure.until == date(2027, 1, 1)   # exclusive: the day after the role's last day
    assert grade(f, date(2027, 1, 1), registry, backend=backend).grade == "A"


def test_serious_penalty_lists_for_three_years(registry, backend):
    p = penalty(date(2024, 2, 1), "suspension", serious=True)
    f = enterprise_file(recent_inspection(), p)
    result = grade(f, AS_OF, registry, backend=backend)
    assert (result.listed_until, result.listing_record_ids, result.grade) == (date(2027, 2, 1), (p.id,), "D")
    assert result.inspections_per_year == 4
    assert grade(f, date(2027, 2, 1), registry, backend=backend).listed_until is None


def test_aggravated_fine_serious_penalty_lists(registry, backend):
    p = penalty(date(2026, 1, 1), "fine", fine_amount=5000, aggravated=True, serious=True)
    assert grade(enterprise_file(recent_inspection(), p), AS_OF, registry, backend=backend).listed_until == date(2029, 1, 1)


def test_serious_warning_does_not_list(registry, backend):
    p = penalty(date(2026, 1, 1), "warning", serious=True)
    assert grade(enterprise_file(recent_inspection(), p), AS_OF, registry, backend=backend).listed_until is None


def test_revoked_penalty_counts_before_and_not_from_its_revocation_date(registry, backend):
    p = penalty(date(2026, 1, 5), "suspension", serious=True, revoked_on=date(2026, 5, 1))
    f = enterprise_file(recent_inspection(), p)
    before = grade(f, date(2026, 4, 30), registry, backend=backend)
    assert before.listed_until == date(2029, 1, 5) and before.score == 70
    after = grade(f, date(2026, 5, 1), registry, backend=backend)
    assert (after.listed_until, after.score, after.grade) == (None, 100, "A")
    assert p.id not in after.input_record_ids


def test_repaired_penalty_stops_counting_from_the_repair_date(registry, backend):
    p = penalty(date(2025, 1, 5), "fine", fine_amount=50000, repaired_on=date(2026, 3, 1))
    f = enterprise_file(recent_inspection(), p)
    assert grade(f, date(2026, 2, 28), registry, backend=backend).score == 85
    assert grade(f, date(2026, 3, 1), registry, backend=backend).score == 100


def test_person_own_penalty_and_complaint_count(registry, backend):
    f = person_file(penalty(date(2026, 1, 1), "fine", fine_amount=2000, subject=PERSON),
                    rec("complaint", date(2026, 2, 1), PERSON, substantiated=True))
    result = grade(f, AS_OF, registry, backend=backend)
    assert (result.score, result.grade, result.inspections_per_year) == (88, "B", None)
