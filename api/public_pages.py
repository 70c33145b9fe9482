"""The public lookup page at /: server-rendered zh-CN HTML that works without JavaScript."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, request
from werkzeug.exceptions import HTTPException

from credit_engine.api import public_format as fmt
from credit_engine.api.paging import paged
from credit_engine.api.public_access import (
    CACHE_SECONDS, announcements, detail, limit_public, persons, search,
)
from credit_engine.api.runtime import business_today
from credit_engine.errors import CreditEngineError, NotFound, ValidationFailed
from credit_engine.services.records import decode_cursor

PAGE_SIZE = 20

pages = Blueprint("public_pages", __name__, template_folder="templates",
                  static_folder="static", static_url_path="/assets")
pages.record_once(lambda state: limit_public(state.app, pages))


@pages.app_context_processor
def labels() -> dict[str, Any]:
    return fmt.TEMPLATE_GLOBALS


@pages.app_template_filter("chinese_part")
def chinese_part(text: str) -> str:
    """Ruleset titles read "中文 / English": the page shows the Chinese half."""
    return text.split(" / ", 1)[0]


def _offset() -> int:
    cursor = request.args.get("cursor", "")
    return decode_cursor(cursor) if cursor else 0


def _html(template: str, status: int = 200, **context: Any) -> Response:
    response = Response(render_template(template, **context), status=status,
                        mimetype="text/html")
    if status == 200:
        response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
        response.add_etag()
        response = response.make_conditional(request)  # type: ignore[assignment]
    return response


@pages.route("/")
def index() -> Response:
    """Search box and, after a search, the results with grade badges."""
    q = request.args.get("q", "").strip()
    if not q:
        return _html("public_index.html", q="", results=None, next_cursor=None)
    today = business_today()
    page = paged(lambda o, n: search(q, today, o, n), _offset(), PAGE_SIZE)
    return _html("public_index.html", q=q, results=page["items"], next_cursor=page["next_cursor"])


@pages.route("/enterprises/<string:uscc>")
def enterprise(uscc: str) -> Response:
    """One enterprise: grade and meaning, reasons, measures, hygiene face, announcements."""
    return _html("public_enterprise.html", e=detail(uscc, business_today()))


@pages.route("/dishonest-persons")
def dishonest_persons() -> Response:
    """The serious-dishonesty list, masked."""
    today = business_today()
    page = paged(lambda o, n: persons(today, o, n), _offset(), PAGE_SIZE)
    return _html("public_persons.html", items=page["items"], next_cursor=page["next_cursor"])


@pages.route("/announcements")
def announcement_list() -> Response:
    """Announcements with objection deadlines and status."""
    today = business_today()
    page = paged(lambda o, n: announcements(today, o, n), _offset(), PAGE_SIZE)
    return _html("public_announcements.html", items=page["items"], next_cursor=page["next_cursor"])


@pages.errorhandler(CreditEngineError)
def engine_error(error: CreditEngineError) -> Response:
    if isinstance(error, NotFound):
        return _html("public_error.html", 404, title="未找到",
                     message="没有找到该企业。请检查统一社会信用代码，或返回首页重新搜索。")
    if isinstance(error, ValidationFailed):
        return _html("public_error.html", 422, title="查询条件有误",
                     message="请输入企业名称的一部分或统一社会信用代码（不超过100个字符）。")
    return _html("public_error.html", 500, title="服务暂时不可用", message="请稍后再试。")


@pages.errorhandler(429)
def too_many(error: HTTPException) -> Response:
    response = _html("public_error.html", 429, title="查询过于频繁",
                     message="您的查询次数过多，请稍等一分钟后再试。")
    response.headers["Retry-After"] = "60"
    return response
