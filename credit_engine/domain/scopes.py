"""What an API key may do: the closed set of scopes, checked wherever a scope is named."""

from __future__ import annotations

from enum import StrEnum


class Scope(StrEnum):
    """One permission of an API key; `admin` grants every scope."""

    RECORDS_WRITE = "records:write"
    RECORDS_READ = "records:read"
    CREDIT_READ = "credit:read"
    DECISIONS_READ = "decisions:read"
    ANNOUNCEMENTS_WRITE = "announcements:write"
    ADMIN = "admin"


SCOPE_NAMES = frozenset(scope.value for scope in Scope)


def grants(granted: frozenset[str], scope: Scope) -> bool:
    """True when the scopes `granted` to a key include `scope`, or `admin`."""
    return Scope.ADMIN in granted or scope in granted
