"""Security headers (docs/security.md, Headers): every HTML page, /docs included, carries a
strict Content-Security-Policy, nosniff and a Referrer-Policy; JSON answers carry nosniff; /docs
names no other origin and its Swagger UI files are served by the service itself."""

from __future__ import annotations

import re

import pytest

from credit_engine.api.docs_ui import SWAGGER_UI_VERSION


def directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    parts = (part.strip().split(None, 1) for part in policy.split(";") if part.strip())
    return {part[0]: (part[1] if len(part) > 1 else "") for part in parts}


def assert_strict_html_headers(response) -> None:
    assert response.mimetype == "text/html"
    csp = directives(response)
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"  # no inline script, no eval, no other origin
    assert "unsafe" not in response.headers["Content-Security-Policy"]
    assert csp["frame-ancestors"] == "'none'"
    assert csp["base-uri"] == "'none'"
    assert csp["form-action"] == "'self'"
    assert csp["object-src"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"  # browsers without frame-ancestors


def public_pages(population) -> list[str]:
    return ["/", "/?q=金锅", f"/enterprises/{population.wok}", "/dishonest-persons",
            "/announcements", "/docs"]


def test_every_html_page_carries_the_security_headers(public_client, population):
    for path in public_pages(population):
        response = public_client.get(path)
        assert response.status_code == 200, path
        assert_strict_html_headers(response)


@pytest.mark.parametrize("path, status", [
    ("/enterprises/91110000000000000X", 404),  # unknown enterprise
    (f"/?q={'x' * 101}", 422),                 # query too long
])
def test_error_pages_carry_the_security_headers(public_client, population, path, status):
    response = public_client.get(path)
    assert response.status_code == status
    assert_strict_html_headers(response)


def test_the_rate_limit_page_carries_the_security_headers(public_app, population):
    public_app.config["PUBLIC_RATE_LIMIT"] = "1 per minute"
    client = public_app.test_client()
    client.get("/")
    response = client.get("/announcements")
    assert response.status_code == 429
    assert_strict_html_headers(response)


def test_templates_hold_no_inline_script_or_style(public_client, population):
    for path in public_pages(population):
        page = public_client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), path   # every script is a file
        assert not re.search(r"\sstyle=|<style|\son[a-z]+=", page), path


def test_json_answers_carry_nosniff(public_client, population):
    for path in ("/public/v1/announcements", "/healthz", "/openapi.json",
                 "/api/v1/records"):  # the last one is a 401 problem
        response = public_client.get(path)
        assert response.is_json, path
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert "Referrer-Policy" in response.headers


def test_docs_page_references_no_other_origin(public_client):
    page = public_client.get("/docs").get_data(as_text=True)
    assert "swagger-ui" in page
    assert not re.search(r"(https?:)?//", page), "the /docs page names another origin"
    assert "cdn" not in page.lower()


def test_docs_assets_are_served_by_the_service(public_client):
    page = public_client.get("/docs").get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="(/[^"]+)"', page)
    assert f"/docs/swagger-ui/{SWAGGER_UI_VERSION}/swagger-ui-bundle.js" in assets
    assert "/docs/static/docs-ui.js" in assets
    for asset in assets:
        if asset == "/openapi.json":
            continue
        response = public_client.get(asset)
        assert response.status_code == 200, asset
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.content_length or response.get_data(), asset


def test_only_the_packaged_swagger_ui_files_are_served(public_client):
    assert public_client.get(f"/docs/swagger-ui/{SWAGGER_UI_VERSION}/../LICENSE").status_code == 404
    assert public_client.get(f"/docs/swagger-ui/{SWAGGER_UI_VERSION}/oauth2-redirect.html").status_code == 404
    assert public_client.get("/docs/swagger-ui/0.0.1/swagger-ui-bundle.js").status_code == 404
