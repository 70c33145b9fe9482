"""The `details` of each kind of record, exactly the fields of docs/domain.md's table."""

from __future__ import annotations

from datetime import date
from random import Random

from credit_engine.domain.record_kinds import LEVELS
from credit_engine.population.places import District

MINOR_FINES = (500, 1000, 2000, 3000, 5000, 8000, 10000)
MEDIUM_FINES = (20000, 30000, 50000, 50000, 80000, 100000)
HEAVY_FINES = (150000, 200000, 300000, 500000)

# Products sampled per category, with the hazards a failed sample of each can show.
PRODUCTS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "catering": (
        ("复用餐饮具", ("microbial",)), ("自制凉皮", ("microbial", "additive_overuse")),
        ("油条", ("additive_overuse",)), ("火锅底料", ("illegal_substance", "additive_overuse")),
        ("卤肉", ("additive_overuse", "microbial")), ("煎炸过程用油", ("other",)),
        ("馒头", ("additive_overuse",)), ("牛肉面汤料", ("illegal_substance", "other")),
    ),
    "retail": (
        ("韭菜", ("pesticide_residue",)), ("芹菜", ("pesticide_residue",)),
        ("鸡蛋", ("veterinary_residue",)), ("牛肉", ("veterinary_residue", "illegal_substance")),
        ("散装白酒", ("other", "additive_overuse")), ("预包装饼干", ("label", "microbial")),
        ("大米", ("heavy_metal",)), ("枸杞", ("pesticide_residue", "additive_overuse")),
        ("豆芽", ("illegal_substance",)), ("淡水鱼", ("veterinary_residue", "illegal_substance")),
    ),
    "production": (
        ("挂面", ("label", "additive_overuse")), ("枸杞干", ("pesticide_residue", "additive_overuse")),
        ("干红葡萄酒", ("additive_overuse", "label")), ("番茄酱", ("microbial", "label")),
        ("小麦粉", ("heavy_metal", "additive_overuse")), ("酸奶", ("microbial",)),
        ("饮用纯净水", ("microbial",)), ("酱卤肉制品", ("microbial", "additive_overuse")),
        ("胡麻油", ("other",)), ("蜜瓜干", ("additive_overuse", "label")),
    ),
    "small_workshop": (
        ("手工挂面", ("additive_overuse", "label")), ("豆腐", ("microbial", "additive_overuse")),
        ("酿皮", ("illegal_substance", "microbial")), ("胡麻油", ("other", "heavy_metal")),
        ("糕点", ("microbial", "additive_overuse")), ("醋", ("additive_overuse",)),
        ("粉条", ("additive_overuse", "illegal_substance")),
    ),
    "canteen": (
        ("复用餐饮具", ("microbial",)), ("大米", ("heavy_metal",)), ("食用植物油", ("other",)),
        ("菠菜", ("pesticide_residue",)), ("馒头", ("additive_overuse",)),
        ("鸡蛋", ("veterinary_residue",)),
    ),
}

_TITLES = {
    "national": ("全国餐饮质量安全提升示范店", "全国食品安全示范单位"),
    "provincial": ("甘肃省食品安全示范店", "甘肃省放心消费示范单位", "甘肃省诚信经营示范单位"),
    "city": ("酒泉市食品安全示范店", "酒泉市明厨亮灶示范单位", "酒泉市放心消费示范单位"),
    "county": ("{}食品安全示范店", "{}诚信经营示范户"),
}
_PERSON_TITLES = {"city": "酒泉市食品安全工作先进个人", "county": "{}优秀食品安全管理员"}


def decision_no(rng: Random, district: District, year: int, city_bureau: bool) -> str:
    """A penalty decision number, e.g. 酒肃市监罚〔2024〕57号."""
    bureau = "酒" if city_bureau else district.short
    return f"{bureau}市监罚〔{year}〕{rng.randrange(1, 400)}号"


def penalty(number: str, measures: list[str], fine: int | None, aggravated: bool,
            serious: bool, violation_id: str | None) -> dict:
    """Penalty details; `fine_amount` only with `fine`, `violation_id` only when shared."""
    details: dict = {"decision_no": number, "measures": measures}
    if "fine" in measures:
        details["fine_amount"] = fine
    details["aggravated"] = aggravated
    details["serious"] = serious
    if violation_id is not None:
        details["violation_id"] = violation_id
    return details


def inspection(rng: Random, result: str, refused: bool, graded: bool) -> dict:
    """Inspection details; catering and canteens carry quantified-grading points."""
    if refused:
        return {"result": "non_compliant", "key_items_failed": 0, "general_items_failed": 0,
                "refused": True}
    if result == "compliant":
        key, general, per_item = 0, 0, rng.uniform(8.6, 10.0)
    elif result == "basically_compliant":
        key, general, per_item = 0, rng.randint(1, 4), rng.uniform(7.2, 9.1)
    else:
        key, general, per_item = rng.randint(1, 3), rng.randint(0, 6), rng.uniform(4.8, 7.6)
    details: dict = {"result": result, "key_items_failed": key,
                     "general_items_failed": general, "refused": False}
    if graded:
        items = rng.randint(20, 40)
        details["items_checked"] = items
        details["points_total"] = round(per_item * items * 2) / 2  # half points
    return details


def sampling(rng: Random, category: str, failed: bool, level: str) -> dict:
    """Sampling details; `hazard` only when the sample failed."""
    product, hazards = rng.choice(PRODUCTS[category])
    weights = [0.25 if h == "illegal_substance" else 1.0 for h in hazards] + [0.2]
    hazard = rng.choices(hazards + ("label",), weights)[0]
    if not failed:
        return {"result": "pass", "level": level, "product": product}
    return {"result": "fail", "level": level, "hazard": hazard, "product": product}


def commendation(rng: Random, level: str, district: District) -> dict:
    """An enterprise commendation with a title fitting its level."""
    return {"level": level, "title": rng.choice(_TITLES[level]).format(district.name)}


def person_commendation(level: str, district: District) -> dict:
    """A commendation of a food-safety manager or owner."""
    return {"level": level, "title": _PERSON_TITLES[level].format(district.name)}


def case_no(rng: Random, district: District, year: int) -> str:
    """A first-instance criminal case number, e.g. （2024）甘0902刑初118号."""
    return f"（{year}）{district.court}刑初{rng.randrange(1, 300)}号"


def policy_no(rng: Random, district: District, year: int) -> str:
    """A food-safety liability insurance policy number."""
    insurer = rng.choice(("PZAB", "PICC", "CPIC", "PAIC"))
    return f"{insurer}{year}{district.code}{rng.randrange(10**6):06d}"


def valid_until(day: date) -> str:
    """Dates in details are ISO strings, as in the API."""
    return day.isoformat()
