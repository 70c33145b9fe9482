"""The interactive API documentation at /docs: Swagger UI served by the service itself.

The Swagger UI files come from the installed flask-swagger-ui package (its `dist` folder; only
its files are used, not its blueprint, whose page has an inline script). The page names no
other origin and its initialiser is the static file api/static/docs-ui.js, so the strict
Content-Security-Policy of security_headers holds (docs/security.md, Headers).
"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import flask_swagger_ui
from flask import Blueprint, Response, abort, render_template, send_from_directory, url_for

SWAGGER_UI_DIST = Path(flask_swagger_ui.__file__).resolve().parent / "dist"
SWAGGER_UI_VERSION = version("flask-swagger-ui")  # the Swagger UI release it ships
ASSETS = frozenset({"swagger-ui-bundle.js", "swagger-ui.css", "index.css",
                    "favicon-16x16.png", "favicon-32x32.png"})
ASSET_MAX_AGE = 86400  # the version is in the path: a new release is a new URL

docs = Blueprint("docs_ui", __name__, template_folder="templates", static_folder="static",
                 static_url_path="/docs/static")


@docs.route("/docs")
def page() -> str:
    """The Swagger UI page for the OpenAPI document at /openapi.json."""
    return render_template("docs_ui.html", spec_url=url_for("api-docs.openapi_json"),
                           swagger_ui_version=SWAGGER_UI_VERSION)


@docs.route("/docs/swagger-ui/<string:release>/<string:filename>")
def asset(release: str, filename: str) -> Response:
    """One file of the packaged Swagger UI; another release or file is 404."""
    if release != SWAGGER_UI_VERSION or filename not in ASSETS:
        abort(404)
    return send_from_directory(SWAGGER_UI_DIST, filename, max_age=ASSET_MAX_AGE)
