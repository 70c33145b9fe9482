"""Windows (calendar months), bands, bonuses, overrides and caps."""

from datetime import date

import pytest

from credit_engine.grading.pipeline import grade
from grading_builders import (AS_OF, enterprise_file, inspection, penalty, rec, recent_inspection, rule_ids)


def test_minor_penalty_counts_until_the_day_before_12_months(registry, backend):
    f = enterprise_file(inspection(date(2026, 1, 1)), penalty(date(2025, 3, 31), "warning"))
    assert grade(f, date(2026, 3, 30), registry, backend=backend).score == 95
    assert grade(f, date(2026, 3, 31), registry, backend=backend).score == 100


def test_a_window_ending_in_a_shorter_month_ends_on_its_last_day(registry, backend):
    # 29 February 2024 + 12 months = 28 February 2025 (day clamped to the month's end)
    g = enterprise_file(inspection(date(2024, 2, 29), "non_compliant"), inspection(date(2025, 1, 1)))
    assert grade(g, date(2025, 2, 27), registry, backend=backend).score == 90
    assert grade(g, date(2025, 2, 28), registry, backend=backend).score == 100


def test_non_minor_penalty_counts_36_months(registry, backend):
    f = enterprise_file(inspection(date(2026, 1, 1)), penalty(date(2023, 6, 15), "fine", fine_amount=20000))
    assert grade(f, date(2026, 6, 14), registry, backend=backend).score == 85
    assert grade(f, date(2026, 6, 15), registry, backend=backend).score == 100


def test_aggravated_does_not_make_a_minor_penalty_non_minor(registry, backend):
    f = enterprise_file(inspection(date(2026, 1, 1)), penalty(date(2025, 6, 15), "warning", aggravated=True))
    assert grade(f, date(2026, 6, 14), registry, backend=backend).score == 85
    assert grade(f, date(2026, 6, 15), registry, backend=backend).score == 100


def test_a_record_dated_after_the_date_does_not_count(registry, backend):
    f = enterprise_file(recent_inspection(), penalty(date(2026, 7, 1), "warning"))
    assert grade(f, AS_OF, registry, backend=backend).score == 100


@pytest.mark.parametrize("score_target,expected", [(90, "A"), (89, "B"), (75, "B"), (74, "C"), (60, "C"), (59, "D")])
def test_bands_at_exact_scores(registry, backend, score_target, expected):
    missing = 100 - score_target
    records = [recent_inspection()]
    # 5-point self-check misses and 2-point late self-checks reach every total exactly
    fives, rest = divmod(missing, 5)
    records += [rec("self_check", date(2026, 1, 1), period=f"P{i}", status="missing") for i in range(fives)]
    if rest % 2:
        fives -= 1
        records.pop()
        rest += 5
    records += [rec("self_check", date(2026, 2, 1), period=f"L{i}", status="late") for i in range(rest // 2)]
    if rest % 2:
        records.append(inspection(date(2026, 2, 2), "basically_compliant"))
    result = grade(enterprise_file(*records), AS_OF, registry, backend=backend)
    assert (result.score, result.grade) == (score_target, expected)


def test_bonuses_add_up_to_at_most_10(registry, backend):
    f = enterprise_file(recent_inspection(), rec("commendation", date(2025, 1, 1), level="national", title="t"),
                        rec("insurance", date(2025, 1, 1), policy_no="P", valid_until="2027-01-01"),
                        penalty(date(2026, 2, 1), "confiscation"))
    result = grade(f, AS_OF, registry, backend=backend)
    assert result.score == 100 - 20 + 10
    assert sum(r.points for r in result.reasons if r.points > 0) == 10


@pytest.mark.parametrize("level,points", [("national", 10), ("provincial", 5), ("city", 3), ("county", 2)])
def test_commendation_bonus_by_level(registry, backend, level, points):
    f = enterprise_file(recent_inspection(), penalty(date(2026, 2, 1), "confiscation"),
                        rec("commendation", date(2025, 1, 1), level=level, title="t"))
    assert grade(f, AS_OF, registry, backend=backend).score == 80 + points


def test_certification_insurance_practice_bonuses_while_valid(registry, backend):
    f = enterprise_file(recent_inspection(), penalty(date(2026, 2, 1), "confiscation"),
                        rec("certification", date(2025, 1, 1), scheme="HACCP", valid_until="2026-06-15"),
                        rec("insurance", date(2025, 1, 1), policy_no="P", valid_until="2026-06-14"),
                        rec("practice", date(2025, 1, 1), practice="open_kitchen", valid_until="2027-01-01"))
    assert grade(f, AS_OF, registry, backend=backend).score == 80 + 3 + 2


def test_a_d_override_gets_no_bonus(registry, backend):
    f = enterprise_file(recent_inspection(), rec("incident", date(2026, 1, 1), level="relatively_large"),
                        rec("commendation", date(2025, 1, 1), level="city", title="t"))
    result = grade(f, AS_OF, registry, backend=backend)
    assert (result.score, result.grade) == (100, "D")
    assert all(r.points <= 0 for r in result.reasons)


def test_licence_revocation_freezes_d_for_24_months(registry, backend):
    f = enterprise_file(inspection(date(2026, 1, 1)), penalty(date(2024, 6, 15), "licence_revocation"))
    assert "OVR-LICENCE-REVOCATION" in rule_ids(grade(f, date(2026, 6, 14), registry, backend=backend))
    assert "OVR-LICENCE-REVOCATION" not in rule_ids(grade(f, date(2026, 6, 15), registry, backend=backend))


def test_two_suspension_decisions_in_12_months_override_to_d(registry, backend):
    f = enterprise_file(recent_inspection(), penalty(date(2025, 12, 1), "suspension", violation_id="V"),
                        penalty(date(2026, 2, 1), "suspension", violation_id="V"))
    result = grade(f, AS_OF, registry, backend=backend)
    assert result.grade == "D" and "OVR-REPEATED-SUSPENSION" in rule_ids(result)
    assert result.score == 70


def test_one_suspension_is_no_override(registry, backend):
    f = enterprise_file(recent_inspection(), penalty(date(2026, 2, 1), "suspension"))
    assert grade(f, AS_OF, registry, backend=backend).grade == "C"


def test_three_violations_in_12_months_cap_at_c(registry, backend):
    f = enterprise_file(recent_inspection(), *[penalty(date(2026, 1, d), "warning") for d in (1, 2, 3)])
    result = grade(f, AS_OF, registry, backend=backend)
    assert (result.score, result.grade) == (85, "C")
    cap = next(r for r in result.reasons if r.rule == "CAP-ART134")
    assert cap.points == 0 and len(cap.record_ids) == 3
    assert "LIC-SUSPENSION-REVIEW" in [m.code for m in result.measures]


def test_decisions_sharing_a_violation_are_one_for_the_art134_cap(registry, backend):
    f = enterprise_file(recent_inspection(), penalty(date(2026, 1, 1), "warning", violation_id="V"),
                        penalty(date(2026, 1, 2), "warning", violation_id="V"), penalty(date(2026, 1, 3), "warning"))
    assert "CAP-ART134" not in rule_ids(grade(f, AS_OF, registry, backend=backend))


def test_suspension_decisions_do_not_count_for_the_art134_cap(registry, backend):
    f = enterprise_file(recent_inspection(), penalty(date(2026, 1, 1), "warning"),
                        penalty(date(2026, 1, 2), "warning"), penalty(date(2026, 1, 3), "suspension"))
    assert "CAP-ART134" not in rule_ids(grade(f, AS_OF, registry, backend=backend))


def test_no_inspection_in_24_months_caps_at_b(registry, backend):
    f = enterprise_file(inspection(date(2024, 6, 15)))
    assert grade(f, date(2026, 6, 14), registry, backend=backend).grade == "A"
    result = grade(f, date(2026, 6, 15), registry, backend=backend)
    assert (result.score, result.grade) == (100, "B") and "CAP-NO-RECENT-INSPECTION" in rule_ids(result)
