"""The right to reply: an enterprise's public answer to its grade.

As in the UK food hygiene rating scheme, a business may publish its side of the story
beside its rating. The reply is shown on the public page until the grade next changes: a
reply submitted before the current grade letter took effect answered an earlier grade,
so it is no longer shown. Entered by the office (records:write) and audited.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from credit_engine.errors import NotFound
from credit_engine.services.audit import append_audit
from credit_engine.storage.repositories import replies as stored_replies
from credit_engine.storage.repositories import subjects as stored_subjects
from credit_engine.storage.repositories.replies import StoredReply


def submit_reply(session: Session, uscc: str, text: str, submitted_on: date,
                 actor: str) -> StoredReply:
    """Store and audit a reply of a known enterprise (NotFound otherwise). `submitted_on`
    has been validated as not after today."""
    enterprise = stored_subjects.get_enterprise(session, uscc.strip().upper())
    if enterprise is None:
        raise NotFound("No enterprise with this USCC is known.")
    reply = stored_replies.add_reply(session, enterprise.uscc, text, submitted_on, actor)
    append_audit(session, actor, "reply.submit", f"enterprise:{enterprise.uscc}", {
        "reply_id": reply.id, "submitted_on": submitted_on.isoformat(),
        "characters": len(text)})
    return reply


def shown_reply(session: Session, uscc: str, grade: str | None,
                as_of: date) -> StoredReply | None:
    """The reply the public page shows as of `as_of`: the latest one submitted on or
    before it, unless the grade letter in force (`grade`) took effect after that."""
    reply = stored_replies.latest_reply(session, uscc, as_of)
    if reply is None or grade is None:
        return reply
    since = stored_replies.letter_held_since(session, uscc, grade, as_of)
    return reply if since is None or reply.submitted_on >= since else None


def reply_to_dict(reply: StoredReply | None) -> dict[str, Any] | None:
    """A reply as both the API and the public page show it."""
    if reply is None:
        return None
    return {"id": reply.id, "uscc": reply.uscc, "text": reply.text,
            "submitted_on": reply.submitted_on.isoformat()}
