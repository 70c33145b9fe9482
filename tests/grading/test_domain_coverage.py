"""docs/domain.md items the other grading tests leave out, each named by its rule and worked by hand.

Every file here has a compliant inspection on 2026-01-10 (`recent_inspection()`) unless the
test is about inspections, so CAP-NO-RECENT-INSPECTION stays off and 100 points is an A.
"""

from datetime import date
from pathlib import Path

import pytest
import yaml

from credit_engine.domain.dates import add_months
from credit_engine.grading.pipeline import grade
from credit_engine.domain.model import Role, decide
from credit_engine.rules import RulesetRegistry
from grading_builders import (AS_OF, PERSON, RULESETS_DIR, USCC, enterprise_file, inspection, measure_codes,
                              penalty, person_file, rec, recent_inspection, rule_ids)

D = date(2026, 3, 1)


def points_of(result, rule):
    return [(r.points, r.record_ids) for r in result.reasons if r.rule == rule]


# ---- deductions --------------------------------------------------------------------------

@pytest.mark.parametrize("measure,expected", [("confiscation", 70), ("licence_revocation", 30), ("warning", 85)])
def test_ded_penalty_aggravated_adds_10_to_any_heaviest_measure(registry, backend, measure, expected):
    f = enterprise_file(recent_inspection(), penalty(D, measure, aggravated=True))
    assert grade(f, AS_OF, registry, backend=backend).score == expected


def test_ded_penalty_fine_over_100000_outweighs_a_warning_in_the_same_decision(registry, backend):
    p = penalty(D, "warning", "fine", fine_amount=150000)
    result = grade(enterprise_file(recent_inspection(), p), AS_OF, registry, backend=backend)
    assert points_of(result, "DED-PENALTY") == [(-20, (p.id,))]


def test_ded_penalty_one_violation_names_every_decision_and_keeps_the_aggravated_heaviest(registry, backend):
    # V: fine 50,000 (15) and an aggravated warning (5 + 10 = 15) and a confiscation (20): 20 once
    a = penalty(date(2026, 1, 5), "fine", fine_amount=50000, violation_id="V")
    b = penalty(date(2026, 2, 5), "warning", aggravated=True, violation_id="V")
    c = penalty(date(2026, 3, 5), "confiscation", violation_id="V")
    result = grade(enterprise_file(recent_inspection(), a, b, c), AS_OF, registry, backend=backend)
    assert result.score == 80
    assert points_of(result, "DED-PENALTY") == [(-20, tuple(sorted((a.id, b.id, c.id))))]


@pytest.mark.parametrize("result_,refused,rule,points", [
    ("non_compliant", False, "DED-INSPECTION-NON-COMPLIANT", -10),
    ("basically_compliant", False, "DED-INSPECTION-BASICALLY-COMPLIANT", -3),
    ("basically_compliant", True, "DED-INSPECTION-REFUSED", -30),
])
def test_ded_inspection_rule_ids(registry, backend, result_, refused, rule, points):
    i = inspection(D, result_, refused=refused)
    result = grade(enterprise_file(i), AS_OF, registry, backend=backend)
    assert [(r.rule, r.points, r.record_ids) for r in result.reasons] == [(rule, points, (i.id,))]


def test_ded_inspection_compliant_gives_no_reason(registry, backend):
    assert grade(enterprise_file(inspection(D)), AS_OF, registry, backend=backend).reasons == ()


@pytest.mark.parametrize("level,hazard,rule,points", [
    ("city", "microbial", "DED-SAMPLING-LOCAL", -10), ("county", "label", "DED-SAMPLING-LOCAL", -10),
    ("provincial", "pesticide_residue", "DED-SAMPLING-HIGH-LEVEL", -15),
    ("national", "additive_overuse", "DED-SAMPLING-HIGH-LEVEL", -15),
    ("city", "illegal_substance", "DED-SAMPLING-ILLEGAL-SUBSTANCE", -40),
    ("provincial", "illegal_substance", "DED-SAMPLING-ILLEGAL-SUBSTANCE", -40),
])
def test_ded_sampling_rule_ids(registry, backend, level, hazard, rule, points):
    s = rec("sampling", D, result="fail", level=level, hazard=hazard, product="x")
    result = grade(enterprise_file(recent_inspection(), s), AS_OF, registry, backend=backend)
    assert [(r.rule, r.points, r.record_ids) for r in result.reasons] == [(rule, points, (s.id,))]


@pytest.mark.parametrize("count,expected", [(5, 90), (6, 90)])
def test_ded_complaint_five_reach_the_cap_of_10(registry, backend, count, expected):
    complaints = [rec("complaint", date(2026, 2, d), substantiated=True) for d in range(1, count + 1)]
    result = grade(enterprise_file(recent_inspection(), *complaints), AS_OF, registry, backend=backend)
    assert result.score == expected
    assert sum(p for p, _ in points_of(result, "DED-COMPLAINT")) == -10


# ---- windows -----------------------------------------------------------------------------

@pytest.mark.parametrize("record,months,score", [
    (rec("sampling", date(2025, 3, 31), result="fail", level="city", hazard="other", product="x"), 12, 90),
    (rec("self_check", date(2025, 3, 31), period="2025-Q1", status="missing"), 12, 95),
    (rec("complaint", date(2025, 3, 31), substantiated=True), 12, 98),
    (rec("incident", date(2023, 3, 31), level="general"), 36, 80),
])
def test_window_of_each_kind_ends_n_calendar_months_after_the_record(registry, backend, record, months, score):
    end = add_months(record.occurred_on, months)
    f = enterprise_file(recent_inspection(), record)
    assert grade(f, date(2026, 3, 30), registry, backend=backend).score == score
    assert grade(f, end, registry, backend=backend).score == 100


def test_window_commendation_counts_36_months(registry, backend):
    f = enterprise_file(recent_inspection(), penalty(date(2026, 2, 1), "confiscation"),
                        rec("commendation", date(2023, 3, 31), level="provincial", title="t"))
    assert grade(f, date(2026, 3, 30), registry, backend=backend).score == 85
    assert grade(f, date(2026, 3, 31), registry, backend=backend).score == 80


def test_window_calendar_month_clamps_31_march_plus_1_month_to_30_april():
    assert add_months(date(2025, 3, 31), 1) == date(2025, 4, 30)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_window_minor_fine_of_10000_counts_12_months_and_10001_counts_36(registry, backend):
    minor = penalty(date(2025, 3, 31), "fine", fine_amount=10000, violation_id="a")
    heavier = penalty(date(2025, 3, 31), "fine", fine_amount=10001, violation_id="b")
    f = enterprise_file(recent_inspection(), minor, heavier)
    assert grade(f, date(2026, 3, 30), registry, backend=backend).score == 75
    assert grade(f, date(2026, 3, 31), registry, backend=backend).score == 85


# ---- bonuses and clamping ----------------------------------------------------------------

def test_bon_certification_counts_per_scheme(registry, backend):
    certs = [rec("certification", date(2025, 1, 1), scheme=s, valid_until="2027-01-01")
             for s in ("HACCP", "HACCP", "ISO22000")]
    f = enterprise_file(recent_inspection(), penalty(D, "confiscation"), *certs)
    result = grade(f, AS_OF, registry, backend=backend)
    assert result.score == 80 + 3 + 3
    assert [p for p, _ in points_of(result, "BON-CERTIFICATION")] == [3, 3]


@pytest.mark.parametrize("scheme", ["green_food", "organic"])
def test_bon_certification_every_scheme_adds_3(registry, backend, scheme):
    f = enterprise_file(recent_inspection(), penalty(D, "confiscation"),
                        rec("certification", date(2025, 1, 1), scheme=scheme, valid_until="2026-06-15"))
    assert grade(f, AS_OF, registry, backend=backend).score == 83


def test_bon_insurance_adds_3_once_and_practice_2_per_practice(registry, backend):
    f = enterprise_file(recent_inspection(), penalty(D, "confiscation"),
                        rec("insurance", date(2025, 1, 1), policy_no="P1", valid_until="2027-01-01"),
                        rec("insurance", date(2025, 2, 1), policy_no="P2", valid_until="2027-01-01"),
                        rec("practice", date(2025, 1, 1), practice="open_kitchen", valid_until="2027-01-01"),
                        rec("practice", date(2025, 1, 1), practice="traceability", valid_until="2027-01-01"))
    result = grade(f, AS_OF, registry, backend=backend)
    assert result.score == 80 + 3 + 2 + 2
    assert sum(p for p, _ in points_of(result, "BON-INSURANCE")) == 3


def test_bonus_cap_10_across_kinds(registry, backend):
    f = enterprise_file(recent_inspection(), penalty(D, "employment_restriction"),
                        rec("commendation", date(2025, 1, 1), level="provincial", title="t"),
                        rec("commendation", date(2025, 2, 1), level="city", title="t"),
                        rec("certification", date(2025, 1, 1), scheme="HACCP", valid_until="2027-01-01"))
    assert grade(f, AS_OF, registry, backend=backend).score == 75 + 10


def test_score_is_clamped_at_100(registry, backend):
    f = enterprise_file(recent_inspection(), rec("commendation", date(2025, 1, 1), level="national", title="t"))
    result = grade(f, AS_OF, registry, backend=backend)
    assert (result.score, result.grade) == (100, "A")


@pytest.mark.parametrize("override_record", [
    penalty(date(2026, 1, 1), "suspension", serious=True),                      # listed
    rec("incident", date(2026, 1, 1), level="especially_major"),
])
def test_no_bonus_under_a_d_override(registry, backend, override_record):
    f = enterprise_file(recent_inspection(), override_record,
                        rec("commendation", date(2025, 1, 1), level="national", title="t"))
    result = grade(f, AS_OF, registry, backend=backend)
    assert result.grade == "D" and not any(r.rule.startswith("BON-") for r in result.reasons)


# ---- overrides and caps ------------------------------------------------------------------

def test_ovr_repeated_suspension_ends_when_the_first_decision_is_12_months_old(registry, backend):
    # one violation: 30 points once (70, C); the override needs both decisions within 12 months
    f = enterprise_file(recent_inspection(), penalty(date(2025, 6, 15), "suspension", violation_id="V"),
                        penalty(date(2026, 1, 1), "suspension", violation_id="V"))
    before = grade(f, date(2026, 6, 14), registry, backend=backend)
    assert (before.score, before.grade, "OVR-REPEATED-SUSPENSION" in rule_ids(before)) == (70, "D", True)
    after = grade(f, date(2026, 6, 15), registry, backend=backend)
    assert (after.score, after.grade, rule_ids(after)) == (70, "C", ["DED-PENALTY"])


@pytest.mark.parametrize("level", ["relatively_large", "major", "especially_major"])
def test_ovr_major_incident_lasts_36_months(registry, backend, level):
    i = rec("incident", date(2023, 6, 15), level=level)
    f = enterprise_file(recent_inspection(), i)
    before = grade(f, date(2026, 6, 14), registry, backend=backend)
    assert (before.score, before.grade) == (100, "D")
    assert [(r.rule, r.points, r.record_ids) for r in before.reasons] == [("OVR-MAJOR-INCIDENT", 0, (i.id,))]
    assert grade(f, date(2026, 6, 15), registry, backend=backend).grade == "A"


def test_ovr_serious_dishonesty_list_names_the_listing_penalty(registry, backend):
    p = penalty(date(2026, 1, 1), "permit_withdrawal", serious=True)
    result = grade(enterprise_file(recent_inspection(), p), AS_OF, registry, backend=backend)
    assert (result.score, result.grade) == (60, "D")
    assert ("OVR-SERIOUS-DISHONESTY-LIST", 0, (p.id,)) in [(r.rule, r.points, r.record_ids) for r in result.reasons]


def test_cap_art134_ends_when_the_third_violation_is_12_months_old(registry, backend):
    # fine 10,001 (15, 36-month window) on 2025-06-15 and two warnings: 75 either side
    f = enterprise_file(recent_inspection(), penalty(date(2025, 6, 15), "fine", fine_amount=10001),
                        penalty(date(2026, 1, 1), "warning"), penalty(date(2026, 1, 2), "warning"))
    before = grade(f, date(2026, 6, 14), registry, backend=backend)
    assert (before.score, before.grade, "CAP-ART134" in rule_ids(before)) == (75, "C", True)
    after = grade(f, date(2026, 6, 15), registry, backend=backend)
    assert (after.score, after.grade, "CAP-ART134" in rule_ids(after)) == (75, "B", False)


def test_cap_art134_does_not_count_licence_revocation_decisions(registry, backend):
    f = enterprise_file(recent_inspection(), penalty(date(2026, 1, 1), "warning"),
                        penalty(date(2026, 1, 2), "warning"), penalty(date(2026, 1, 3), "licence_revocation"))
    assert "CAP-ART134" not in rule_ids(grade(f, AS_OF, registry, backend=backend))


def test_cap_no_recent_inspection_keeps_an_a_score_at_b_and_its_only_reason(registry, backend):
    result = grade(enterprise_file(rec("complaint", D, substantiated=True)), AS_OF, registry, backend=backend)
    assert (result.score, result.grade) == (98, "B")
    assert rule_ids(result) == ["DED-COMPLAINT", "CAP-NO-RECENT-INSPECTION"]


# ---- bans and the serious-dishonesty list ------------------------------------------------

DECISION = date(2022, 3, 10)


@pytest.mark.parametrize("role,start,end,banned", [
    ("principal", date(2020, 1, 1), None, True),
    ("legal_representative", date(2020, 1, 1), DECISION, True),                  # last day = decision day
    ("legal_representative", date(2020, 1, 1), date(2022, 3, 9), False),         # left the day before
    ("legal_representative", DECISION, None, True),                              # first day = decision day
])
def test_ban_5y_covers_role_holders_on_the_decision_date(registry, backend, role, start, end, banned):
    r = Role(PERSON.id, USCC, role, start, end)
    f = person_file(roles=(r,), enterprise_records=(penalty(DECISION, "licence_revocation"),))
    result = grade(f, AS_OF, registry, backend=backend)
    assert (result.banned_until, result.grade) == ((date(2027, 3, 10), "D") if banned else (None, "A"))
    assert ("OVR-BANNED-PERSON" in rule_ids(result)) is banned


def test_ban_life_never_ends(registry, backend):
    conviction = rec("conviction", date(2020, 1, 1), PERSON, imprisonment=True, case_no="C1")
    result = grade(person_file(conviction), date(2060, 1, 1), registry, backend=backend)
    assert (result.grade, result.banned_for_life, result.listed_until) == ("D", True, None)
    assert measure_codes(result)[0] == "LIC-BAN-LIFE" and "PROC-BAN" not in measure_codes(result)


def test_ban_5y_of_the_enterprise_outlasts_its_deductions_and_restricts_an_a(registry, backend):
    # revocation 2022-03-10: D frozen 24 months, 60 points 36 months, banned 5 years
    f = enterprise_file(inspection(date(2025, 1, 10)), penalty(DECISION, "licence_revocation"))
    result = grade(f, date(2025, 3, 10), registry, backend=backend)
    assert (result.score, result.grade, result.banned_until) == (100, "A", date(2027, 3, 10))
    licensing = decide(result, "licensing")
    assert [m.code for m in licensing.measures] == ["LIC-BAN-5Y", "LIC-GREEN-CHANNEL"]
    assert licensing.outcome == "restricted"


@pytest.mark.parametrize("measures", [["licence_revocation"], ["employment_restriction"], ["permit_withdrawal"],
                                      ["suspension"]])
def test_listing_serious_heavy_measure_lists_for_3_years(registry, backend, measures):
    p = penalty(date(2024, 2, 29), *measures, serious=True)
    f = enterprise_file(recent_inspection(), p)
    result = grade(f, AS_OF, registry, backend=backend)
    assert (result.listed_until, result.listing_record_ids) == (date(2027, 2, 28), (p.id,))
    proc = next(m for m in result.measures if m.code == "PROC-BAN")
    assert (proc.from_, proc.until) == (date(2024, 2, 29), date(2027, 2, 28))
    assert grade(f, date(2027, 2, 27), registry, backend=backend).listed_until == date(2027, 2, 28)
    assert grade(f, date(2027, 2, 28), registry, backend=backend).listed_until is None


@pytest.mark.parametrize("measures,details", [
    (["confiscation"], {"aggravated": True, "serious": True}),        # aggravated without a fine
    (["fine"], {"aggravated": True, "fine_amount": 5000}),            # not serious
    (["suspension"], {}),                                             # not serious
])
def test_listing_needs_serious_and_a_heavy_measure_or_an_aggravated_fine(registry, backend, measures, details):
    p = penalty(date(2026, 1, 1), *measures, **details)
    assert grade(enterprise_file(recent_inspection(), p), AS_OF, registry, backend=backend).listed_until is None


def test_listing_ends_on_the_repair_date(registry, backend):
    p = penalty(date(2025, 1, 5), "fine", fine_amount=5000, aggravated=True, serious=True,
                repaired_on=date(2026, 1, 5))
    f = enterprise_file(inspection(date(2025, 6, 1)), p)
    assert grade(f, date(2026, 1, 4), registry, backend=backend).listed_until == date(2028, 1, 5)
    after = grade(f, date(2026, 1, 5), registry, backend=backend)
    assert (after.listed_until, after.grade) == (None, "A")


def test_listing_of_a_person_by_conviction_without_imprisonment_is_d_with_proc_ban(registry, backend):
    c = rec("conviction", date(2025, 1, 1), PERSON, imprisonment=False, case_no="C1")
    result = grade(person_file(c), AS_OF, registry, backend=backend)
    assert (result.grade, rule_ids(result)) == ("D", ["OVR-SERIOUS-DISHONESTY-LIST"])
    assert "PROC-BAN" in measure_codes(result) and "LIC-BAN-LIFE" not in measure_codes(result)
    assert grade(person_file(c), date(2028, 1, 1), registry, backend=backend).grade == "A"


# ---- measures and outcomes ---------------------------------------------------------------

CONTEXTS = ("licensing", "financing", "procurement", "inspection", "honours")


def test_outcome_is_incentivised_in_every_context_for_an_a_kept_a_year(registry):
    result = grade(enterprise_file(inspection(date(2025, 1, 10)), recent_inspection()), AS_OF, registry)
    decisions = {c: decide(result, c) for c in CONTEXTS}
    assert {c: d.outcome for c, d in decisions.items()} == dict.fromkeys(CONTEXTS, "incentivised")
    assert {c: [m.code for m in d.measures] for c, d in decisions.items()} == {
        "licensing": ["LIC-GREEN-CHANNEL"], "financing": ["FIN-PRIORITY"], "procurement": ["PROC-PREFERRED"],
        "inspection": ["INS-REDUCED"], "honours": ["HON-PRIORITY"]}
    assert decisions["inspection"].inspections_per_year == 1 and decisions["licensing"].inspections_per_year is None


def test_outcome_is_normal_everywhere_for_a_b(registry):
    result = grade(enterprise_file(recent_inspection(), penalty(D, "confiscation")), AS_OF, registry)
    assert (result.score, result.grade, result.measures) == (80, "B", ())
    assert {decide(result, c).outcome for c in CONTEXTS} == {"normal"}


def test_outcome_for_a_c_is_restricted_in_honours_only(registry):
    result = grade(enterprise_file(recent_inspection(), penalty(D, "permit_withdrawal")), AS_OF, registry)
    assert {c: decide(result, c).outcome for c in CONTEXTS} == {
        "licensing": "normal", "financing": "normal", "procurement": "normal", "inspection": "normal",
        "honours": "restricted"}


def test_outcome_for_a_listed_d_is_restricted_everywhere(registry):
    p = penalty(date(2026, 1, 1), "suspension", serious=True)
    result = grade(enterprise_file(recent_inspection(), p), AS_OF, registry)
    assert {decide(result, c).outcome for c in CONTEXTS} == {"restricted"}
    assert {m.code: m.context for m in result.measures} == {
        "LIC-STRICT-REVIEW": "licensing", "FIN-RESTRICT": "financing", "PROC-BAN": "procurement",
        "HON-BAN": "honours", "INS-KEY-SUPERVISION": "inspection"}


def test_lic_suspension_review_restricts_licensing_under_the_art134_cap(registry):
    result = grade(enterprise_file(recent_inspection(), *[penalty(date(2026, 1, d), "warning") for d in (1, 2, 3)]),
                   AS_OF, registry)
    licensing = decide(result, "licensing")
    assert (licensing.outcome, [m.code for m in licensing.measures]) == ("restricted", ["LIC-SUSPENSION-REVIEW"])


def test_hon_priority_needs_an_a_on_exactly_the_same_date_a_year_earlier(registry):
    # three warnings on 2024-06-16 cap at C until 2025-06-16 (their 12-month window)
    warnings = [penalty(date(2024, 6, 16), "warning", violation_id=f"v{i}") for i in range(3)]
    f = enterprise_file(inspection(date(2025, 1, 10)), recent_inspection(), *warnings)
    assert grade(f, date(2025, 6, 15), registry).grade == "C"
    assert grade(f, date(2025, 6, 16), registry).grade == "A"
    assert "HON-PRIORITY" not in measure_codes(grade(f, date(2026, 6, 15), registry))
    assert "HON-PRIORITY" in measure_codes(grade(f, date(2026, 6, 16), registry))


# ---- inspections per year ----------------------------------------------------------------

@pytest.mark.parametrize("records,expected", [
    ((), 2),                                                                  # A, canteen minimum 2
    ((penalty(date(2026, 2, 1), "permit_withdrawal"),), 3),                   # C
    ((rec("incident", date(2026, 1, 1), level="major"),), 4),                 # D
])
def test_inspections_per_year_canteen_at_least_2(registry, records, expected):
    f = enterprise_file(recent_inspection(), *records, category="canteen")
    assert grade(f, AS_OF, registry).inspections_per_year == expected


@pytest.fixture(scope="module")
def registry_listing_without_override(tmp_path_factory) -> RulesetRegistry:
    """The default ruleset minus OVR-SERIOUS-DISHONESTY-LIST and with `aggravated` worth 0, so a
    listed subject can be an A (with the default numbers a listing always means D)."""
    data = yaml.safe_load((RULESETS_DIR / "default-2026.1.yaml").read_text(encoding="utf-8"))
    data["rules"] = [r for r in data["rules"] if r["id"] != "OVR-SERIOUS-DISHONESTY-LIST"]
    data["penalty"]["aggravated_extra"] = 0
    data["version"] = "2026.1-test"
    folder: Path = tmp_path_factory.mktemp("ruleset-listing-without-override")
    (folder / "variant.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return RulesetRegistry.load_dir(folder)


def test_inspections_per_year_listed_subject_at_least_2(registry_listing_without_override):
    # serious aggravated fine of 5,000: 100 - 10 = 90, an A (1 a year), but listed: at least 2
    p = penalty(date(2026, 1, 1), "fine", fine_amount=5000, aggravated=True, serious=True)
    result = grade(enterprise_file(recent_inspection(), p), AS_OF, registry_listing_without_override)
    assert (result.score, result.grade, result.listed_until) == (90, "A", date(2029, 1, 1))
    assert result.inspections_per_year == 2
    not_listed = penalty(date(2026, 1, 1), "fine", fine_amount=5000, aggravated=True, serious=False)
    assert grade(enterprise_file(recent_inspection(), not_listed), AS_OF,
                 registry_listing_without_override).inspections_per_year == 1


# ---- catering quantified grading ---------------------------------------------------------

def scored(on, points, items=10, **details):
    return inspection(on, items_checked=items, points_total=points, **details)


def test_hygiene_mean_is_truncated_not_rounded(registry):
    # dynamic 8.9, 9.0, 9.0: mean 8.966... truncates to 8.9 (good); rounding would give 9.0
    f = enterprise_file(scored(date(2026, 1, 1), "89.99"), scored(date(2026, 2, 1), "90"),
                        scored(date(2026, 3, 1), "90"), category="catering")
    rating = grade(f, AS_OF, registry).hygiene_rating
    assert (rating.rating, str(rating.score)) == ("good", "8.9")


def test_hygiene_uses_only_the_last_12_months(registry):
    f = enterprise_file(scored(date(2025, 6, 15), "50", key_items_failed=3), scored(date(2026, 1, 1), "95"),
                        category="catering")
    assert grade(f, date(2026, 6, 14), registry).hygiene_rating.rating == "not_rated"
    rating = grade(f, date(2026, 6, 15), registry).hygiene_rating
    assert (rating.rating, str(rating.score)) == ("excellent", "9.5")


def test_hygiene_one_key_item_failed_is_still_rated(registry):
    f = enterprise_file(scored(date(2026, 1, 1), "95", key_items_failed=1), category="catering")
    assert grade(f, AS_OF, registry).hygiene_rating.rating == "excellent"


def test_hygiene_new_licence_3_months_clamped_to_the_month_end(registry):
    # licensed 31 March: 3 months later is 30 June
    f = enterprise_file(scored(date(2026, 4, 15), "95"), category="catering", licensed_on=date(2026, 3, 31))
    assert grade(f, date(2026, 6, 29), registry).hygiene_rating.rating == "not_rated"
    assert grade(f, date(2026, 6, 30), registry).hygiene_rating.rating == "excellent"


@pytest.mark.parametrize("category,points,flags", [
    ("canteen", "75", ()), ("canteen", "74.9", ("canteen_below_target",)), ("catering", "60", ()),
])
def test_hygiene_canteen_below_good_is_flagged(registry, category, points, flags):
    f = enterprise_file(scored(date(2026, 1, 1), points), category=category)
    assert grade(f, AS_OF, registry).flags == flags


def test_hygiene_canteen_not_rated_after_its_first_3_months_is_flagged(registry):
    f = enterprise_file(category="canteen", licensed_on=date(2026, 1, 1))
    assert grade(f, date(2026, 3, 31), registry).flags == ()
    result = grade(f, date(2026, 4, 1), registry)
    assert (result.hygiene_rating.rating, result.flags) == ("not_rated", ("canteen_below_target",))


def test_hygiene_rating_only_for_catering_and_canteen(registry):
    for category in ("production", "retail", "small_workshop"):
        f = enterprise_file(scored(date(2026, 1, 1), "95"), category=category)
        assert grade(f, AS_OF, registry).hygiene_rating is None
