"""The public lookup API under /public/v1/: no key, rate limited per client, cacheable.

Privacy (docs/domain.md): persons appear only on the serious-dishonesty list, masked; search
matches enterprises only; no response or error carries a person's full name, ID number
or opaque id.
"""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_limiter import RateLimitExceeded

from credit_engine.api import public_representations as s
from credit_engine.api.blueprint import Blueprint
from credit_engine.api.paging import page_bounds, paged
from credit_engine.api.problems import problem
from credit_engine.api.public_access import (
    announcements, cache_briefly, detail, limit_public, persons, search,
)
from credit_engine.api.runtime import business_today, run_use_case
from credit_engine.errors import NotFound
from credit_engine.services.audit import latest_published_head

blp = Blueprint("public", __name__, url_prefix="/public/v1",
                description="Public credit lookup: no key, rate limited, persons masked.")
blp.record_once(lambda state: limit_public(state.app, blp))


@blp.errorhandler(429)
def too_many_requests(error: RateLimitExceeded) -> Response:
    """A clear problem body that says how long to wait."""
    response = problem(429, f"Too many requests from this address (limit: {error.description}). "
                       "Wait a moment and try again.", title="Too Many Requests")
    if error.response is not None and "Retry-After" in error.response.headers:
        response.headers["Retry-After"] = error.response.headers["Retry-After"]
    return response


cache_briefly(blp)  # ETag + short public caching, 304 when unchanged


@blp.route("/enterprises")
@blp.operation("searchPublicEnterprises", "公开查询企业信用")
@blp.arguments(s.SearchArgs, location="query")
@blp.response(200, s.EnterprisePage)
@blp.alt_response(429, response="DEFAULT_ERROR")
def search_enterprises(args: dict[str, Any]) -> dict[str, Any]:
    """Search enterprises by name or USCC: grade, category, district."""
    as_of = args["as_of"] or business_today()
    return paged(lambda o, n: search(args["q"], as_of, o, n), *page_bounds(args))


@blp.route("/enterprises/<string:uscc>")
@blp.operation("getPublicEnterprise", "公开查询企业信用详情")
@blp.arguments(s.AsOfArgs, location="query")
@blp.response(200, s.EnterpriseDetail)
@blp.alt_response(404, response="DEFAULT_ERROR")
@blp.alt_response(429, response="DEFAULT_ERROR")
def enterprise(args: dict[str, Any], uscc: str) -> dict[str, Any]:
    """An enterprise's grade, its date, public reasons, measures, hygiene rating, announcements."""
    return detail(uscc, args["as_of"] or business_today())


@blp.route("/dishonest-persons")
@blp.operation("listDishonestPersons", "查询严重失信人员名单")
@blp.arguments(s.PageArgs, location="query")
@blp.response(200, s.PersonPage)
@blp.alt_response(429, response="DEFAULT_ERROR")
def dishonest_persons(args: dict[str, Any]) -> dict[str, Any]:
    """Persons on the serious-dishonesty list: names and ID numbers masked."""
    as_of = args["as_of"] or business_today()
    return paged(lambda o, n: persons(as_of, o, n), *page_bounds(args))


@blp.route("/announcements")
@blp.operation("listPublicAnnouncements", "查询信用公示公告")
@blp.arguments(s.PageArgs, location="query")
@blp.response(200, s.AnnouncementPage)
@blp.alt_response(429, response="DEFAULT_ERROR")
def list_announcements(args: dict[str, Any]) -> dict[str, Any]:
    """Published announcements, newest first, with objection deadlines and status."""
    as_of = args["as_of"] or business_today()
    return paged(lambda o, n: announcements(as_of, o, n), *page_bounds(args))


@blp.route("/audit-head")
@blp.operation("getAuditHead", "查询审计日志链头")
@blp.response(200, s.AuditHead)
@blp.alt_response(404, response="DEFAULT_ERROR")
@blp.alt_response(429, response="DEFAULT_ERROR")
def audit_head() -> dict[str, Any]:
    """The audit log's head as last published by the daily verification: `entries` entries,
    the newest with `hash`. Keep a copy: `credit-engine audit verify --head entries:hash`
    fails if entries are later deleted or rewritten. 404 before the first publication."""
    head = run_use_case(latest_published_head)
    if head is None:
        raise NotFound("No audit head has been published yet: the daily audit verification "
                       "publishes one.")
    return {"entries": head.entries, "hash": head.hash,
            "published_on": head.published_on.isoformat()}
