"""The Flask app factory: settings, container, error handling, OpenAPI, blueprints."""

from __future__ import annotations

from contextvars import Token
from datetime import date
from http import HTTPStatus
from types import ModuleType
from typing import Any

from flask import Blueprint, Flask, g, request
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from credit_engine.api import (
    announcements, batch_decisions, changes, credit, decisions, docs_ui, exports, health,
    inspection_plan_export, limiter, objections_queue, observability, open_data,
    problem_types, public, public_pages, public_restricted, public_statistics_pages, records,
    repair_applications, replies, security_headers, statistics, subjects,
)
from credit_engine.api.office import workbench_pages as office_pages
from credit_engine.api.office.session import init_office
from credit_engine.api.auth import SECURITY_SCHEME
from credit_engine.api.converters import IdConverter, id_parameter_schema
from credit_engine.api.problems import PROBLEM_MIME, HttpProblem, register_error_handlers
from credit_engine.api.representations import ProblemSchema
from credit_engine.api.runtime import EXTENSION
from credit_engine.bootstrap import Container, bootstrap
from credit_engine.config import Settings
from credit_engine.validation.context import today_var
from credit_engine.validation.details import DETAILS_SCHEMAS
from credit_engine.validation.json_body import MalformedBody, parse_json_body
from credit_engine.validation.records import details_schema_name

# One blueprint module per audience, each exposing `blp` (and optionally init_app(app)),
# imported above: a module that fails to import fails the app, never a missing section.
BLUEPRINT_MODULES: tuple[ModuleType, ...] = (
    health, subjects, records, credit, decisions, inspection_plan_export, batch_decisions,
    announcements, objections_queue, repair_applications, replies, statistics, exports,
    changes, public, public_restricted, open_data, problem_types,
)
# Plain Flask blueprints outside the OpenAPI document: the public HTML pages, /docs
# (Swagger UI from packaged files, not flask-smorest's CDN page) and the office workbench.
PAGE_BLUEPRINTS: tuple[Blueprint, ...] = (
    public_pages.pages, public_statistics_pages.pages, docs_ui.docs, *office_pages.PAGES,
)
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class ProblemApi(Api):
    """flask-smorest's Api with RFC 9457 problem bodies instead of its own error format."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        register_error_handlers(self._app)

    def _register_responses(self) -> None:
        """Error responses documented as application/problem+json, as they are sent."""
        for status in HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not 100 <= status < 200 and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_MIME)
            self.spec.components.response(status.name, response, lazy=True)
        default = {"description": "Error (RFC 9457 problem details)", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, PROBLEM_MIME)
        self.spec.components.response("DEFAULT_ERROR", default, lazy=True)


def _config(settings: Settings) -> dict[str, Any]:
    return {
        "API_TITLE": "credit-engine",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/",
        "OPENAPI_JSON_PATH": "openapi.json",
        "API_SPEC_OPTIONS": {
            "info": {"description": "Food-safety credit rating and joint reward/punishment "
                                    "rule engine. Errors are application/problem+json."},
        },
        "MAX_CONTENT_LENGTH": settings.max_request_bytes,
    }


def _register_blueprints(app: Flask, api: Api) -> None:
    for module in BLUEPRINT_MODULES:
        init = getattr(module, "init_app", None)  # app-wide set-up a module may need
        if init is not None:
            init(app)
        api.register_blueprint(module.blp)
    for page in PAGE_BLUEPRINTS:
        app.register_blueprint(page)


def _install_request_hooks(app: Flask, settings: Settings) -> None:
    @app.before_request
    def validate_as_of_business_today() -> None:
        # One today per request, from the settings' clock: the default `as_of` of the views
        # (runtime.business_today) and what "no future dates" validators compare with.
        g.business_today = settings.today()
        token: Token[date | None] = today_var.set(g.business_today)
        g.validation_today_token = token

    @app.before_request
    def require_json_body() -> None:
        # The office pages (/office/) post HTML forms; everything else speaks JSON.
        if request.method in BODY_METHODS and request.content_length \
                and not request.is_json and not request.path.startswith("/office/"):
            raise HttpProblem(415, "Send the body as application/json.")

    @app.before_request
    def check_json_body() -> None:
        # Before webargs parses it: not UTF-8, not JSON or deeper than 32 levels is 400
        # (its own parser would recurse into a RecursionError), a bad key is 422.
        if request.method in BODY_METHODS and request.is_json:
            data = request.get_data(cache=True)
            if data:
                try:
                    parse_json_body(data)
                except MalformedBody as error:
                    raise HttpProblem(400, str(error)) from None

    @app.teardown_request
    def reset_validation_today(_error: BaseException | None) -> None:
        token = g.pop("validation_today_token", None)
        if token is not None:
            try:
                today_var.reset(token)
            except ValueError:  # set in another context (streamed response): nothing to undo
                pass


def create_app(settings: Settings | None = None, container: Container | None = None) -> Flask:
    """Build the WSGI app on `container` (or one bootstrapped from `settings`/the environment)."""
    container = container or bootstrap(settings)
    app = Flask("credit_engine.api")
    app.config.update(_config(container.settings))
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # names stay readable
    app.extensions[EXTENSION] = container
    app.url_map.converters["id"] = IdConverter
    api = ProblemApi(app)
    api.register_converter(IdConverter, id_parameter_schema)
    api.spec.components.security_scheme(
        SECURITY_SCHEME, {"type": "http", "scheme": "bearer",
                          "description": "An API key made with `credit-engine keys create`."})
    for kind, details in DETAILS_SCHEMAS.items():  # RecordIn.details refers to these
        api.spec.components.schema(details_schema_name(kind), schema=details)
    _install_request_hooks(app, container.settings)
    observability.init_app(app, container.settings)  # X-Request-ID; /metrics when on
    limiter.trust_proxies(app, container.settings)  # X-Forwarded-For from trusted hops only
    limiter.limiter_of(app)  # rate limits on the shared storage, before any blueprint
    _register_blueprints(app, api)
    security_headers.init_app(app)  # CSP, nosniff, Referrer-Policy on every answer
    init_office(app)  # staff sessions, CSRF, idle expiry (after Talisman's cookie settings)
    return app
