"""Plain-Chinese labels for the public page and the JSON shapes both public surfaces share."""

from __future__ import annotations

from datetime import date
from typing import Any

from credit_engine.services.public_lookup import EnterpriseDetail, EnterpriseSummary, ListedPerson

GRADE_MEANINGS = {
    "A": "守信：食品安全信用良好",
    "B": "基本守信：有轻微失信记录",
    "C": "失信：有较多或较重的失信记录",
    "D": "严重失信：受到严重处罚或列入严重违法失信名单",
}
GRADE_SHORT = {"A": "守信", "B": "基本守信", "C": "失信", "D": "严重失信"}
CATEGORIES = {
    "production": "食品生产", "catering": "餐饮服务", "retail": "食品销售",
    "canteen": "单位食堂", "small_workshop": "食品小作坊",
    "school_canteen": "学校（幼儿园）食堂", "small_shop": "小经营店", "stall": "小摊点",
    "market_operator": "集中交易市场开办者", "online_platform": "网络食品交易第三方平台",
}
# The catering quantified-grading faces: excellent = big smile, good = smile, fair = flat face.
HYGIENE = {
    "excellent": {"label": "优秀（A级）", "face": "大笑脸"},
    "good": {"label": "良好（B级）", "face": "微笑脸"},
    "fair": {"label": "一般（C级）", "face": "平脸"},
    "not_rated": {"label": "暂不评级", "face": None},
}
ANNOUNCEMENT_TYPES = {"grade_change": "信用等级变更", "listing": "列入严重违法失信名单"}
ANNOUNCEMENT_STATUS = {"published": "公示中", "under_objection": "异议处理中", "withdrawn": "已撤回"}
MEASURE_KINDS = {"restriction": "惩戒措施", "incentive": "激励措施"}
CONTEXTS = {
    "licensing": "行政许可", "financing": "融资信贷", "procurement": "政府采购",
    "inspection": "监督检查", "honours": "评优评先",
}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def summary_to_dict(summary: EnterpriseSummary) -> dict[str, Any]:
    """One search hit: the enterprise, its latest grade and the grade's date."""
    e, g = summary.enterprise, summary.grade
    return {"uscc": e.uscc, "name": e.name, "category": e.category, "district": e.district,
            "grade": g.grade if g else None, "graded_on": _iso(g.as_of) if g else None}


def detail_to_dict(detail: EnterpriseDetail) -> dict[str, Any]:
    """An enterprise's public credit page as JSON."""
    e, g = detail.enterprise, detail.grade
    return {
        "uscc": e.uscc, "name": e.name, "category": e.category, "district": e.district,
        "grade": g.grade if g else None, "score": g.score if g else None,
        "graded_on": _iso(g.as_of) if g else None, "ruleset": g.ruleset if g else None,
        "reasons": detail.reasons, "measures": detail.measures,
        "hygiene_rating": detail.hygiene_rating, "announcements": detail.announcements,
        "reply": detail.reply,
    }


def person_to_dict(person: ListedPerson) -> dict[str, Any]:
    """A listed person, masked: name after the first character, ID but 6+4 characters."""
    return {"name": person.name, "id_number": person.id_number,
            "listed_from": _iso(person.listed_from), "listed_until": _iso(person.listed_until)}


TEMPLATE_GLOBALS = {
    "GRADE_MEANINGS": GRADE_MEANINGS, "GRADE_SHORT": GRADE_SHORT, "CATEGORIES": CATEGORIES,
    "HYGIENE": HYGIENE, "ANNOUNCEMENT_TYPES": ANNOUNCEMENT_TYPES,
    "ANNOUNCEMENT_STATUS": ANNOUNCEMENT_STATUS, "MEASURE_KINDS": MEASURE_KINDS,
    "CONTEXTS": CONTEXTS,
}
