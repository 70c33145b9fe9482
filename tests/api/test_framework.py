"""The HTTP framework: probes, problem bodies for every error, keys and scopes, OpenAPI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from credit_engine.api.app import create_app
from credit_engine.bootstrap import Container, bootstrap
from credit_engine.config import Settings

from api_helpers import USCC_A, problem_of, valid_uscc

ENTERPRISE_BODY = {"name": "Golden Wok Restaurant", "category": "catering"}


def test_healthz_answers_without_a_key(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_answers_when_the_database_is_reachable(client: FlaskClient) -> None:
    assert client.get("/readyz").status_code == 200


def test_readyz_is_503_problem_when_the_database_is_unreachable(tmp_path: Path) -> None:
    unreachable = Settings(database_url=f"sqlite:///{tmp_path}/missing/dir/db.sqlite")
    client = create_app(container=bootstrap(unreachable)).test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "database" in problem_of(response)["detail"]


def test_unknown_path_is_404_problem(client: FlaskClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    problem_of(response)


def test_wrong_method_is_405_problem_with_allow(
        client: FlaskClient, writer: dict[str, str]) -> None:
    response = client.delete("/api/v1/records", headers=writer)
    assert response.status_code == 405
    problem_of(response)
    assert "POST" in response.headers["Allow"]


def test_missing_key_is_401_with_bearer_challenge(client: FlaskClient) -> None:
    response = client.put(f"/api/v1/enterprises/{valid_uscc(USCC_A)}", json=ENTERPRISE_BODY)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    problem_of(response)


def test_unknown_key_is_401(client: FlaskClient) -> None:
    headers = {"Authorization": "Bearer ce_00000000_" + "x" * 43}
    response = client.put(f"/api/v1/enterprises/{valid_uscc(USCC_A)}", json=ENTERPRISE_BODY,
                          headers=headers)
    assert response.status_code == 401


def test_key_without_the_scope_is_403(client: FlaskClient, reader: dict[str, str]) -> None:
    response = client.put(f"/api/v1/enterprises/{valid_uscc(USCC_A)}", json=ENTERPRISE_BODY,
                          headers=reader)
    assert response.status_code == 403
    assert "records:write" in problem_of(response)["detail"]


def test_authentication_comes_before_validation(client: FlaskClient) -> None:
    response = client.post("/api/v1/records", json={"records": "nonsense"})
    assert response.status_code == 401


def test_admin_key_has_every_scope(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.put(f"/api/v1/enterprises/{valid_uscc(USCC_A)}", json=ENTERPRISE_BODY,
                          headers=admin)
    assert response.status_code == 201


def test_malformed_json_is_400_problem(client: FlaskClient, writer: dict[str, str]) -> None:
    response = client.post("/api/v1/records", data='{"records": [', headers=writer,
                           content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in problem_of(response)["detail"]


def test_non_json_body_is_415_problem(client: FlaskClient, writer: dict[str, str]) -> None:
    response = client.post("/api/v1/records", data="records=1", headers=writer,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    problem_of(response)


def test_body_over_the_limit_is_413_problem(
        container: Container, make_key: Callable[..., dict[str, str]]) -> None:
    small = Container(container.settings.replace(max_request_bytes=1000))
    client = create_app(container=small).test_client()
    body = '{"records": [' + ",".join(['{"external_id": "x"}'] * 100) + "]}"
    response = client.post("/api/v1/records", data=body, content_type="application/json",
                           headers=make_key("big-sender", "records:write"))
    small.engine.dispose()
    assert response.status_code == 413
    problem_of(response)


def test_unexpected_error_is_500_problem_without_traceback(app: Flask) -> None:
    @app.route("/boom")
    def boom() -> str:
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    body = problem_of(response)
    assert "secret internals" not in response.get_data(as_text=True)
    assert "Traceback" not in body["detail"]


def test_openapi_document_declares_bearer_auth_and_the_endpoints(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for path in ("/api/v1/enterprises/{uscc}", "/api/v1/persons", "/api/v1/records",
                 "/api/v1/records/{record_id}/revoke",
                 "/api/v1/enterprises/{uscc}/roles/{person_id}", "/healthz", "/readyz"):
        assert path in spec["paths"], path
    assert spec["paths"]["/api/v1/records"]["post"]["security"] == [{"bearerAuth": []}]


def test_interactive_docs_are_served(client: FlaskClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert "swagger" in response.get_data(as_text=True).lower()
