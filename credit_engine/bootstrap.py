"""The one composition root shared by the API, the CLI and the scheduler."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from credit_engine.config import Settings
from credit_engine.storage import unit_of_work

if TYPE_CHECKING:
    from credit_engine.domain.working_days import WorkingDayCalendar
    from credit_engine.storage.personal_data import PersonalDataKeys

T = TypeVar("T")


@dataclass
class Container:
    """Settings, the database engine, the session factory and the loaded rulesets."""

    settings: Settings

    @cached_property
    def engine(self) -> Engine:
        from credit_engine.storage.database import make_engine

        return make_engine(self.settings.database_url)

    @cached_property
    def personal_data(self) -> PersonalDataKeys:
        """The data keys for ID numbers and names, loaded on first use."""
        from credit_engine.storage.personal_data import PersonalDataKeys

        return PersonalDataKeys.for_database(self.settings.data_key_file,
                                             self.settings.database_url)

    @cached_property
    def session_factory(self) -> sessionmaker[Session]:
        from credit_engine.storage.personal_data import SESSION_INFO_KEY

        # Sessions carry the data keys: the persons repository encrypts and decrypts.
        return sessionmaker(self.engine, expire_on_commit=False,
                            info={SESSION_INFO_KEY: self.personal_data})

    @cached_property
    def rulesets(self):  # type: ignore[no-untyped-def]
        from credit_engine.rules import RulesetRegistry

        return RulesetRegistry.load_dir(self.settings.rulesets_dir)

    @cached_property
    def calendar(self) -> WorkingDayCalendar:
        """Working days: shipped schedules plus the local holidays file (read once)."""
        from credit_engine.calendars.schedules import calendar_for

        return calendar_for(self.settings.holidays_file)

    @contextmanager
    def transaction(self, *, lock_now: bool = False,
                    wait_for_lock: bool = False) -> Iterator[Session]:
        """One use case, one transaction: committed on success, rolled back on any error
        (`storage/unit_of_work.transaction` on this container's database)."""
        with unit_of_work.transaction(self.session_factory, lock_now=lock_now,
                                      wait_for_lock=wait_for_lock) as session:
            yield session

    def run(self, use_case: Callable[[Session], T]) -> T:
        """Run `use_case` in one transaction, again if a concurrent writer forked the audit
        chain (`storage/unit_of_work.run_in_transaction`)."""
        return unit_of_work.run_in_transaction(self.session_factory, use_case)


def bootstrap(settings: Settings | None = None) -> Container:
    """Build the container from `settings` or from the environment."""
    return Container(settings or Settings.from_env())
