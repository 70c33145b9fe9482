"""GET /api/v1/changes: the change feed over HTTP, paged by an opaque cursor."""

from __future__ import annotations

from datetime import date

from api_helpers import audit_entries, problem_of
from job_population import add_enterprise, uscc

from credit_engine.domain.model import SubjectRef
from credit_engine.services.grading import regrade_subjects


def _graded_town(container, count=3):
    with container.transaction() as session:
        for n in range(1, count + 1):
            add_enterprise(session, n)
    with container.transaction() as session:
        regrade_subjects(session, container.rulesets,
                         [SubjectRef("enterprise", uscc(n)) for n in range(1, count + 1)],
                         date(2026, 3, 1), "test", calendar=container.calendar)


def test_pages_give_each_change_once_and_always_a_next_cursor(client, make_key, container):
    _graded_town(container)
    key = make_key("licensing", "decisions:read")
    first = client.get("/api/v1/changes?limit=2", headers=key)
    assert first.status_code == 200
    body = first.get_json()
    assert [i["seq"] for i in body["items"]] == [1, 2]
    assert body["items"][0] == {"seq": 1, "subject": {"type": "enterprise", "id": uscc(1)},
                                "as_of": "2026-03-01", "old_grade": None, "new_grade": "B",
                                "measures_added": [], "measures_removed": []}
    second = client.get(f"/api/v1/changes?limit=2&cursor={body['next_cursor']}",
                        headers=key).get_json()
    assert [i["seq"] for i in second["items"]] == [3] and second["next_cursor"]
    caught_up = client.get(f"/api/v1/changes?cursor={second['next_cursor']}",
                           headers=key).get_json()
    assert caught_up == {"items": [], "next_cursor": second["next_cursor"]}
    assert len(audit_entries(container, "changes.query")) == 3


def test_an_empty_feed_answers_an_empty_page_with_a_cursor(client, make_key):
    body = client.get("/api/v1/changes", headers=make_key("k", "decisions:read")).get_json()
    assert body["items"] == [] and body["next_cursor"]


def test_a_malformed_or_foreign_cursor_is_422_naming_it(client, make_key, container):
    _graded_town(container, 1)
    key = make_key("licensing", "decisions:read")
    for cursor in ("%%%", "OTk5"):  # not base64; seq 999, never given out
        answer = client.get(f"/api/v1/changes?cursor={cursor}", headers=key)
        assert answer.status_code == 422
        assert "cursor" in str(problem_of(answer))


def test_the_feed_needs_the_decisions_read_scope(client, make_key):
    answer = client.get("/api/v1/changes", headers=make_key("k", "records:read"))
    assert answer.status_code == 403
