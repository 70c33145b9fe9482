"""Which errors are the database's own, not a subject's: worth retrying the transaction."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError


def database_trouble(error: BaseException) -> bool:
    """True when `error` is the database's, not a subject's: unreachable, locked, a
    deadlock, a forked audit chain, a grade another executor stored first. The whole
    transaction is worth retrying; blaming the subject would be wrong."""
    if isinstance(error, (OperationalError, InterfaceError)):
        return True
    if isinstance(error, IntegrityError):
        text = str(error.orig).lower()
        return "prev_hash" in text or "grades" in text
    return False
