"""What the public lookup (/public/v1/) reads and shows: query arguments and responses."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from credit_engine.validation.fields import IsoDate, Text

MAX_PAGE = 500
DEFAULT_PAGE = 50


def public_as_of() -> IsoDate:
    """`?as_of=`: the date to answer for, default today; a later date is 422 naming as_of."""
    return IsoDate(not_future=True, load_default=None, allow_none=True,
                   metadata={"description": "The date to answer for; default today"})


class PageArgs(Schema):
    class Meta:
        unknown = EXCLUDE  # cache-busting or tracking parameters are ignored, not refused

    limit = fields.Integer(load_default=DEFAULT_PAGE, validate=validate.Range(1, MAX_PAGE),
                           metadata={"description": f"page size, at most {MAX_PAGE}"})
    cursor = fields.String(load_default=None, validate=validate.Length(max=64))
    as_of = public_as_of()


class SearchArgs(PageArgs):
    q = Text(required=True, max_length=100,  # screened: no NUL or control characters
             metadata={"description": "part of an enterprise name, or a USCC (prefix)"})


class AsOfArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    as_of = public_as_of()


class PublicReason(Schema):
    rule = fields.String()
    points = fields.Integer()
    text = fields.String(metadata={"description": "plain Chinese; never names a person"})


class PublicMeasure(Schema):
    code = fields.String()
    kind = fields.String()
    context = fields.String()
    title = fields.String()
    from_ = fields.String(data_key="from", attribute="from", allow_none=True)
    until = fields.String(allow_none=True)


class PublicHygiene(Schema):
    rating = fields.String()
    score = fields.String(allow_none=True)
    reason = fields.String()


class PublicSubject(Schema):
    type = fields.String()
    id = fields.String(metadata={"description": "the USCC; absent for persons"})
    name = fields.String(metadata={"description": "a person's name is masked: 张**"})


class PublicAnnouncement(Schema):
    id = fields.Integer()
    type = fields.String(metadata={"description": "grade_change | listing"})
    subject = fields.Nested(PublicSubject)
    old_grade = fields.String(allow_none=True)
    new_grade = fields.String()
    reasons = fields.List(fields.Nested(PublicReason))
    ruleset = fields.String()
    published_on = fields.String()
    objection_deadline = fields.String()
    objection_deadline_provisional = fields.Boolean(metadata={
        "description": "true: provisional, counted without next year's official holiday "
                       "schedule; it may move later, never earlier"})
    status = fields.String(metadata={"description": "published | under_objection | withdrawn"})
    withdrawn_on = fields.String(allow_none=True)
    listed_until = fields.String(allow_none=True)


class PublicReply(Schema):
    id = fields.Integer()
    uscc = fields.String()
    text = fields.String(metadata={"description": "the enterprise's own words"})
    submitted_on = fields.String()


class EnterpriseHit(Schema):
    uscc = fields.String()
    name = fields.String()
    category = fields.String()
    district = fields.String(allow_none=True)
    grade = fields.String(allow_none=True)
    graded_on = fields.String(allow_none=True)


class EnterprisePage(Schema):
    items = fields.List(fields.Nested(EnterpriseHit))
    next_cursor = fields.String(allow_none=True)


class EnterpriseDetail(EnterpriseHit):
    score = fields.Integer(allow_none=True)
    ruleset = fields.String(allow_none=True)
    reasons = fields.List(fields.Nested(PublicReason))
    measures = fields.List(fields.Nested(PublicMeasure))
    hygiene_rating = fields.Nested(PublicHygiene, allow_none=True,
                                   metadata={"description": "catering and canteens only"})
    announcements = fields.List(fields.Nested(PublicAnnouncement))
    reply = fields.Nested(PublicReply, allow_none=True, metadata={
        "description": "the enterprise's latest reply, until its grade next changes"})


class ListedPerson(Schema):
    name = fields.String(metadata={"description": "masked after the first character"})
    id_number = fields.String(metadata={"description": "first 6 and last 4 characters only"})
    listed_from = fields.String(allow_none=True)
    listed_until = fields.String()


class PersonPage(Schema):
    items = fields.List(fields.Nested(ListedPerson))
    next_cursor = fields.String(allow_none=True)


class AnnouncementPage(Schema):
    items = fields.List(fields.Nested(PublicAnnouncement))
    next_cursor = fields.String(allow_none=True)


class AuditHead(Schema):
    entries = fields.Integer(metadata={"description": "how many entries the audit log held"})
    hash = fields.String(metadata={"description": "sha256 (64 hex digits) of the newest entry; "
                                                  "64 zeros for an empty log"})
    published_on = fields.String(metadata={"description": "the business date it was "
                                                          "published (YYYY-MM-DD)"})
