"""The one composition root shared by the API, the CLI and the scheduler."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from credit_engine.config import Settings

if TYPE_CHECKING:
    from credit_engine.domain.working_days import WorkingDayCalendar


@dataclass
class Container:
    """Settings, the database engine, the session factory and the loaded rulesets."""

    settings: Settings

    @cached_property
    def engine(self) -> Engine:
        from credit_engine.storage.database import make_engine

        return make_engine(self.settings.database_url)

    @cached_property
    def session_factory(self) -> sessionmaker[Session]:
        return sessionmaker(self.engine, expire_on_commit=False)

    @cached_property
    def rulesets(self):  # type: ignore[no-untyped-def]
        from credit_engine.rules import RulesetRegistry

        return RulesetRegistry.load_dir(self.settings.rulesets_dir)

    @cached_property
    def calendar(self) -> WorkingDayCalendar:
        """Working days: shipped schedules plus the local holidays file (read once)."""
        from credit_engine.domain.working_days import calendar_for

        return calendar_for(self.settings.holidays_file)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One use case, one transaction: committed on success, rolled back on any error."""
        with self.session_factory.begin() as session:
            yield session


def bootstrap(settings: Settings | None = None) -> Container:
    """Build the container from `settings` or from the environment."""
    return Container(settings or Settings.from_env())
