"""Open data: enterprises whose licensing is restricted, `GET /public/v1/restricted-enterprises`.

No key, the public rate limit (one budget per address shared with every public surface),
short caching. Enterprises only: names, codes, grades and measure codes are public
information (docs/domain.md, privacy); no person is named.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from credit_engine.api import public_representations as s
from credit_engine.api.blueprint import Blueprint
from credit_engine.api.paging import page_bounds, paged
from credit_engine.api.public import too_many_requests
from credit_engine.api.public_access import cache_briefly, limit_public
from credit_engine.api.runtime import business_today, run_use_case
from marshmallow import Schema, fields

from credit_engine.services import statistics

blp = Blueprint("public_restricted", __name__, url_prefix="/public/v1",
                description="Open data: enterprises whose licensing is restricted.")
blp.record_once(lambda state: limit_public(state.app, blp))
blp.errorhandler(429)(too_many_requests)


class RestrictedEnterprise(s.EnterpriseHit):
    measures = fields.List(fields.String(), metadata={
        "description": "codes of the licensing restrictions in force (e.g. LIC-STRICT-REVIEW)"})


class RestrictedPage(Schema):
    items = fields.List(fields.Nested(RestrictedEnterprise))
    next_cursor = fields.String(allow_none=True)


def restricted(as_of: date, offset: int, limit: int) -> list[dict[str, Any]]:
    """One page of restricted enterprises (shared with the page at /restricted)."""
    return run_use_case(lambda session: statistics.restricted_enterprises(
        session, as_of, offset, limit))


cache_briefly(blp)  # ETag + short public caching, 304 when unchanged


@blp.route("/restricted-enterprises")
@blp.operation("listRestrictedEnterprises", "查询许可受限企业名单")
@blp.arguments(s.PageArgs, location="query")
@blp.response(200, RestrictedPage)
@blp.alt_response(429, response="DEFAULT_ERROR")
def restricted_enterprises(args: dict[str, Any]) -> dict[str, Any]:
    """Enterprises whose licensing decision as of today (or `as_of`) is `restricted`, by
    USCC, each with its grade, the grade's date and the codes of its licensing measures."""
    as_of = args["as_of"] or business_today()
    return paged(lambda o, n: restricted(as_of, o, n), *page_bounds(args))
