"""Rate limits (docs/security.md, Rate limits and proxies): one Flask-Limiter per app on a
storage every worker shares, the client address from trusted proxies only, and the
per-key budget of /api/v1.

The public side is limited per client address (`limit_public` in public_access); /api/v1
per API key name, charged once the key is authenticated (`charge_api_key`, from auth), so
neither a changing address nor an invalid key opens a new budget for a key.
"""

from __future__ import annotations

import math
import time

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many
from werkzeug.middleware.proxy_fix import ProxyFix

from credit_engine.api import rate_limit_storage  # noqa: F401  # registers sqlite://
from credit_engine.api.problems import HttpProblem
from credit_engine.api.runtime import EXTENSION, get_container
from credit_engine.config import Settings

LIMITER = "credit_engine.limiter"
KEY_PREFIX = "credit-engine"
API_KEY_SCOPE = "api-key"


def trust_proxies(app: Flask, settings: Settings) -> None:
    """Take the client address from the last `trusted_proxies` hops of X-Forwarded-For;
    with 0 (the default) the header is ignored and the peer's address counts."""
    if settings.trusted_proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies,  # type: ignore[method-assign]
                                x_proto=0, x_host=0, x_port=0, x_prefix=0)


def limiter_of(app: Flask) -> Limiter:
    """The app's limiter, made on first use on the configured (shared) storage."""
    limiter: Limiter | None = app.extensions.get(LIMITER)
    if limiter is None:
        settings: Settings = app.extensions[EXTENSION].settings
        # Errors of the storage are raised (a 500), never swallowed: nothing fails open.
        limiter = Limiter(get_remote_address, app=app,
                          storage_uri=settings.rate_limit_storage_uri,
                          strategy="fixed-window", headers_enabled=True, default_limits=[],
                          key_prefix=KEY_PREFIX, swallow_errors=False,
                          in_memory_fallback_enabled=False)
        app.extensions[LIMITER] = limiter
    return limiter


def api_limit() -> str:
    """The per-key limit of /api/v1 (Settings.api_rate_limit, overridable in app.config)."""
    return str(current_app.config.get("API_RATE_LIMIT")
               or get_container().settings.api_rate_limit)


def _retry_after(limiter: Limiter, item: RateLimitItem, *identifiers: str) -> int:
    reset = limiter.limiter.get_window_stats(item, *identifiers).reset_time
    return max(1, math.ceil(reset - time.time()))


def charge_api_key(name: str) -> None:
    """Count one request of the key `name`; 429 (rate-limited, Retry-After) over its limit."""
    limiter = limiter_of(current_app)
    identifiers = (KEY_PREFIX, API_KEY_SCOPE, name)
    for item in parse_many(api_limit()):
        if not limiter.limiter.hit(item, *identifiers):
            wait = _retry_after(limiter, item, *identifiers)
            raise HttpProblem(
                429, f"Too many requests with the key '{name}' (limit: {item}). "
                     f"Wait {wait} seconds and try again.",
                {"Retry-After": str(wait)}, kind="rate-limited")
