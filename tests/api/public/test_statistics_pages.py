"""The public statistics page, its SVG charts and the restricted enterprises (JSON and page):
no key, Chinese, no JavaScript, enterprises only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from credit_engine.api import public_statistics_pages
from credit_engine.api.app import create_app
from credit_engine.api.limiter import limiter_of
from credit_engine.bootstrap import Container
from credit_engine.services import statistics
from credit_engine.storage.models import GradeRow, PersonRow

from statistics_town import graded_town

TODAY = date(2026, 11, 30)


@pytest.fixture
def town(container_on: Callable[[date], Container]) -> Container:
    container = container_on(TODAY)
    graded_town(container, 60, 80, date(2026, 6, 30), TODAY)
    public_statistics_pages.CACHE.__init__(ttl_seconds=600)  # a fresh cache per database
    return container


@pytest.fixture
def client(town: Container) -> FlaskClient:
    app = create_app(container=town)
    app.config["PUBLIC_RATE_LIMIT"] = "1000 per minute"
    return app.test_client()


def _restricted_usccs(town: Container) -> list[str]:
    """Independently: enterprises whose latest stored result restricts licensing."""
    with town.transaction() as session:
        rows = session.execute(select(GradeRow.subject_id, GradeRow.result).where(
            GradeRow.subject_type == "enterprise", GradeRow.as_of == TODAY))
        return sorted(u for u, r in rows if any(
            m["context"] == "licensing" and m["kind"] == "restriction" for m in r["measures"]))


def test_restricted_enterprises_are_listed_by_uscc_with_their_measure_codes(town, client) -> None:
    expected = _restricted_usccs(town)
    assert expected, "the demo town has restricted enterprises"
    seen, cursor = [], None
    while True:
        response = client.get("/public/v1/restricted-enterprises",
                              query_string={"limit": 2, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200
        body = response.get_json()
        seen += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert [i["uscc"] for i in seen] == expected
    assert all(i["measures"] and all(c.startswith("LIC-") for c in i["measures"]) for i in seen)
    assert set(seen[0]) == {"uscc", "name", "category", "district", "grade", "graded_on",
                            "measures"}


def test_restricted_enterprises_name_no_person(town, client) -> None:
    with town.transaction() as session:
        person_ids = list(session.scalars(select(PersonRow.id)))
    text = client.get("/public/v1/restricted-enterprises?limit=500").get_data(as_text=True)
    assert not any(pid in text for pid in person_ids)
    assert "person" not in text and "id_number" not in text


def test_restricted_enterprises_share_the_public_rate_limit(town) -> None:
    app = create_app(container=town)
    app.config["PUBLIC_RATE_LIMIT"] = "2 per minute"
    limiter_of(app).reset()  # the shared storage may hold counts of an earlier test's window
    client = app.test_client()
    assert client.get("/public/v1/restricted-enterprises").status_code == 200
    assert client.get("/restricted").status_code == 200
    limited = client.get("/public/v1/restricted-enterprises")
    assert limited.status_code == 429 and limited.mimetype == "application/problem+json"


def test_a_future_date_for_the_restricted_list_is_422_naming_as_of(client) -> None:
    response = client.get("/public/v1/restricted-enterprises?as_of=2026-12-01")
    assert response.status_code == 422 and "as_of" in response.get_data(as_text=True)


def test_the_restricted_page_lists_them_in_chinese_without_scripts(town, client) -> None:
    html = client.get("/restricted").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html and "<script" not in html
    assert "行政许可受限企业名单" in html
    for uscc in _restricted_usccs(town)[:20]:
        assert uscc in html


def test_the_statistics_page_shows_tables_with_the_charts_numbers(town, client) -> None:
    response = client.get("/statistics")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<script" not in html
    with town.transaction() as session:
        figures = statistics.compute_statistics(session, TODAY, None)
    assert f"共有 {figures['enterprises']} 家" in html
    for name in ("targets", "districts", "categories", "trend"):
        assert f'src="/statistics/charts/{name}.svg"' in html
    assert html.count("<caption>") == 4
    assert html.count('<tr><th scope="row">20') == 24  # one row per month of the trend
    assert "2026-06-30" in html and "2024-12-31" in html


def test_each_chart_is_an_svg_with_title_description_and_no_script(client) -> None:
    for name in ("targets", "districts", "categories", "trend"):
        response = client.get(f"/statistics/charts/{name}.svg")
        svg = response.get_data(as_text=True)
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        assert "<title>" in svg and "<desc>" in svg and "<script" not in svg
    assert client.get("/statistics/charts/nothing.svg").status_code == 404


def test_the_trend_is_computed_once_per_day_for_closed_months(town, client) -> None:
    client.get("/statistics")
    computed = public_statistics_pages.CACHE.computed
    assert computed == 1 + 24  # the day's figures and one grade mix per month
    client.get("/statistics")
    client.get("/statistics/charts/trend.svg")
    assert public_statistics_pages.CACHE.computed == computed
