"""Open data: every enterprise's public grade as a CSV anyone may download.

No key, the public rate limit (one budget per address shared with the public lookup),
enterprises only: names, codes, grades and measure codes are public information
(docs/domain.md, privacy); nothing about persons is in it.
"""

from __future__ import annotations

from typing import Any

from credit_engine.api import public_representations as s
from credit_engine.api.blueprint import Blueprint
from credit_engine.api.exports import download
from credit_engine.api.public import too_many_requests
from credit_engine.api.public_access import CACHE_SECONDS, limit_public
from credit_engine.api.runtime import business_today, get_container
from flask import Response

from credit_engine.services import exports

blp = Blueprint("open_data", __name__, url_prefix="/public/v1/open-data",
                description="Open data: public grades of every enterprise as CSV.")
blp.record_once(lambda state: limit_public(state.app, blp))
blp.errorhandler(429)(too_many_requests)


@blp.route("/grades.csv")
@blp.operation("getOpenDataGrades", "下载企业信用等级开放数据")
@blp.arguments(s.AsOfArgs, location="query")
@blp.doc(responses={"200": {"description": "one row per enterprise, header first", "content": {
    "text/csv": {"schema": {"type": "string"}}}}})
@blp.alt_response(429, response="DEFAULT_ERROR")
def grades_csv(args: dict[str, Any]) -> Response:
    """Every enterprise with its grade in force on `as_of` (default today): uscc, name,
    category, district, grade, score, graded_on, measure codes. UTF-8 with BOM, streamed."""
    as_of = args["as_of"] or business_today()
    response = download(exports.open_data_grades(get_container().transaction, as_of), "csv",
                        f"grades-{as_of.isoformat()}")
    response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response
