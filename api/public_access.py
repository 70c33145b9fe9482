"""What the public API and the public page share: one rate limit per address, short caching,
and the lookups as JSON-ready dicts (docs/domain.md's privacy rules apply to both)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request

from credit_engine.api import public_format as fmt
from credit_engine.api.limiter import limiter_of
from credit_engine.api.runtime import EXTENSION, get_container, run_use_case
from credit_engine.services import public_lookup

CACHE_SECONDS = 60


def public_limit() -> str:
    """The per-address limit (Settings.public_rate_limit, overridable in app.config)."""
    return str(current_app.config.get("PUBLIC_RATE_LIMIT")
               or get_container().settings.public_rate_limit)


def limit_public(app: Flask, blueprint: Blueprint) -> None:
    """Put `blueprint` under the public rate limit, one budget per client address shared by
    every public surface and every worker (api.limiter).

    The first call on an app reads the calendar (a bad holidays file fails now, not on the
    first lookup)."""
    _ = app.extensions[EXTENSION].calendar
    limiter_of(app).shared_limit(public_limit, scope="public")(blueprint)


def cache_briefly(blueprint: Blueprint) -> None:
    """Answers of `blueprint` are cheap to repeat: an ETag and short public caching on every
    successful GET, 304 when the client's copy is unchanged."""

    @blueprint.after_request
    def cacheable(response: Response) -> Response:
        if request.method == "GET" and response.status_code == 200:
            response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
            response.add_etag()
            response = response.make_conditional(request)  # type: ignore[assignment]
        return response


def search(q: str, as_of: date, offset: int, limit: int) -> list[dict[str, Any]]:
    """Enterprise search hits as JSON-ready dicts."""
    return run_use_case(lambda session: [
        fmt.summary_to_dict(h)
        for h in public_lookup.search_enterprises(session, q, as_of, offset, limit)])


def detail(uscc: str, as_of: date) -> dict[str, Any]:
    """One enterprise's public credit page as a JSON-ready dict; NotFound if unknown."""
    return run_use_case(lambda session: fmt.detail_to_dict(
        public_lookup.enterprise_detail(session, uscc, as_of)))


def persons(as_of: date, offset: int, limit: int) -> list[dict[str, Any]]:
    """Persons on the serious-dishonesty list, masked, as JSON-ready dicts."""
    return run_use_case(lambda session: [
        fmt.person_to_dict(p)
        for p in public_lookup.dishonest_persons(session, as_of, offset, limit)])


def announcements(as_of: date, offset: int, limit: int) -> list[dict[str, Any]]:
    """Published announcements, newest first, as JSON-ready dicts."""
    return run_use_case(lambda session: public_lookup.public_announcements(
        session, as_of, offset, limit))
