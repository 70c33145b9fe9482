"""Builders of CreditResults for announcement tests (plain data, no grading)."""

from datetime import date

from credit_engine.domain.model import CreditResult, Reason, SubjectRef

SHOP = SubjectRef("enterprise", "91310000MA1FL8XQ37")


def result(grade: str, as_of: date, *, score: int = 80, listed_until: date | None = None,
           listing_ids: tuple[int, ...] = (), reasons: tuple[Reason, ...] = (),
           subject: SubjectRef = SHOP) -> CreditResult:
    return CreditResult(subject=subject, as_of=as_of, ruleset="default@1", score=score,
                        grade=grade, reasons=reasons, measures=(), listed_until=listed_until,
                        listing_record_ids=listing_ids)


SUSPENSION = Reason("PEN-SUSPENSION", -30, (7,), "Food Safety Law Art 134", "停业整顿处罚，扣30分")
