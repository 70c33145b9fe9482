"""`as_of` and today over HTTP: the service's clock (fixed by its settings) decides what
"today" is; without `as_of` every read answers exactly what `as_of=<today>` answers; a date
after today (or before 1900) is 422 naming the field, and nothing is stored for it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from credit_engine.bootstrap import Container
from credit_engine.config import Settings, fixed_clock
from credit_engine.domain.serialization import result_to_dict
from credit_engine.services.grading import compute_credit
from credit_engine.domain.model import SubjectRef
from credit_engine.storage.models import GradeRow, RepairRow, RevocationRow

from api_helpers import problem_of

Headers = dict[str, str]
TODAY = date(2026, 11, 29)          # the service's today: its clock, not the machine's
TOMORROW = TODAY + timedelta(days=1)
FUTURE = date(2030, 6, 1)
OUT_OF_BOUNDS = [TOMORROW.isoformat(), "2030-06-01", "9999-12-31", "1899-12-31", "0001-01-01"]


@pytest.fixture
def settings(database_url: str, data_key_file: Path) -> Settings:
    """The service's clock stands at 00:30 of TODAY in Asia/Shanghai (still the day before
    in UTC: today is the configured zone's)."""
    moment = datetime.combine(TODAY, time(0, 30), ZoneInfo("Asia/Shanghai"))
    return Settings(database_url=database_url, data_key_file=data_key_file).replace(
        clock=fixed_clock(moment))


@pytest.fixture
def officer(make_key: Callable[..., Headers]) -> Headers:
    return make_key("credit-officer", "credit:read", "decisions:read", "announcements:write")


@pytest.fixture
def suspended(client: FlaskClient, writer: Headers, enterprise: str) -> str:
    """A caterer fined with a suspension three weeks before TODAY; its USCC."""
    body = {"records": [{
        "external_id": "pen-suspension", "subject": {"type": "enterprise", "id": enterprise},
        "kind": "penalty", "occurred_on": "2026-11-06",
        "details": {"decision_no": "酒市监罚〔2026〕9号", "measures": ["suspension"]}}]}
    response = client.post("/api/v1/records", headers=writer, json=body)
    assert response.status_code == 201, response.get_json()
    return enterprise


def _grades(container: Container) -> list[tuple[str, date, str]]:
    with container.session_factory() as session:
        return [(g.subject_id, g.as_of, g.grade) for g in session.scalars(
            select(GradeRow).order_by(GradeRow.as_of))]


def _store_future_grade(container: Container, uscc: str, on: date) -> str:
    """What a regrade for `on` used to store: a grade other than today's, with no measures."""
    subject = SubjectRef("enterprise", uscc)
    with container.transaction() as session:
        today = compute_credit(session, container.rulesets, subject, TODAY)
        letter = "A" if today.grade != "A" else "B"
        result = {**result_to_dict(today), "as_of": on.isoformat(), "grade": letter,
                  "score": 95 if letter == "A" else 85, "measures": [], "flags": []}
        session.add(GradeRow(subject_type="enterprise", subject_id=uscc, as_of=on,
                             ruleset=today.ruleset, score=result["score"], grade=letter,
                             result=result, next_change_on=None))
    return letter


def test_regrade_for_a_future_date_is_422_naming_as_of_and_stores_nothing(
        client: FlaskClient, admin: Headers, container: Container, suspended: str) -> None:
    for as_of in (FUTURE.isoformat(), TOMORROW.isoformat()):
        response = client.post("/api/v1/regrade", headers=admin, json={
            "subjects": [{"type": "enterprise", "id": suspended}], "as_of": as_of})
        problem = problem_of(response)
        assert (problem["status"], list(problem["errors"])) == (422, ["as_of"]), problem
    assert _grades(container) == []

    response = client.post("/api/v1/regrade", headers=admin, json={
        "subjects": [{"type": "enterprise", "id": suspended}]})
    assert response.get_json()["as_of"] == TODAY.isoformat()
    assert [(u, d) for u, d, _ in _grades(container)] == [(suspended, TODAY)]


def test_a_grade_stored_for_a_later_date_is_never_served_as_todays(
        client: FlaskClient, officer: Headers, admin: Headers, container: Container,
        suspended: str) -> None:
    assert client.post("/api/v1/regrade", headers=admin, json={
        "subjects": [{"type": "enterprise", "id": suspended}]}).status_code == 200
    today_grade = _grades(container)[0][2]
    future_grade = _store_future_grade(container, suspended, FUTURE)

    credit = client.get(f"/api/v1/enterprises/{suspended}/credit", headers=officer).get_json()
    assert (credit["as_of"], credit["grade"]) == (TODAY.isoformat(), today_grade)
    assert credit["grade"] != future_grade
    history = client.get(f"/api/v1/enterprises/{suspended}/credit/history",
                         headers=officer).get_json()["items"]
    assert [h["as_of"] for h in history] == [TODAY.isoformat()]

    plan = client.get("/api/v1/inspection-plan", headers=officer).get_json()["items"]
    assert [(p["grade"], p["graded_on"]) for p in plan] == [(today_grade, TODAY.isoformat())]

    public = client.get(f"/public/v1/enterprises/{suspended}").get_json()
    assert (public["grade"], public["graded_on"]) == (today_grade, TODAY.isoformat())
    hits = client.get("/public/v1/enterprises", query_string={"q": suspended}).get_json()
    assert [(h["grade"], h["graded_on"]) for h in hits["items"]] == [(today_grade, TODAY.isoformat())]


def test_a_subject_graded_only_for_a_later_date_is_answered_for_today(
        client: FlaskClient, officer: Headers, container: Container, suspended: str) -> None:
    future_grade = _store_future_grade(container, suspended, FUTURE)
    credit = client.get(f"/api/v1/enterprises/{suspended}/credit", headers=officer).get_json()
    assert credit["as_of"] == TODAY.isoformat() and credit["grade"] != future_grade
    decision = client.get("/api/v1/decisions", headers=officer, query_string={
        "subject_type": "enterprise", "subject_id": suspended, "context": "licensing"}).get_json()
    assert (decision["as_of"], decision["grade"]) == (TODAY.isoformat(), credit["grade"])
    assert credit["grade"] == "C"  # a suspension within the year: C, not the stored A
    public = client.get(f"/public/v1/enterprises/{suspended}").get_json()
    assert public["grade"] is None  # nothing stored up to today


@pytest.mark.parametrize("stored_today", [False, True], ids=["computed", "stored"])
def test_reads_without_as_of_answer_exactly_what_as_of_today_answers(
        client: FlaskClient, officer: Headers, admin: Headers, container: Container,
        suspended: str, person: str, stored_today: bool) -> None:
    if stored_today:
        assert client.post("/api/v1/regrade", headers=admin, json={"all": True}).status_code == 200
    _store_future_grade(container, suspended, FUTURE)
    decision = {"subject_type": "enterprise", "subject_id": suspended, "context": "licensing"}
    reads: list[tuple[str, dict[str, Any], Headers]] = [
        (f"/api/v1/enterprises/{suspended}/credit", {}, officer),
        (f"/api/v1/persons/{person}/credit", {}, officer),
        ("/api/v1/decisions", decision, officer),
        ("/api/v1/inspection-plan", {}, officer),
        ("/api/v1/announcements", {}, officer),
        (f"/public/v1/enterprises/{suspended}", {}, {}),
        ("/public/v1/enterprises", {"q": suspended}, {}),
        ("/public/v1/dishonest-persons", {}, {}),
        ("/public/v1/announcements", {}, {}),
    ]
    for path, query, headers in reads:
        plain = client.get(path, headers=headers, query_string=query)
        dated = client.get(path, headers=headers,
                           query_string={**query, "as_of": TODAY.isoformat()})
        assert plain.status_code == dated.status_code == 200, (path, plain.get_json())
        assert plain.get_json() == dated.get_json(), path


@pytest.mark.parametrize("as_of", OUT_OF_BOUNDS)
def test_every_read_refuses_an_as_of_after_today_or_before_1900_naming_it(
        client: FlaskClient, officer: Headers, enterprise: str, person: str, as_of: str) -> None:
    decision = {"subject_type": "enterprise", "subject_id": enterprise, "context": "licensing"}
    reads: list[tuple[str, dict[str, Any], Headers]] = [
        (f"/api/v1/enterprises/{enterprise}/credit", {}, officer),
        (f"/api/v1/persons/{person}/credit", {}, officer),
        ("/api/v1/decisions", decision, officer),
        ("/api/v1/inspection-plan", {}, officer),
        ("/api/v1/announcements", {}, officer),
        (f"/public/v1/enterprises/{enterprise}", {}, {}),
        ("/public/v1/enterprises", {"q": "Golden"}, {}),
        ("/public/v1/dishonest-persons", {}, {}),
        ("/public/v1/announcements", {}, {}),
    ]
    for path, query, headers in reads:
        response = client.get(path, headers=headers, query_string={**query, "as_of": as_of})
        problem = problem_of(response)
        assert (problem["status"], list(problem["errors"])) == (422, ["as_of"]), (path, problem)


@pytest.mark.parametrize("as_of", OUT_OF_BOUNDS)
def test_regrade_refuses_an_as_of_out_of_bounds_naming_it(
        client: FlaskClient, admin: Headers, container: Container, enterprise: str,
        as_of: str) -> None:
    response = client.post("/api/v1/regrade", headers=admin, json={"all": True, "as_of": as_of})
    assert list(problem_of(response)["errors"]) == ["as_of"]
    assert _grades(container) == []


@pytest.fixture
def record_id(client: FlaskClient, writer: Headers, enterprise: str) -> int:
    body = {"records": [{
        "external_id": "pen-warning", "subject": {"type": "enterprise", "id": enterprise},
        "kind": "penalty", "occurred_on": "2026-06-01", "details": {"measures": ["warning"]}}]}
    response = client.post("/api/v1/records", headers=writer, json=body)
    assert response.status_code == 201, response.get_json()
    return int(response.get_json()["records"][0]["id"])


@pytest.mark.parametrize("day", [TOMORROW.isoformat(), "9999-12-31", "0001-01-01"])
def test_revoked_on_and_approved_on_out_of_bounds_are_422_and_store_nothing(
        client: FlaskClient, writer: Headers, admin: Headers, container: Container,
        record_id: int, day: str) -> None:
    revoke = client.post(f"/api/v1/records/{record_id}/revoke", headers=writer,
                         json={"reason": "overturned on appeal", "revoked_on": day})
    assert list(problem_of(revoke)["errors"]) == ["revoked_on"]
    repair = client.post("/api/v1/repairs", headers=admin,
                         json={"record_id": record_id, "approved_on": day, "note": ""})
    assert list(problem_of(repair)["errors"]) == ["approved_on"]
    with container.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(RevocationRow)) == 0
        assert session.scalar(select(func.count()).select_from(RepairRow)) == 0


def test_revocation_without_a_date_is_dated_the_services_today(
        client: FlaskClient, writer: Headers, record_id: int) -> None:
    response = client.post(f"/api/v1/records/{record_id}/revoke", headers=writer,
                           json={"reason": "overturned on appeal"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["revoked_on"] == TODAY.isoformat()


@pytest.mark.parametrize("day", [TOMORROW.isoformat(), "9999-12-31", "0001-01-01"])
def test_filed_on_and_resolved_on_out_of_bounds_are_422_naming_them(
        client: FlaskClient, officer: Headers, day: str) -> None:
    filed = client.post("/api/v1/announcements/1/objections", headers=officer,
                        json={"reason": "the penalty was overturned", "filed_on": day})
    assert list(problem_of(filed)["errors"]) == ["filed_on"]
    resolved = client.post("/api/v1/objections/1/resolve", headers=officer,
                           json={"upheld": False, "note": "", "resolved_on": day})
    assert list(problem_of(resolved)["errors"]) == ["resolved_on"]


def test_the_openapi_document_declares_the_bounds_of_as_of(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    parameters = spec["paths"]["/api/v1/enterprises/{uscc}/credit"]["get"]["parameters"]
    as_of = next(p for p in parameters if p["name"] == "as_of")
    assert "1900-01-01" in as_of["description"] and "today" in as_of["description"]
    public = spec["paths"]["/public/v1/announcements"]["get"]["parameters"]
    assert "1900-01-01" in next(p for p in public if p["name"] == "as_of")["description"]


def test_each_service_answers_for_the_today_of_its_own_clock(
        container_on: Callable[[date], Container], officer: Headers, suspended: str) -> None:
    """The same database under two clocks: neither answers for the machine's today."""
    from credit_engine.api.app import create_app

    for day in (date(2026, 11, 20), TODAY):
        client = create_app(container=container_on(day)).test_client()
        url = f"/api/v1/enterprises/{suspended}/credit"
        assert client.get(url, headers=officer).get_json()["as_of"] == day.isoformat()
        late = client.get(url, headers=officer,
                          query_string={"as_of": (day + timedelta(days=1)).isoformat()})
        assert problem_of(late)["status"] == 422


def _mark_stored_grade(container: Container, uscc: str) -> str:
    """Overwrite today's stored grade with a letter grading would not give: a marker that
    shows whether a read served the stored grade or computed one."""
    with container.transaction() as session:
        row = session.scalars(select(GradeRow).where(GradeRow.subject_id == uscc,
                                                     GradeRow.as_of == TODAY)).one()
        assert row.grade != "D"
        row.grade, row.result = "D", {**row.result, "grade": "D"}
    return "D"


def test_todays_stored_grade_is_served_while_nothing_in_the_file_changed(
        client: FlaskClient, officer: Headers, admin: Headers, container: Container,
        suspended: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(container, "settings", container.settings.replace(dirty_margin_seconds=0))
    assert client.post("/api/v1/regrade", headers=admin, json={"all": True}).status_code == 200
    marker = _mark_stored_grade(container, suspended)
    credit = client.get(f"/api/v1/enterprises/{suspended}/credit", headers=officer).get_json()
    assert credit["grade"] == marker


@pytest.mark.parametrize("change", ["new record", "revocation"])
def test_a_change_after_todays_regrade_is_answered_at_once_not_from_the_stored_grade(
        client: FlaskClient, officer: Headers, admin: Headers, writer: Headers,
        container: Container, enterprise: str, change: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A licensing desk asking after a penalty arrived (or one was revoked) must not get the
    grade the nightly run stored before it: the stored grade stands only while nothing in
    the subject's file changed since it was stored."""
    monkeypatch.setattr(container, "settings", container.settings.replace(dirty_margin_seconds=0))
    penalty = {"external_id": "pen-late", "subject": {"type": "enterprise", "id": enterprise},
               "kind": "penalty", "occurred_on": "2026-11-20",
               "details": {"decision_no": "酒市监罚〔2026〕12号", "measures": ["suspension"]}}
    clean = client.get(f"/api/v1/enterprises/{enterprise}/credit", headers=officer).get_json()
    if change == "revocation":
        posted = client.post("/api/v1/records", headers=writer, json={"records": [penalty]})
        record_id = posted.get_json()["records"][0]["id"]
    assert client.post("/api/v1/regrade", headers=admin, json={"all": True}).status_code == 200
    marker = _mark_stored_grade(container, enterprise)
    if change == "new record":
        assert client.post("/api/v1/records", headers=writer,
                           json={"records": [penalty]}).status_code == 201
        expected = "C"  # a suspension within the year
    else:
        assert client.post(f"/api/v1/records/{record_id}/revoke", headers=admin,
                           json={"reason": "复议撤销"}).status_code == 200
        expected = clean["grade"]  # nothing left against it
    credit = client.get(f"/api/v1/enterprises/{enterprise}/credit", headers=officer).get_json()
    decision = client.get("/api/v1/decisions", headers=officer, query_string={
        "subject_type": "enterprise", "subject_id": enterprise, "context": "licensing"}).get_json()
    assert credit["grade"] == decision["grade"] == expected != marker
