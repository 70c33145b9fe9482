"""POST /api/v1/decisions/batch: each item is what GET /api/v1/decisions answers for it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from exchange_town import (
    GRADED_ON,
    TODAY,
    UNKNOWN_PERSON,
    UNKNOWN_USCC,
    numbered_uscc,
    town_subjects,
)
from sqlalchemy import event, func, select

from credit_engine.domain.model import CONTEXTS
from credit_engine.storage.models import AuditRow


def _one(client, key, subject, context, as_of):
    query = {"subject_type": subject.type, "subject_id": subject.id, "context": context}
    if as_of:
        query["as_of"] = as_of
    response = client.get("/api/v1/decisions", query_string=query, headers=key)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.mark.parametrize("context", CONTEXTS)
def test_each_item_equals_the_single_decision(town_container, town_client, town_key, context):
    key = town_key("licensing-desk", "decisions:read")
    subjects = town_subjects(town_container)
    body = {"context": context, "subjects": [
        {"type": s.type, "id": s.id} for s in subjects] + [
        {"type": "enterprise", "id": UNKNOWN_USCC}, {"type": "person", "id": UNKNOWN_PERSON}]}
    for as_of in (None, GRADED_ON[1].isoformat(), (GRADED_ON[0] + timedelta(days=3)).isoformat()):
        sent = dict(body, **({"as_of": as_of} if as_of else {}))
        response = town_client.post("/api/v1/decisions/batch", json=sent, headers=key)
        assert response.status_code == 200, response.get_json()
        answer = response.get_json()
        assert answer["not_found"] == [{"type": "enterprise", "id": UNKNOWN_USCC},
                                       {"type": "person", "id": UNKNOWN_PERSON}]
        assert [i["subject"] for i in answer["items"]] == [
            {"type": s.type, "id": s.id} for s in subjects]
        for subject, item in zip(subjects, answer["items"]):
            assert item == _one(town_client, key, subject, context, as_of), subject


def test_the_population_is_varied(town_client, town_container, town_key):
    """The equality above covers every outcome and several grades, not one case."""
    key = town_key("desk", "decisions:read")
    subjects = [{"type": s.type, "id": s.id} for s in town_subjects(town_container)]
    outcomes, grades = set(), set()
    for context in ("licensing", "financing", "procurement", "honours"):
        items = town_client.post("/api/v1/decisions/batch", headers=key, json={
            "context": context, "subjects": subjects}).get_json()["items"]
        outcomes |= {i["outcome"] for i in items}
        grades |= {i["grade"] for i in items}
    assert outcomes == {"restricted", "normal", "incentivised"}
    assert len(grades) >= 3


def test_each_decision_is_audited_in_one_transaction(town_container, town_client, town_key):
    key = town_key("financing-bank", "decisions:read")
    subjects = town_subjects(town_container)[:10]
    with town_container.transaction() as session:
        before = session.scalar(select(func.count()).select_from(AuditRow))
    response = town_client.post("/api/v1/decisions/batch", headers=key, json={
        "context": "financing", "subjects": [{"type": s.type, "id": s.id} for s in subjects]
        + [{"type": "enterprise", "id": UNKNOWN_USCC}]})
    assert response.status_code == 200
    with town_container.transaction() as session:
        rows = session.scalars(select(AuditRow).where(AuditRow.id > before)
                               .order_by(AuditRow.id)).all()
    assert [(r.actor, r.action, r.target) for r in rows] == [
        ("financing-bank", "decision.query", str(s)) for s in subjects]
    assert all(r.payload["context"] == "financing" for r in rows)


def test_a_thousand_subjects_take_a_bounded_number_of_queries(town_container, town_client,
                                                              town_key):
    key = town_key("desk", "decisions:read")
    known = [{"type": s.type, "id": s.id} for s in town_subjects(town_container)]
    unknown = [{"type": "enterprise", "id": numbered_uscc(n)} for n in range(1000 - len(known))]
    statements = []

    def count(*_args):
        statements.append(1)

    engine = town_container.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = town_client.post("/api/v1/decisions/batch", headers=key, json={
            "context": "licensing", "subjects": known + unknown})
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200, response.get_json()
    assert len(response.get_json()["not_found"]) == len(unknown)
    assert len(statements) < 60, len(statements)  # not one round trip per subject


@pytest.mark.parametrize("body, field", [
    ({"subjects": [{"type": "enterprise", "id": UNKNOWN_USCC}]}, "context"),
    ({"context": "dating", "subjects": [{"type": "enterprise", "id": UNKNOWN_USCC}]}, "context"),
    ({"context": "licensing"}, "subjects"),
    ({"context": "licensing", "subjects": []}, "subjects"),
    ({"context": "licensing", "subjects": [{"type": "enterprise", "id": UNKNOWN_USCC}] * 2},
     "subjects"),
    ({"context": "licensing", "subjects": [{"type": "enterprise", "id": "X"}]}, "subjects[0].id"),
    ({"context": "licensing", "subjects": [{"type": "robot", "id": UNKNOWN_USCC}]},
     "subjects[0].type"),
    ({"context": "licensing", "as_of": (TODAY + timedelta(days=1)).isoformat(),
      "subjects": [{"type": "enterprise", "id": UNKNOWN_USCC}]}, "as_of"),
])
def test_bad_input_is_422_naming_the_field(town_client, town_key, body, field):
    response = town_client.post("/api/v1/decisions/batch", json=body,
                                headers=town_key("desk", "decisions:read"))
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"], response.get_json()


def test_more_than_a_thousand_subjects_is_422(town_client, town_key):
    subjects = [{"type": "enterprise", "id": numbered_uscc(n)} for n in range(1001)]
    response = town_client.post("/api/v1/decisions/batch", headers=town_key("d", "decisions:read"),
                                json={"context": "licensing", "subjects": subjects})
    assert response.status_code == 422
    assert "subjects" in response.get_json()["errors"]


def test_needs_the_decisions_scope(town_client, town_key):
    body = {"context": "licensing", "subjects": [{"type": "enterprise", "id": UNKNOWN_USCC}]}
    assert town_client.post("/api/v1/decisions/batch", json=body).status_code == 401
    assert town_client.post("/api/v1/decisions/batch", json=body,
                            headers=town_key("r", "credit:read")).status_code == 403
