"""One transaction per use case: commit explicitly, roll back otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker


class UnitOfWork:
    """The session of one use case; nothing is kept unless `commit()` is called."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def commit(self) -> None:
        """Commit the use case's changes."""
        self.session.commit()

    def rollback(self) -> None:
        """Discard the use case's changes."""
        self.session.rollback()


@contextmanager
def unit_of_work(session_factory: sessionmaker[Session]) -> Iterator[UnitOfWork]:
    """Open a session for one use case; roll back whatever was not committed."""
    session = session_factory()
    try:
        yield UnitOfWork(session)
    finally:
        session.close()  # closing rolls back an uncommitted transaction
