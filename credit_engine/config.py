"""Settings: every variable the service reads, validated once at start (see docs/api.md,
Running).

`Settings.from_env()` reads the `CREDIT_ENGINE_*` variables; an unset or empty one keeps
its default. A value that is not valid (an unknown time zone, a non-number, a negative
number) raises `InvalidSettings` naming the variable, so every command and the service
stop at start instead of running on a guess. `Settings(...)` built in code (tests,
simulations) reads no environment at all: defaults plus what is passed. The object is
frozen; `settings.replace(field=value)` is a validated copy.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import (
    BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict,
)

from credit_engine import rate_limits

ENV_PREFIX = "CREDIT_ENGINE_"
DEFAULT_DATABASE_URL = "sqlite:///credit_engine.db"
DEFAULT_TIMEZONE = "Asia/Shanghai"
DEFAULT_RUN_LEASE_SECONDS = 15 * 60.0
"""A run whose owner has not sent a heartbeat for this long is taken to be dead (another
machine cannot check its process id). Owners send one after every chunk."""
DEFAULT_DIRTY_MARGIN_SECONDS = 600.0
"""Rows may commit a little after the time stamped on them; reading a few minutes back
regrades some subjects twice over two nights, which is harmless, and misses none."""

Clock = Callable[[], datetime]  # the current moment, timezone-aware


class InvalidSettings(ValueError):
    """A CREDIT_ENGINE_* value is not valid; the message names the variable."""


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


# Fields whose variable is not the prefix plus the field's name; `clock` has none.
_RENAMED = {"rulesets_dir": ENV_PREFIX + "RULESETS"}
_NOT_FROM_ENV = frozenset({"clock"})


def variable_name(field: str) -> str:
    """The environment variable of a settings field: `run_lease_seconds` ->
    `CREDIT_ENGINE_RUN_LEASE_SECONDS`."""
    return _RENAMED.get(field, ENV_PREFIX + field.upper())


class _MappingEnvSource(EnvSettingsSource):
    """The environment source over a given mapping instead of `os.environ`."""

    def __init__(self, settings_cls: type[BaseSettings], env: Mapping[str, str]) -> None:
        self._mapping = {k: v for k, v in env.items() if k.startswith(ENV_PREFIX)}
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        found = {k.lower(): v for k, v in self._mapping.items() if v != ""}
        for field, variable in _RENAMED.items():
            found.pop(variable_name(field).lower() + "_dir", None)  # only the documented name
            if (value := found.get(variable.lower())) is not None:
                found[(ENV_PREFIX + field).lower()] = value
        return found


class Settings(BaseSettings):
    """The service's configuration and its clock."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_ignore_empty=True,
                                      frozen=True, extra="ignore", validate_default=True)

    database_url: str = DEFAULT_DATABASE_URL
    timezone: str = DEFAULT_TIMEZONE
    rulesets_dir: Path = Field(default_factory=_packaged_rulesets)
    holidays_file: Path | None = None
    max_request_bytes: int = Field(default=2 * 1024 * 1024, gt=0)
    public_rate_limit: str = Field(default="120 per minute", min_length=1)
    api_rate_limit: str = Field(default="6000 per minute", min_length=1)
    rate_limit_storage: str | None = None  # None: rate_limits.default_storage(database_url)
    trusted_proxies: int = Field(default=0, ge=0, le=rate_limits.MAX_TRUSTED_PROXIES)
    run_lease_seconds: float = Field(default=DEFAULT_RUN_LEASE_SECONDS, gt=0,
                                     allow_inf_nan=False)
    dirty_margin_seconds: float = Field(default=DEFAULT_DIRTY_MARGIN_SECONDS, ge=0,
                                        allow_inf_nan=False)
    regrade_pause_seconds: float = Field(default=0.0, ge=0, allow_inf_nan=False)
    regrade_workers: int | None = Field(default=None, ge=1)  # None: every core
    # Distributed regrade runs (docs/distributed-regrade.md): the Redis broker of the Celery
    # executor, which executor runs chunks, and how long a chunk's task may stay unacknowledged
    # before the broker hands it to another worker (longer than a chunk ever takes).
    broker_url: str | None = None
    executor: Literal["local", "celery"] = "local"
    celery_visibility_seconds: float = Field(default=300.0, gt=0, allow_inf_nan=False)
    # The personal-data key file (storage/personal_data.py). Required on PostgreSQL; the
    # embedded SQLite default keeps one beside its database file when this is unset.
    data_key_file: Path | None = None
    # Metrics and logs (docs/operations.md): /metrics only when on; non-web processes
    # (the scheduler) export theirs on metrics_host:metrics_port when a port is set.
    metrics: bool = False
    metrics_host: str = Field(default="127.0.0.1", min_length=1)
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    log_format: Literal["json", "text"] = "json"
    # The office workbench (docs/office.md): a session ends after this many idle hours, and
    # its cookie is Secure on https requests ("auto": TLS at the service, or X-Forwarded-Proto
    # https from a trusted proxy), on every request ("always") or never ("never").
    office_idle_hours: float = Field(default=8.0, gt=0, le=24 * 30, allow_inf_nan=False)
    office_cookie_secure: Literal["auto", "always", "never"] = "auto"
    # Webhooks of the change feed (docs/change-feed-and-webhooks.md): each POST's timeout and
    # the retry backoff (first delay, cap; with jitter).
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=300, allow_inf_nan=False)
    webhook_retry_base_seconds: float = Field(default=5.0, gt=0, allow_inf_nan=False)
    webhook_retry_max_seconds: float = Field(default=3600.0, gt=0, allow_inf_nan=False)
    # Where "now" comes from. Deliberately not read from the environment: nothing but code
    # (a test, a simulation) can move the production clock.
    clock: Clock = Field(default=system_clock, exclude=True, repr=False)

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings],
                                   init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Only what code passes: the environment is read by `from_env` alone."""
        return (init_settings,)

    @field_validator("public_rate_limit", "api_rate_limit")
    @classmethod
    def _rate_limit(cls, value: str) -> str:
        return rate_limits.checked_limit(value)

    @field_validator("rate_limit_storage")
    @classmethod
    def _rate_limit_storage(cls, value: str | None) -> str | None:
        return None if value is None else rate_limits.checked_storage(value)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a known time zone") from None
        return value

    @field_validator("broker_url")
    @classmethod
    def _redis_broker(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://")):
            raise ValueError("the broker must be a redis:// or rediss:// URL")
        return value

    @field_validator("executor")
    @classmethod
    def _executor_has_broker(cls, value: str, info: ValidationInfo) -> str:
        if value == "celery" and not info.data.get("broker_url"):
            raise ValueError(f"the celery executor needs {ENV_PREFIX}BROKER_URL (a redis:// URL)")
        return value

    @field_validator("data_key_file")
    @classmethod
    def _usable_key_file(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        url = str(info.data.get("database_url", ""))
        if value is None and url and not url.startswith("sqlite"):
            raise ValueError("a data key file is required for a database other than the "
                             "embedded SQLite file (docs/security.md)")
        if value is not None and not value.is_file():
            raise ValueError(f"{value} is not a file (create one: credit-engine data-key "
                             "create --file PATH)")
        return value

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read CREDIT_ENGINE_* variables; unset or empty ones keep their defaults."""
        source = _MappingEnvSource(cls, os.environ if env is None else env)
        values = {name: value for name, value in source().items()
                  if name in cls.model_fields and name not in _NOT_FROM_ENV}
        return cls._validated(values)

    @classmethod
    def _validated(cls, values: dict[str, Any]) -> Settings:
        try:
            return cls(**values)
        except ValidationError as error:
            problems = "; ".join(
                f"{variable_name(str(e['loc'][0])) if e['loc'] else ENV_PREFIX + '*'}: "
                f"{e['msg']} (got {e.get('input')!r})" for e in error.errors())
            raise InvalidSettings(f"invalid settings: {problems}") from None

    def replace(self, **changes: Any) -> Settings:
        """A validated copy with `changes` applied (the clock included)."""
        current = {name: getattr(self, name) for name in type(self).model_fields}
        return type(self)._validated({**current, **changes})

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

    @property
    def rate_limit_storage_uri(self) -> str:
        """Where the rate-limit counters live: the configured storage, else one every
        worker of this machine shares (a file beside an SQLite database)."""
        return self.rate_limit_storage or rate_limits.default_storage(self.database_url)

    @property
    def run_lease(self) -> timedelta:
        """How long a run's owner may go without a heartbeat before it counts as dead."""
        return timedelta(seconds=self.run_lease_seconds)

    @property
    def dirty_margin(self) -> timedelta:
        """How far before a watermark an incremental regrade looks for changes."""
        return timedelta(seconds=self.dirty_margin_seconds)
