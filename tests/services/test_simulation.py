"""`rules simulate`: the stored population graded under a candidate ruleset, nothing stored.

The population (as of 2026-06-15, default ruleset: warning 5 points, A >= 90, B >= 75,
C >= 60; a compliant inspection in the last 24 months keeps the no-inspection cap off):
- ONE: one warning (2026-04-10) + compliant inspection: 100 - 5 = 95 A; with warning
  20 points: 100 - 20 = 80 B; no restrictions either way.
- TWO: two warnings, separate violations (2026-02-01, 2026-03-01) + compliant inspection:
  100 - 10 = 90 A; candidate 100 - 40 = 60 C, which brings HON-BAN (grades C, D).
- ann: a person with no records: 100 A under both.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from credit_engine.bootstrap import Container
from credit_engine.cli import main
from credit_engine.domain.model import SubjectRef
from credit_engine.errors import RulesetError
from credit_engine.services.simulation import format_report, load_candidate, simulate
from credit_engine.storage.models import (
    AuditRow, EnterpriseRow, GradeRow, PersonRow, RecordRow)
from credit_engine.storage.repositories.subjects import sealed_person_row
from grading_builders import RULESETS_DIR

AS_OF = date(2026, 6, 15)
ONE, TWO = "91620900MA74XQ2P3C", "91620900MA74XQ2P4D"
DEFAULT_TEXT = (RULESETS_DIR / "default-2026.1.yaml").read_text(encoding="utf-8")


def candidate_file(tmp_path: Path, *, version: str = "2026.2", warning: int = 20) -> Path:
    """The default ruleset with the warning's points changed, under another version."""
    assert DEFAULT_TEXT.count("    warning: 5\n") == 1 and DEFAULT_TEXT.count('version: "2026.1"') == 1
    text = DEFAULT_TEXT.replace("    warning: 5\n", f"    warning: {warning}\n")
    text = text.replace('version: "2026.1"', f'version: "{version}"')
    path = tmp_path / f"candidate-{version}-{warning}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _record(external_id: str, uscc: str, kind: str, on: date, details: dict) -> RecordRow:
    return RecordRow(external_id=external_id, enterprise_uscc=uscc, kind=kind, occurred_on=on,
                     details=details, content_hash=external_id, received_by="test")


def _warning(external_id: str, uscc: str, on: date) -> RecordRow:
    return _record(external_id, uscc, "penalty", on,
                   {"decision_no": external_id, "measures": ["warning"]})


def _inspection(external_id: str, uscc: str) -> RecordRow:
    return _record(external_id, uscc, "inspection", date(2026, 1, 10),
                   {"result": "compliant", "key_items_failed": 0, "general_items_failed": 0,
                    "refused": False})


@pytest.fixture
def population(container: Container) -> None:
    with container.transaction() as session:
        session.add_all([EnterpriseRow(uscc=u, name=f"店{u[-2:]}", category="retail")
                         for u in (ONE, TWO)])
        session.add(sealed_person_row(session, "ann", "1" * 18, "Ann"))
        session.flush()
        session.add_all([
            _warning("W1", ONE, date(2026, 4, 10)), _inspection("I1", ONE),
            _warning("W2", TWO, date(2026, 2, 1)), _warning("W3", TWO, date(2026, 3, 1)),
            _inspection("I2", TWO),
        ])


def _run(container: Container, path: Path, chunk_size: int = 500):
    return simulate(container.session_factory, container.rulesets, load_candidate(path), AS_OF,
                    chunk_size=chunk_size)


def test_warning_at_20_points_moves_one_subject_to_b_and_one_to_c(container, population, tmp_path):
    report = _run(container, candidate_file(tmp_path))
    assert report.matrix == {"A": {"A": 1, "B": 1, "C": 1, "D": 0},
                             "B": {"A": 0, "B": 0, "C": 0, "D": 0},
                             "C": {"A": 0, "B": 0, "C": 0, "D": 0},
                             "D": {"A": 0, "B": 0, "C": 0, "D": 0}}
    assert report.subjects == 3
    assert report.current_totals() == {"A": 3, "B": 0, "C": 0, "D": 0}
    assert report.candidate_totals() == {"A": 1, "B": 1, "C": 1, "D": 0}
    assert report.moved() == {"unchanged": 1, "up": 0, "down": 2}


def test_only_the_subject_falling_to_c_gains_a_restriction(container, population, tmp_path):
    report = _run(container, candidate_file(tmp_path))
    assert [(c.subject, c.current_grade, c.candidate_grade, c.before, c.after)
            for c in report.restriction_changes] == [
        (SubjectRef("enterprise", TWO), "A", "C", (), ("HON-BAN",))]


def test_report_names_the_current_and_the_candidate_version(container, population, tmp_path):
    report = _run(container, candidate_file(tmp_path))
    assert (report.current_ruleset, report.candidate_ruleset) == (
        "jiuquan-food-credit@2026.1", "jiuquan-food-credit@2026.2")
    assert report.warnings == []


def test_chunks_of_one_subject_give_the_same_matrix(container, population, tmp_path):
    path = candidate_file(tmp_path)
    assert _run(container, path, chunk_size=1).matrix == _run(container, path).matrix


def test_simulation_stores_no_grade_and_no_audit_entry(container, population, tmp_path):
    def counts() -> tuple[int, int]:
        with container.session_factory() as session:
            return (session.scalar(select(func.count()).select_from(GradeRow)),
                    session.scalar(select(func.count()).select_from(AuditRow)))
    before = counts()
    _run(container, candidate_file(tmp_path))
    assert counts() == before and before[0] == 0


def test_an_unchanged_candidate_under_the_stored_version_moves_nobody_and_warns(
        container, population, tmp_path):
    report = _run(container, candidate_file(tmp_path, version="2026.1", warning=5))
    assert report.moved()["unchanged"] == 3 and report.restriction_changes == []
    assert any("already a stored version" in w for w in report.warnings)


def test_the_same_candidate_file_loads_twice_under_a_name_apart_from_the_stored_one(
        container, tmp_path):
    path = candidate_file(tmp_path)
    first, second = load_candidate(path), load_candidate(path)
    stored = container.rulesets.rulesets[0].engine_name
    assert first.engine_name == second.engine_name != stored


def test_a_candidate_taking_effect_later_is_evaluated_as_if_in_force(container, population, tmp_path):
    path = candidate_file(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace(
        "effective_from: 2020-01-01", "effective_from: 2027-01-01"), encoding="utf-8")
    report = _run(container, path)
    assert report.candidate_totals() == {"A": 1, "B": 1, "C": 1, "D": 0}
    assert any("evaluated as if in force" in w for w in report.warnings)


def test_a_bad_candidate_file_fails_naming_the_rule(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(DEFAULT_TEXT.replace("    points: 30\n", "    points: -30\n", 1), encoding="utf-8")
    with pytest.raises(RulesetError) as caught:
        load_candidate(path)
    assert "DED-INSPECTION-REFUSED" in caught.value.detail


def test_text_report_has_the_matrix_rows_and_the_changed_subject(container, population, tmp_path):
    text = format_report(_run(container, candidate_file(tmp_path)))
    assert [line.split() for line in text.splitlines() if line[:1] in "ABCD" and line[1:2] == " "] == [
        ["A", "1", "1", "1", "0", "3"], ["B", "0", "0", "0", "0", "0"],
        ["C", "0", "0", "0", "0", "0"], ["D", "0", "0", "0", "0", "0"]]
    assert f"enterprise:{TWO} A->C  before: -  after: HON-BAN" in text


def _cli(database_url: str, *args: str):
    return CliRunner().invoke(main, ["rules", "simulate", *args],
                              env={"CREDIT_ENGINE_DATABASE_URL": database_url})


def test_simulate_command_prints_the_matrix_as_json(database_url, population, tmp_path):
    result = _cli(database_url, "--ruleset", str(candidate_file(tmp_path)),
                  "--as-of", "2026-06-15", "--format", "json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["matrix"]["A"] == {"A": 1, "B": 1, "C": 1, "D": 0}
    assert body["restriction_changes"][0]["subject"] == {"type": "enterprise", "id": TWO}
    assert body["restriction_changes"][0]["added"] == ["HON-BAN"]


def test_simulate_command_with_a_bad_file_exits_1_with_the_reason(database_url, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("id: x\n", encoding="utf-8")
    result = _cli(database_url, "--ruleset", str(path))
    assert result.exit_code == 1
    assert "invalid:" in result.output and "bad.yaml" in result.output


def test_simulate_command_refuses_a_date_after_today_naming_the_option(database_url, tmp_path):
    result = _cli(database_url, "--ruleset", str(candidate_file(tmp_path)),
                  "--as-of", "9999-12-31")
    assert result.exit_code == 2
    assert "--as-of" in result.output and "after today" in result.output
