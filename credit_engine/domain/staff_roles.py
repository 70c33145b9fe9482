"""What a member of the office's staff may do: the closed set of roles of the workbench.

Roles are ranked: each includes what the ones before it may do (a supervisor may do what a
reviewer and a clerk may). `admin` also manages accounts and sees ID numbers unmasked.
"""

from __future__ import annotations

from enum import StrEnum


class StaffRole(StrEnum):
    """A staff account's role (docs/office.md, Roles)."""

    CLERK = "clerk"  # enters and corrects records, reads subjects
    REVIEWER = "reviewer"  # also decides objections and repair applications
    SUPERVISOR = "supervisor"  # also revokes records
    ADMIN = "admin"  # also manages staff accounts; sees ID numbers unmasked


STAFF_ROLE_NAMES = tuple(role.value for role in StaffRole)
_RANK = {role: rank for rank, role in enumerate(StaffRole)}


def role_allows(role: str, needed: StaffRole) -> bool:
    """True when `role` is `needed` or ranks above it."""
    try:
        return _RANK[StaffRole(role)] >= _RANK[needed]
    except ValueError:
        return False


def actor_of(username: str) -> str:
    """How a staff member's actions are named in the audit log."""
    return f"user:{username}"
