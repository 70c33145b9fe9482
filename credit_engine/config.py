"""Settings from the environment (see docs/api.md, Running)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

DEFAULT_DATABASE_URL = "sqlite:///credit_engine.db"
DEFAULT_TIMEZONE = "Asia/Shanghai"

Clock = Callable[[], datetime]  # the current moment, timezone-aware


def system_clock() -> datetime:
    """The machine's clock, in UTC: the only clock production uses."""
    return datetime.now(timezone.utc)


def fixed_clock(moment: datetime) -> Clock:
    """A clock that always answers `moment` (timezone-aware): for tests and simulations."""
    if moment.tzinfo is None:
        raise ValueError("a fixed clock needs a timezone-aware moment")
    return lambda: moment


def _packaged_rulesets() -> Path:
    """The packaged `rulesets/` folder (installed as credit_engine.rulesets)."""
    import credit_engine.rulesets as pkg

    return Path(next(iter(pkg.__path__)))


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    timezone: str = DEFAULT_TIMEZONE
    rulesets_dir: Path = field(default_factory=_packaged_rulesets)
    holidays_file: Path | None = None
    max_request_bytes: int = 2 * 1024 * 1024
    public_rate_limit: str = "120 per minute"
    rate_limit_storage: str = "memory://"
    # Where "now" comes from. Deliberately not read from the environment: nothing but code
    # (a test, a simulation) can move the production clock.
    clock: Clock = field(default=system_clock, compare=False, repr=False)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Settings":
        """Read CREDIT_ENGINE_* variables; unset ones keep their defaults."""
        env = dict(os.environ if env is None else env)
        kwargs: dict[str, object] = {}
        if url := env.get("CREDIT_ENGINE_DATABASE_URL"):
            kwargs["database_url"] = url
        if tz := env.get("CREDIT_ENGINE_TIMEZONE"):
            ZoneInfo(tz)  # fail early on an unknown zone
            kwargs["timezone"] = tz
        if rs := env.get("CREDIT_ENGINE_RULESETS"):
            kwargs["rulesets_dir"] = Path(rs)
        if hf := env.get("CREDIT_ENGINE_HOLIDAYS_FILE"):
            kwargs["holidays_file"] = Path(hf)
        if rl := env.get("CREDIT_ENGINE_PUBLIC_RATE_LIMIT"):
            kwargs["public_rate_limit"] = rl
        if rls := env.get("CREDIT_ENGINE_RATE_LIMIT_STORAGE"):
            kwargs["rate_limit_storage"] = rls
        return cls(**kwargs)  # type: ignore[arg-type]

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def today(self) -> date:
        """Today in the configured time zone, by `clock`: the default `as_of` everywhere and
        the latest date anything may be computed or stored for."""
        moment = self.clock()
        if moment.tzinfo is None:
            raise ValueError("Settings.clock must return a timezone-aware datetime")
        return moment.astimezone(self.tz).date()

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
