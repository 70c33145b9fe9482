"""GET /api/v1/exports/grades and the public open-data CSV: one row per enterprise with the
grade in force on the date asked, streamed."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from exchange_town import GRADED_ON, TODAY
from openpyxl import load_workbook
from sqlalchemy import select

from credit_engine.storage.models import AuditRow, EnterpriseRow, GradeRow

HEADER = ["uscc", "name", "category", "district", "grade", "score", "graded_on", "measures"]


def _expected(container, as_of, district=None) -> list[list[str]]:
    """Independently: each enterprise's latest stored grade on or before `as_of`."""
    with container.transaction() as session:
        enterprises = session.scalars(select(EnterpriseRow).order_by(EnterpriseRow.uscc)).all()
        grades = session.scalars(select(GradeRow).where(GradeRow.subject_type == "enterprise",
                                                        GradeRow.as_of <= as_of)).all()
        latest = {}
        for g in sorted(grades, key=lambda g: g.as_of):
            latest[g.subject_id] = g
        rows = []
        for e in enterprises:
            if district and e.district != district:
                continue
            g = latest.get(e.uscc)
            codes = [] if g is None else [m["code"] for m in g.result["measures"]
                                          if m["until"] is None or m["until"] > as_of.isoformat()]
            rows.append([e.uscc, e.name, e.category, e.district or "",
                         g.grade if g else "", str(g.score) if g else "",
                         g.as_of.isoformat() if g else "", ";".join(dict.fromkeys(codes))])
    return rows


def _csv(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize("as_of", [GRADED_ON[0] - timedelta(days=1), GRADED_ON[0],
                                   GRADED_ON[1] + timedelta(days=10)])
def test_csv_export_has_the_grade_in_force_on_the_date(town_container, town_client, town_key,
                                                       as_of):
    response = town_client.get("/api/v1/exports/grades", query_string={"as_of": as_of.isoformat()},
                               headers=town_key("stats-desk", "credit:read"))
    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _csv(response)
    assert rows[0] == HEADER
    assert rows[1:] == _expected(town_container, as_of)


def test_the_export_is_varied_and_covers_ungraded_enterprises(town_container, town_client,
                                                              town_key):
    rows = _csv(town_client.get("/api/v1/exports/grades", headers=town_key("d", "credit:read")))
    assert {r[4] for r in rows[1:]} >= {"", "A", "B"}
    assert any(r[7] for r in rows[1:])  # some measure codes


def test_xlsx_export_holds_the_same_rows(town_container, town_client, town_key, tmp_path):
    key = town_key("d", "credit:read")
    response = town_client.get("/api/v1/exports/grades", headers=key,
                               query_string={"format": "xlsx", "district": "黄浦区"})
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    path = tmp_path / "grades.xlsx"
    path.write_bytes(response.get_data())
    values = [["" if v is None else str(v) for v in row]
              for row in load_workbook(path).active.iter_rows(values_only=True)]
    assert values[0] == HEADER
    assert values[1:] == _expected(town_container, TODAY, "黄浦区")


def test_district_filters_and_the_export_is_audited(town_container, town_client, town_key):
    response = town_client.get("/api/v1/exports/grades", query_string={"district": "无此区"},
                               headers=town_key("stats-desk", "credit:read"))
    assert _csv(response) == [HEADER]
    with town_container.transaction() as session:
        entries = session.scalars(select(AuditRow).where(AuditRow.action == "export.grades")).all()
    assert [(e.actor, e.payload) for e in entries] == [
        ("stats-desk", {"as_of": TODAY.isoformat(), "district": "无此区", "format": "csv"})]


@pytest.mark.parametrize("query, field", [
    ({"format": "pdf"}, "format"), ({"as_of": (TODAY + timedelta(days=1)).isoformat()}, "as_of"),
    ({"as_of": "yesterday"}, "as_of"), ({"district": "x" * 101}, "district"), ({"sort": "x"}, "sort"),
])
def test_bad_arguments_are_422_naming_the_field(town_client, town_key, query, field):
    response = town_client.get("/api/v1/exports/grades", query_string=query,
                               headers=town_key("d", "credit:read"))
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_the_export_needs_credit_read(town_client, town_key):
    assert town_client.get("/api/v1/exports/grades").status_code == 401
    assert town_client.get("/api/v1/exports/grades",
                           headers=town_key("d", "decisions:read")).status_code == 403


def test_open_data_needs_no_key_and_has_no_person_data(town_container, town_client):
    response = town_client.get("/public/v1/open-data/grades.csv",
                               query_string={"as_of": GRADED_ON[1].isoformat()})
    assert response.status_code == 200
    rows = _csv(response)
    assert rows[0] == HEADER
    assert rows[1:] == _expected(town_container, GRADED_ON[1])
    body = response.get_data().decode("utf-8-sig")
    assert "张" not in body and "p0000000" not in body  # town persons are 张n, ids p000000nn
    assert response.headers["Cache-Control"].startswith("public")


def test_open_data_refuses_a_future_date_and_is_rate_limited(town_container):
    from credit_engine.api.app import create_app
    app = create_app(container=town_container)
    app.config["PUBLIC_RATE_LIMIT"] = "2 per 58 seconds"  # a key no other test counts on
    client = app.test_client()
    future = client.get("/public/v1/open-data/grades.csv",
                        query_string={"as_of": (TODAY + timedelta(days=1)).isoformat()})
    assert future.status_code == 422 and "as_of" in future.get_json()["errors"]
    assert client.get("/public/v1/open-data/grades.csv").status_code == 200
    limited = client.get("/public/v1/open-data/grades.csv")
    assert limited.status_code == 429
    assert limited.content_type.startswith("application/problem+json")
