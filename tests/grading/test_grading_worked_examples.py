"""Worked examples, scores computed by hand; engine failures surface as EngineError."""

from datetime import date

import pytest

from credit_engine.grading.pipeline import grade
from credit_engine.domain.model import PersonFile, Role, SubjectRef
from credit_engine.errors import EngineError
from credit_engine.rules import engine
from grading_builders import AS_OF, PERSON, USCC, enterprise_file, inspection, penalty, rec, rule_ids


def test_worked_example_restaurant(registry, backend):
    # 100 - 15 (fine 50,000) - 3 (basically compliant) - 2 - 2 (complaints) - 5 (missing self-check)
    #     + 3 (HACCP) + 2 (open kitchen) = 78 -> B
    f = enterprise_file(
        penalty(date(2025, 9, 1), "warning", "fine", fine_amount=50000),
        inspection(date(2026, 2, 1), "basically_compliant", items_checked=20, points_total=170),
        rec("complaint", date(2026, 3, 1), substantiated=True), rec("complaint", date(2026, 4, 1), substantiated=True),
        rec("self_check", date(2026, 4, 15), period="2026-Q1", status="missing"),
        rec("certification", date(2025, 1, 1), scheme="HACCP", valid_until="2027-12-31"),
        rec("practice", date(2025, 1, 1), practice="open_kitchen", valid_until="2027-12-31"),
        category="catering")
    result = grade(f, AS_OF, registry, backend=backend)
    assert (result.score, result.grade, result.inspections_per_year) == (78, "B", 2)
    assert sum(r.points for r in result.reasons) == -22
    assert (result.hygiene_rating.rating, str(result.hygiene_rating.score)) == ("good", "8.5")


def test_worked_example_old_records_have_expired(registry, backend):
    # the 2022 fine (36 months) and the 2024 warning (12 months) have both left their windows
    f = enterprise_file(penalty(date(2022, 5, 1), "fine", fine_amount=200000), penalty(date(2024, 12, 1), "warning"),
                        inspection(date(2025, 12, 1)))
    result = grade(f, AS_OF, registry, backend=backend)
    assert (result.score, result.grade, result.reasons) == (100, "A", ())


def test_enterprise_without_any_record_is_capped_at_b(registry, backend):
    result = grade(enterprise_file(), AS_OF, registry, backend=backend)
    assert (result.score, result.grade, rule_ids(result)) == (100, "B", ["CAP-NO-RECENT-INSPECTION"])


def test_banned_legal_representative_in_an_active_role_makes_the_enterprise_d(registry, backend):
    other = "91620900MA0000000X"
    revocation = penalty(date(2023, 1, 1), "licence_revocation", subject=SubjectRef("enterprise", other))
    old_role = Role(PERSON.id, other, "legal_representative", date(2020, 1, 1), date(2023, 6, 1))
    new_role = Role(PERSON.id, USCC, "principal", date(2025, 1, 1))
    person = PersonFile(PERSON.id, (), (old_role, new_role), (revocation,))
    f = enterprise_file(inspection(date(2026, 1, 1)), inspection(date(2027, 6, 1)), roles=(new_role,), persons=(person,))
    result = grade(f, AS_OF, registry, backend=backend)
    assert result.grade == "D" and "LIC-EMPLOYS-BANNED" in [m.code for m in result.measures]
    assert result.banned_until is None                       # the enterprise itself is not banned
    assert grade(f, date(2028, 1, 1), registry, backend=backend).grade == "A"   # ban ended 2028-01-01


def test_a_failing_action_is_raised_not_swallowed():
    name = engine.register("test-broken-action", {"R": {"$and": [{"kind": "x"}]}})
    with pytest.raises(EngineError):
        engine.evaluate(name, [{"kind": "x"}])      # no rid: the action fails inside the engine
    assert engine._HITS == {}


def test_an_unregistered_ruleset_is_an_engine_error():
    with pytest.raises(EngineError):
        engine.evaluate("credit@nothing@0", [{"kind": "x", "rid": 1}])
