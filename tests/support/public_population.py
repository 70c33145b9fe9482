"""A small public population with persons in it, written straight into the database.

Grades are stored as the grading service stores them (GradeRow + result_to_dict), so the
public lookup can be tested without the rule engine. Dates are relative to `today` so the
listing is still in force whenever the tests run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from credit_engine.domain.dates import add_years
from credit_engine.domain.identifiers import id_check_digit, uscc_check_char
from credit_engine.domain.model import CreditResult, HygieneRating, Measure, Reason, SubjectRef
from credit_engine.domain.serialization import result_to_dict
from credit_engine.calendars.schedules import official_calendar
from credit_engine.services.announcements import publish_announcements
from credit_engine.storage.models import (
    EnterpriseRow, GradeRow, PersonRow, RecordRow, RoleRow,
)
from credit_engine.storage.repositories.subjects import sealed_person_row


def uscc(first17: str) -> str:
    return first17 + uscc_check_char(first17)


def id_number(first17: str) -> str:
    return first17 + id_check_digit(first17)


@dataclass(frozen=True)
class Resident:
    opaque_id: str
    name: str
    id_number: str


@dataclass(frozen=True)
class Population:
    today: date
    wok: str            # catering enterprise, grade D, employs a banned person
    bakery: str         # retail enterprise, grade A
    canteen: str        # canteen, grade B, hygiene good
    listed: Resident    # on the serious-dishonesty list
    unlisted: Resident  # graded but not listed: never shown to the public
    listing_from: date
    listing_until: date


WOK_REASON_TEXT = "聘用被禁止从事食品生产经营管理工作的人员王大明担任负责人，信用等级直接评为D级"


def _store(session: Session, result: CreditResult) -> None:
    session.add(GradeRow(subject_type=result.subject.type, subject_id=result.subject.id,
                         as_of=result.as_of, ruleset=result.ruleset, score=result.score,
                         grade=result.grade, result=result_to_dict(result),
                         next_change_on=None))


def _result(subject: SubjectRef, as_of: date, grade: str, score: int, **extra) -> CreditResult:
    return CreditResult(subject=subject, as_of=as_of, ruleset="default@2026.1", score=score,
                        grade=grade, reasons=extra.pop("reasons", ()),
                        measures=extra.pop("measures", ()), **extra)


def populate(session: Session, today: date) -> Population:
    """Three enterprises, two persons, stored grades and announcements."""
    graded_on = today - timedelta(days=20)
    decided_on = today - timedelta(days=40)
    p = Population(
        today=today, wok=uscc("91310000MA1K4A8Q2"), bakery=uscc("91310000MA1K4A8Q3"),
        canteen=uscc("12310000MB2C1D3E4"),
        listed=Resident("p0a1b2c3d4e5f60718293a4b5c6d7e8f", "王大明", id_number("62090219800101123")),
        unlisted=Resident("p9f8e7d6c5b4a3928170f6e5d4c3b2a1", "李四", id_number("11010519491231002")),
        listing_from=decided_on, listing_until=add_years(decided_on, 3))
    session.add_all([
        EnterpriseRow(uscc=p.wok, name="金锅餐饮有限公司", category="catering", district="黄浦区"),
        EnterpriseRow(uscc=p.bakery, name="麦香食品商店", category="retail", district="静安区"),
        EnterpriseRow(uscc=p.canteen, name="第一实验小学食堂", category="canteen", district="徐汇区"),
        sealed_person_row(session, p.listed.opaque_id, p.listed.id_number, p.listed.name),
        sealed_person_row(session, p.unlisted.opaque_id, p.unlisted.id_number, p.unlisted.name),
    ])
    session.flush()
    session.add_all([
        RoleRow(uscc=p.wok, person_id=p.listed.opaque_id, role="principal",
                from_on=today - timedelta(days=400)),
        RoleRow(uscc=p.bakery, person_id=p.unlisted.opaque_id, role="legal_representative",
                from_on=today - timedelta(days=400)),
        RecordRow(id=501, external_id="conv-501", person_id=p.listed.opaque_id, kind="conviction",
                  occurred_on=decided_on, details={"imprisonment": False, "case_no": "(2026)沪01刑初1号"},
                  content_hash="c501", received_by="seed"),
    ])
    session.flush()
    _grade_all(session, p, graded_on)
    return p


def _grade_all(session: Session, p: Population, graded_on: date) -> None:
    calendar = official_calendar()
    wok, listed = SubjectRef("enterprise", p.wok), SubjectRef("person", p.listed.opaque_id)
    unlisted = SubjectRef("person", p.unlisted.opaque_id)
    measures = (
        Measure("LIC-EMPLOYS-BANNED", "restriction", "licensing", "聘用被禁止人员，不予办理食品经营许可 / employs a banned person",
                "食品安全法第135条", graded_on, None, ("OVR-EMPLOYS-BANNED",)),
        Measure("FIN-RESTRICT", "restriction", "financing", "限制融资授信", "2016年联合惩戒备忘录",
                graded_on, None, ("GRADE-D",)),
        Measure("OLD-EXPIRED", "restriction", "procurement", "已经到期的措施", "—",
                graded_on - timedelta(days=400), graded_on - timedelta(days=1), ("X",)),
    )
    wok_result = _result(wok, graded_on, "D", 85, measures=measures,
                         reasons=(Reason("OVR-EMPLOYS-BANNED", 0, (501,), "食品安全法第135条",
                                         WOK_REASON_TEXT),),
                         hygiene_rating=HygieneRating("fair", Decimal("6.5"), "近12个月动态评分平均6.5分"))
    before = _result(wok, graded_on - timedelta(days=60), "B", 85)
    _store(session, before)
    _store(session, wok_result)
    _store(session, _result(SubjectRef("enterprise", p.bakery), graded_on, "A", 96,
                            reasons=(Reason("BON-CERT", 3, (), "—", "取得HACCP认证，加3分"),)))
    _store(session, _result(SubjectRef("enterprise", p.canteen), graded_on, "B", 88,
                            hygiene_rating=HygieneRating("good", Decimal("8.1"), "近12个月动态评分平均8.1分")))
    listed_result = _result(listed, graded_on, "D", 100, listed_until=p.listing_until,
                            listing_record_ids=(501,),
                            reasons=(Reason("OVR-LISTED", 0, (501,), "Order 44", "因食品安全犯罪被判刑，列入严重违法失信名单"),))
    _store(session, listed_result)
    unlisted_before = _result(unlisted, graded_on - timedelta(days=60), "A", 95)
    unlisted_now = _result(unlisted, graded_on, "C", 70)
    _store(session, unlisted_before)
    _store(session, unlisted_now)
    session.flush()
    publish_announcements(session, wok, before.grade, wok_result, graded_on, "seed", calendar=calendar)
    publish_announcements(session, listed, None, listed_result, graded_on, "seed", calendar=calendar)
    publish_announcements(session, unlisted, unlisted_before.grade, unlisted_now, graded_on, "seed",
                          calendar=calendar)
    session.flush()


def populate_graded(session: Session, registry: object, today: date) -> Population:
    """The same people and enterprises, graded by the real engine from records."""
    from credit_engine.services.grading import regrade_subjects

    decided_on = today - timedelta(days=40)
    p = Population(
        today=today, wok=uscc("91310000MA1K4A8Q2"), bakery=uscc("91310000MA1K4A8Q3"),
        canteen=uscc("12310000MB2C1D3E4"),
        listed=Resident("p0a1b2c3d4e5f60718293a4b5c6d7e8f", "王大明", id_number("62090219800101123")),
        unlisted=Resident("p9f8e7d6c5b4a3928170f6e5d4c3b2a1", "李四", id_number("11010519491231002")),
        listing_from=decided_on, listing_until=add_years(decided_on, 3))
    session.add_all([
        EnterpriseRow(uscc=p.wok, name="金锅餐饮有限公司", category="catering", district="黄浦区",
                      licensed_on=date(2015, 1, 1)),
        EnterpriseRow(uscc=p.bakery, name="麦香食品商店", category="retail", district="静安区",
                      licensed_on=date(2015, 1, 1)),
        EnterpriseRow(uscc=p.canteen, name="第一实验小学食堂", category="canteen", district="徐汇区",
                      licensed_on=date(2015, 1, 1)),
        sealed_person_row(session, p.listed.opaque_id, p.listed.id_number, p.listed.name),
        sealed_person_row(session, p.unlisted.opaque_id, p.unlisted.id_number, p.unlisted.name),
    ])
    session.flush()
    inspected = {"result": "compliant", "key_items_failed": 0, "general_items_failed": 0,
                 "refused": False, "items_checked": 10, "points_total": 85}
    session.add_all([
        RoleRow(uscc=p.wok, person_id=p.listed.opaque_id, role="principal",
                from_on=today - timedelta(days=400)),
        RoleRow(uscc=p.bakery, person_id=p.unlisted.opaque_id, role="legal_representative",
                from_on=today - timedelta(days=400)),
        RecordRow(external_id="conv-1", person_id=p.listed.opaque_id, kind="conviction",
                  occurred_on=decided_on, details={"imprisonment": True, "case_no": "(2026)沪01刑初1号"},
                  content_hash="c1", received_by="seed"),
        *[RecordRow(external_id=f"insp-{u}", enterprise_uscc=u, kind="inspection",
                    occurred_on=today - timedelta(days=100), details=inspected,
                    content_hash=f"i-{u}", received_by="seed") for u in (p.wok, p.bakery, p.canteen)],
    ])
    session.flush()
    subjects = [SubjectRef("enterprise", u) for u in (p.wok, p.bakery, p.canteen)] + [
        SubjectRef("person", p.listed.opaque_id), SubjectRef("person", p.unlisted.opaque_id)]
    for as_of in (today - timedelta(days=60), today - timedelta(days=20)):
        regrade_subjects(session, registry, subjects, as_of, "seed",  # type: ignore[arg-type]
                         calendar=official_calendar())
    return p
