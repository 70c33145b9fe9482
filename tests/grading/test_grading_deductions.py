"""Deductions of docs/domain.md, each computed by hand from a score of 100."""

from datetime import date

import pytest

from credit_engine.grading.pipeline import grade
from grading_builders import AS_OF, enterprise_file, inspection, penalty, rec, recent_inspection

D = date(2026, 3, 1)


@pytest.mark.parametrize("measures,fine,expected", [
    (["warning"], None, 95),
    (["circulated_criticism"], None, 95),
    (["fine"], 10000, 90),
    (["fine"], 10001, 85),
    (["fine"], 100000, 85),
    (["fine"], 100001, 80),
    (["confiscation"], None, 80),
    (["employment_restriction"], None, 75),
    (["suspension"], None, 70),
    (["permit_withdrawal"], None, 60),
    (["warning", "fine", "confiscation"], 5000, 80),
])
def test_penalty_deducts_its_heaviest_measure(registry, backend, measures, fine, expected):
    details = {"fine_amount": fine} if fine else {}
    f = enterprise_file(recent_inspection(), penalty(D, *measures, **details))
    assert grade(f, AS_OF, registry, backend=backend).score == expected


def test_licence_revocation_deducts_60(registry, backend):
    f = enterprise_file(recent_inspection(), penalty(D, "licence_revocation"))
    result = grade(f, AS_OF, registry, backend=backend)
    assert result.score == 40 and result.grade == "D"


def test_aggravated_adds_10(registry, backend):
    f = enterprise_file(recent_inspection(), penalty(D, "fine", fine_amount=5000, aggravated=True))
    assert grade(f, AS_OF, registry, backend=backend).score == 80


def test_decisions_sharing_a_violation_count_once_the_heaviest(registry, backend):
    f = enterprise_file(recent_inspection(),
                        penalty(D, "warning", violation_id="V1"),
                        penalty(date(2026, 3, 5), "confiscation", violation_id="V1"),
                        penalty(date(2026, 3, 6), "warning", violation_id="V2"))
    result = grade(f, AS_OF, registry, backend=backend)
    assert result.score == 100 - 20 - 5
    assert [r.points for r in result.reasons if r.rule == "DED-PENALTY"] == [-20, -5]


@pytest.mark.parametrize("result_,refused,expected", [
    ("non_compliant", False, 90), ("basically_compliant", False, 97), ("compliant", False, 100),
    ("compliant", True, 70), ("non_compliant", True, 70),
])
def test_inspection_deductions(registry, backend, result_, refused, expected):
    f = enterprise_file(inspection(D, result_, refused=refused))
    assert grade(f, AS_OF, registry, backend=backend).score == expected


@pytest.mark.parametrize("level,hazard,expected", [
    ("county", "microbial", 90), ("city", "label", 90), ("provincial", "microbial", 85),
    ("national", "heavy_metal", 85), ("county", "illegal_substance", 60), ("national", "illegal_substance", 60),
])
def test_sampling_fail_deductions(registry, backend, level, hazard, expected):
    f = enterprise_file(recent_inspection(), rec("sampling", D, result="fail", level=level, hazard=hazard, product="x"))
    assert grade(f, AS_OF, registry, backend=backend).score == expected


def test_sampling_pass_deducts_nothing(registry, backend):
    f = enterprise_file(recent_inspection(), rec("sampling", D, result="pass", level="national", product="x"))
    assert grade(f, AS_OF, registry, backend=backend).score == 100


@pytest.mark.parametrize("status,expected", [("on_time", 100), ("late", 98), ("missing", 95)])
def test_self_check_deductions(registry, backend, status, expected):
    f = enterprise_file(recent_inspection(), rec("self_check", D, period="2026-Q1", status=status))
    assert grade(f, AS_OF, registry, backend=backend).score == expected


def test_substantiated_complaints_deduct_2_each_at_most_10(registry, backend):
    complaints = [rec("complaint", date(2026, 1, d), substantiated=True) for d in range(1, 8)]
    f = enterprise_file(recent_inspection(), *complaints, rec("complaint", D, substantiated=False))
    result = grade(f, AS_OF, registry, backend=backend)
    assert result.score == 90
    assert sum(r.points for r in result.reasons) == -10


def test_three_complaints_deduct_6(registry, backend):
    f = enterprise_file(recent_inspection(), *[rec("complaint", date(2026, 2, d), substantiated=True) for d in (1, 2, 3)])
    assert grade(f, AS_OF, registry, backend=backend).score == 94


def test_general_incident_deducts_20(registry, backend):
    f = enterprise_file(recent_inspection(), rec("incident", D, level="general"))
    assert grade(f, AS_OF, registry, backend=backend).score == 80


def test_major_incident_deducts_nothing_but_overrides_to_d(registry, backend):
    f = enterprise_file(recent_inspection(), rec("incident", D, level="major"))
    result = grade(f, AS_OF, registry, backend=backend)
    assert (result.score, result.grade) == (100, "D")
    assert "OVR-MAJOR-INCIDENT" in [r.rule for r in result.reasons]


def test_score_is_clamped_at_zero(registry, backend):
    f = enterprise_file(*[penalty(date(2026, 1, d), "licence_revocation") for d in (1, 2)])
    assert grade(f, AS_OF, registry, backend=backend).score == 0


def test_deduction_reason_has_negative_points_basis_and_chinese_text(registry):
    p = penalty(D, "warning")
    reason = grade(enterprise_file(recent_inspection(), p), AS_OF, registry).reasons[0]
    assert (reason.rule, reason.points, reason.record_ids) == ("DED-PENALTY", -5, (p.id,))
    assert "第一百一十三条" in reason.basis and "扣5分" in reason.text
