"""Loading, validation errors (file, rule id, reason), versions in force, the CLI check."""

from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from credit_engine.commands.rules import rules
from credit_engine.grading.pipeline import grade
from credit_engine.errors import RulesetError
from credit_engine.rules import NoRulesetInForce, RulesetRegistry, load_ruleset_file
from grading_builders import RULESETS_DIR, enterprise_file, penalty, recent_inspection

DEFAULT = RULESETS_DIR / "default-2026.1.yaml"


def base() -> dict:
    return yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))


def write(tmp_path: Path, data: dict, name: str = "r.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def rule(data: dict, rule_id: str) -> dict:
    return next(r for r in data["rules"] if r["id"] == rule_id)


def test_default_ruleset_loads_with_its_name(registry):
    ruleset = registry.for_date(date(2026, 1, 1))
    assert ruleset.name == "jiuquan-food-credit@2026.1" and ruleset.effective_from == date(2020, 1, 1)
    assert registry.effective_dates == (date(2020, 1, 1), date(2027, 1, 1))


def test_no_ruleset_before_the_first_effective_date(registry):
    with pytest.raises(NoRulesetInForce):
        registry.for_date(date(2019, 12, 31))


def test_unknown_field_in_a_rule_names_file_rule_and_field(tmp_path):
    data = base()
    rule(data, "DED-COMPLAINT")["colour"] = "red"
    with pytest.raises(RulesetError) as err:
        load_ruleset_file(write(tmp_path, data))
    assert err.value.rule == "DED-COMPLAINT" and "colour" in err.value.reason and err.value.path.endswith("r.yaml")


def test_wrong_type_of_points_is_rejected(tmp_path):
    data = base()
    rule(data, "DED-SELF-CHECK-LATE")["points"] = "two"
    with pytest.raises(RulesetError) as err:
        load_ruleset_file(write(tmp_path, data))
    assert err.value.rule == "DED-SELF-CHECK-LATE" and "points" in err.value.reason


def test_overlapping_bands_are_rejected(tmp_path):
    data = base()
    data["score"]["bands"][1]["min"] = 95
    with pytest.raises(RulesetError, match="score.bands"):
        load_ruleset_file(write(tmp_path, data))


def test_unknown_measure_context_is_rejected(tmp_path):
    data = base()
    data["measures"][0]["context"] = "tax"
    with pytest.raises(RulesetError) as err:
        load_ruleset_file(write(tmp_path, data))
    assert err.value.rule == "LIC-BAN-5Y" and "context" in err.value.reason


def test_condition_on_an_unknown_field_does_not_compile(tmp_path):
    data = base()
    rule(data, "DED-INCIDENT-GENERAL")["when"] = {"kind": "incident", "severity": "general"}
    with pytest.raises(RulesetError) as err:
        load_ruleset_file(write(tmp_path, data))
    assert err.value.rule == "DED-INCIDENT-GENERAL" and "severity" in err.value.reason


def test_condition_with_a_value_outside_the_enumeration_does_not_compile(tmp_path):
    data = base()
    rule(data, "DED-SAMPLING-LOCAL")["when"]["level"] = {"in": ["city", "village"]}
    with pytest.raises(RulesetError, match="village"):
        load_ruleset_file(write(tmp_path, data))


def test_unknown_text_placeholder_is_rejected(tmp_path):
    data = base()
    rule(data, "DED-COMPLAINT")["text"] = "扣{pointz}分"
    with pytest.raises(RulesetError, match="pointz"):
        load_ruleset_file(write(tmp_path, data))


def test_one_bad_file_fails_the_whole_directory(tmp_path):
    write(tmp_path, base(), "a.yaml")
    data = base()
    data["version"] = "2026.2"
    data["effective_from"] = "2026-07-01"
    data["windows"]["penalty"] = 0
    write(tmp_path, data, "b.yaml")
    with pytest.raises(RulesetError, match="b.yaml"):
        RulesetRegistry.load_dir(tmp_path)


def test_a_new_version_changes_grades_from_its_effective_date_only(tmp_path):
    write(tmp_path, base(), "a.yaml")
    data = base()
    data["version"] = "2026.9"
    data["effective_from"] = "2026-07-01"
    data["penalty"]["measure_points"]["warning"] = 8
    write(tmp_path, data, "b.yaml")
    registry = RulesetRegistry.load_dir(tmp_path)
    f = enterprise_file(recent_inspection(), penalty(date(2026, 6, 1), "warning"))
    before = grade(f, date(2026, 6, 30), registry)
    after = grade(f, date(2026, 7, 1), registry)
    assert (before.score, before.ruleset) == (95, "jiuquan-food-credit@2026.1")
    assert (after.score, after.ruleset) == (92, "jiuquan-food-credit@2026.9")
    assert before.next_change_on <= date(2026, 7, 1)


def test_rules_check_prints_name_and_rule_count():
    result = CliRunner().invoke(rules, ["check", str(DEFAULT)])
    assert result.exit_code == 0 and "jiuquan-food-credit@2026.1" in result.output and "26 rules" in result.output


def test_rules_check_fails_with_the_reason(tmp_path):
    data = base()
    del data["score"]
    result = CliRunner().invoke(rules, ["check", str(write(tmp_path, data))])
    assert result.exit_code == 1 and "score" in result.output


def test_duplicate_rule_id_is_rejected(tmp_path):
    data = base()
    data["rules"].append(dict(rule(data, "DED-COMPLAINT")))
    with pytest.raises(RulesetError) as err:
        load_ruleset_file(write(tmp_path, data))
    assert err.value.rule == "DED-COMPLAINT" and "duplicate" in err.value.reason


def test_ill_ordered_fine_bands_are_rejected(tmp_path):
    data = base()
    data["penalty"]["fine_bands"][0]["max"] = 200000
    with pytest.raises(RulesetError, match="fine_bands"):
        load_ruleset_file(write(tmp_path, data))


def test_measure_naming_an_unknown_rule_is_rejected(tmp_path):
    data = base()
    next(m for m in data["measures"] if m["code"] == "LIC-SUSPENSION-REVIEW")["rule"] = "CAP-NOPE"
    with pytest.raises(RulesetError) as err:
        load_ruleset_file(write(tmp_path, data))
    assert err.value.rule == "LIC-SUSPENSION-REVIEW" and "CAP-NOPE" in err.value.reason


def test_an_override_without_a_grade_is_rejected(tmp_path):
    data = base()
    del rule(data, "OVR-MAJOR-INCIDENT")["grade"]
    with pytest.raises(RulesetError) as err:
        load_ruleset_file(write(tmp_path, data))
    assert err.value.rule == "OVR-MAJOR-INCIDENT"


def test_unquoted_numeric_version_is_rejected(tmp_path):
    data = base()
    data["version"] = 2026.1
    with pytest.raises(RulesetError, match="version"):
        load_ruleset_file(write(tmp_path, data))


def test_two_versions_on_the_same_date_are_rejected(tmp_path):
    write(tmp_path, base(), "a.yaml")
    data = base()
    data["version"] = "2026.3"
    write(tmp_path, data, "b.yaml")
    with pytest.raises(RulesetError, match="same day"):
        RulesetRegistry.load_dir(tmp_path)


def test_two_files_with_one_id_and_version_are_refused_naming_both(tmp_path):
    write(tmp_path, base(), "a.yaml")
    data = base()
    data["effective_from"] = "2027-01-01"
    rule(data, "DED-COMPLAINT")["points"] = 3
    write(tmp_path, data, "b.yaml")
    with pytest.raises(RulesetError, match="defined twice") as caught:
        RulesetRegistry.load_dir(tmp_path)
    assert str(tmp_path / "a.yaml") in str(caught.value) and str(tmp_path / "b.yaml") in str(caught.value)


def _with_2027_language(data: dict) -> dict:
    new = yaml.safe_load((RULESETS_DIR / "default-2027.1.yaml").read_text(encoding="utf-8"))
    data.update(role_sums=new["role_sums"], introduces=new["introduces"])
    return data


@pytest.mark.parametrize("change,reason", [
    (lambda d: d["role_sums"]["manager_training_hours"].update(sum="year_name"), "sum: 'year_name' is not a numeric"),
    (lambda d: d["role_sums"]["manager_training_hours"].update(of={"kind": "training", "hourz": 1}), "unknown field"),
    (lambda d: d["introduces"]["categories"].update(stall="small_shop"), "must map to a category earlier versions"),
    (lambda d: d["introduces"].update(values={"practice": {"practice": ["solar_roof"]}}), "not allowed values"),
    (lambda d: d["rules"].append({"id": "DED-X", "type": "deduction", "when": {"kind": "subject", "listed": True},
                                  "points": 3, "per": "category", "basis": "b", "text": "t"}), "scores once"),
])
def test_the_2027_language_additions_fail_with_file_and_reason(tmp_path, change, reason):
    data = _with_2027_language(base())
    change(data)
    with pytest.raises(RulesetError, match=reason) as caught:
        load_ruleset_file(write(tmp_path, data), register=False)
    assert str(tmp_path) in str(caught.value)
