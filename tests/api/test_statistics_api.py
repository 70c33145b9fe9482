"""`GET /api/v1/statistics` over HTTP: the scope, the arguments, the document, the audit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from credit_engine.api.app import create_app
from credit_engine.bootstrap import Container
from credit_engine.services import statistics
from credit_engine.services.keys import create_key
from credit_engine.storage.models import EnterpriseRow

from api_helpers import audit_entries, problem_of
from statistics_town import graded_town

TODAY = date(2026, 11, 30)
Headers = dict[str, str]


@pytest.fixture
def town(container_on: Callable[[date], Container]) -> Container:
    container = container_on(TODAY)
    graded_town(container, 40, 50)
    return container


@pytest.fixture
def client(town: Container) -> FlaskClient:
    return create_app(container=town).test_client()


_made = [0]


def _key(container: Container, *scopes: str) -> Headers:
    _made[0] += 1
    with container.transaction() as session:
        key = create_key(session, f"k{_made[0]}", list(scopes))
    return {"Authorization": f"Bearer {key}"}


def test_statistics_answer_the_documented_figures_as_of_today(town, client) -> None:
    response = client.get("/api/v1/statistics", headers=_key(town, "credit:read"))
    assert response.status_code == 200
    body = response.get_json()
    with town.transaction() as session:
        assert body == statistics.compute_statistics(session, TODAY, None)
    assert body["as_of"] == TODAY.isoformat() and body["district"] is None
    assert set(body) == {"as_of", "district", "enterprises", "grades", "by_category", "canteens",
                         "open_kitchen", "traceability", "insurance", "listed_persons",
                         "restricted_enterprises"}
    assert set(body["grades"]) == {"A", "B", "C", "D", "ungraded"}
    assert sum(body["grades"].values()) == body["enterprises"] == 40
    assert set(body["open_kitchen"]) == {"eligible", "with", "share"}
    assert [e.payload["as_of"] for e in audit_entries(town, "statistics.query")] == ["2026-11-30"]


def test_statistics_of_a_district_and_an_earlier_date(town, client) -> None:
    everywhere = client.get("/api/v1/statistics", headers=_key(town, "credit:read")).get_json()
    with town.transaction() as session:
        name = session.scalars(select(EnterpriseRow.district)).first()
    body = client.get("/api/v1/statistics", query_string={"district": name, "as_of": "2026-01-01"},
                      headers=_key(town, "credit:read")).get_json()
    assert body["district"] == name and body["as_of"] == "2026-01-01"
    assert body["grades"]["ungraded"] == body["enterprises"] < everywhere["enterprises"]


@pytest.mark.parametrize("query, field", [
    ({"as_of": "2026-12-01"}, "as_of"), ({"as_of": "30.11.2026"}, "as_of"),
    ({"district": "x" * 101}, "district"), ({"grade": "A"}, "grade"),
])
def test_a_bad_argument_is_422_naming_it(town, client, query, field) -> None:
    response = client.get("/api/v1/statistics", query_string=query,
                          headers=_key(town, "credit:read"))
    assert response.status_code == 422
    assert field in str(problem_of(response)["errors"])


def test_statistics_need_the_credit_read_scope(town, client) -> None:
    assert client.get("/api/v1/statistics").status_code == 401
    response = client.get("/api/v1/statistics", headers=_key(town, "records:write"))
    assert problem_of(response)["status"] == 403
    assert audit_entries(town, "statistics.query") == []
