"""Builders of CreditResults for announcement tests (plain data, no grading)."""

from datetime import date

from credit_engine.domain.model import CreditResult, Reason, SubjectRef
from credit_engine.calendars.schedules import official_calendar
from credit_engine.services.announcements import publish_announcements
from credit_engine.storage.models import AnnouncementRow, EnterpriseRow, RecordRow

SHOP = SubjectRef("enterprise", "91310000MA1FL8XQ37")


def result(grade: str, as_of: date, *, score: int = 80, listed_until: date | None = None,
           listing_ids: tuple[int, ...] = (), reasons: tuple[Reason, ...] = (),
           subject: SubjectRef = SHOP) -> CreditResult:
    return CreditResult(subject=subject, as_of=as_of, ruleset="default@1", score=score,
                        grade=grade, reasons=reasons, measures=(), listed_until=listed_until,
                        listing_record_ids=listing_ids)


SUSPENSION = Reason("PEN-SUSPENSION", -30, (7,), "Food Safety Law Art 134", "停业整顿处罚，扣30分")


def publish_suspension_announcement(session, published: date) -> AnnouncementRow:
    """A B->D announcement of SHOP resting on penalty record 7 (a suspension)."""
    session.add(EnterpriseRow(uscc=SHOP.id, name="示例餐饮有限公司", category="catering"))
    session.add(RecordRow(id=7, external_id="pen-7", enterprise_uscc=SHOP.id, kind="penalty",
                          occurred_on=date(2026, 2, 20), details={"decision_no": "X-7",
                          "measures": ["suspension"]}, content_hash="h7", received_by="t"))
    session.flush()
    [row] = publish_announcements(session, SHOP, "B",
                                  result("D", published, reasons=(SUSPENSION,)), published,
                                  "tester", calendar=official_calendar())
    return row
