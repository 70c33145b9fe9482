"""Bearer API keys: `require_scope` authenticates, authorises and documents a view."""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from flask import g, request

from credit_engine.api.limiter import charge_api_key
from credit_engine.api.problems import HttpProblem
from credit_engine.api.runtime import get_container
from credit_engine.domain.identifiers import mask_id_number
from credit_engine.domain.scopes import Scope
from credit_engine.services.keys import check_key, has_scope

SECURITY_SCHEME = "bearerAuth"
F = TypeVar("F", bound=Callable[..., Any])
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="credit-engine"'}


@dataclass(frozen=True)
class ApiKey:
    """The caller, as views see it: the key's name (the audit actor) and its scopes."""

    name: str
    scopes: frozenset[str]

    @property
    def is_admin(self) -> bool:
        return Scope.ADMIN in self.scopes


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def authenticate_request(scope: Scope) -> ApiKey:
    """The request's key if it is valid and grants `scope`; 401 or 403 otherwise."""
    token = _bearer_token()
    if token is None:
        raise HttpProblem(401, "A valid API key is required: send 'Authorization: Bearer <key>'.",
                          _CHALLENGE)
    container = get_container()
    settings = container.settings
    now = settings.clock().astimezone(settings.tz)
    with container.transaction() as session:
        checked = check_key(session, token, now, settings.tz)
        row = checked.key
        if row is None:
            raise HttpProblem(401, checked.detail,
                              {**_CHALLENGE, "WWW-Authenticate":
                               'Bearer realm="credit-engine", error="invalid_token"'},
                              **checked.facts)
        key = ApiKey(row.name, row.scope_set)
        allowed = has_scope(row, scope)
    if not allowed:
        raise HttpProblem(403, f"The API key '{key.name}' lacks the scope '{scope}'.")
    return key


def require_scope(scope: Scope) -> Callable[[F], F]:
    """Decorator: the view runs only for a key granting `scope`; sets `g.api_key`.

    Only a `Scope` member is accepted: a plain string (a typo would make the view answer
    403 to every key but admin's) is a TypeError when the module defining the view loads.
    """
    if not isinstance(scope, Scope):
        raise TypeError(f"require_scope takes a Scope member, not {scope!r}")

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            g.api_key = authenticate_request(scope)
            charge_api_key(g.api_key.name)  # the per-key limit of /api/v1: 429 over it
            return view(*args, **kwargs)

        # Documented in the OpenAPI operation: the scheme, the scope and the two refusals.
        apidoc = deepcopy(getattr(view, "_apidoc", {}))
        manual = apidoc.setdefault("manual_doc", {})
        manual["security"] = [{SECURITY_SCHEME: []}]
        manual.setdefault("responses", {}).update({
            401: {"$ref": "#/components/responses/DEFAULT_ERROR"},
            403: {"$ref": "#/components/responses/DEFAULT_ERROR"},
        })
        manual["x-required-scope"] = scope.value
        wrapper._apidoc = apidoc  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


def current_key() -> ApiKey:
    """The authenticated caller of this request."""
    return g.api_key  # type: ignore[no-any-return]


def actor() -> str:
    """The audit actor of this request: the API key's name."""
    return current_key().name


def shown_id_number(number: str) -> str:
    """The ID number in clear for admin keys, masked (first 6, last 4) for everyone else."""
    key = g.get("api_key")
    return number if key is not None and key.is_admin else mask_id_number(number)
