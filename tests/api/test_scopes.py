"""Scopes are a closed set: views name them as `Scope` members, keys are parsed into them."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from credit_engine.api.auth import require_scope
from credit_engine.domain.scopes import SCOPE_NAMES, Scope, grants
from credit_engine.errors import ValidationFailed
from credit_engine.services.keys import parse_scopes

DOCUMENTED_SCOPES = {"records:write", "records:read", "credit:read", "decisions:read",
                     "announcements:write", "admin"}


def test_the_scopes_are_exactly_the_documented_ones() -> None:
    assert {scope.value for scope in Scope} == DOCUMENTED_SCOPES == SCOPE_NAMES


@pytest.mark.parametrize("not_a_member", ["credit:read", "credit:raed", None, 3])
def test_require_scope_refuses_anything_but_a_member_when_the_view_is_declared(
        not_a_member: object) -> None:
    with pytest.raises(TypeError, match="Scope member"):
        require_scope(not_a_member)  # type: ignore[arg-type]


def test_require_scope_takes_a_member() -> None:
    def view() -> str:
        return "ok"

    wrapped = require_scope(Scope.CREDIT_READ)(view)
    assert wrapped._apidoc["manual_doc"]["x-required-scope"] == "credit:read"  # type: ignore[attr-defined]


def test_parsed_scopes_are_members_sorted_and_deduplicated() -> None:
    parsed = parse_scopes(" records:read,admin , records:read")
    assert parsed == [Scope.ADMIN, Scope.RECORDS_READ]
    assert all(isinstance(scope, Scope) for scope in parsed)


def test_a_scope_outside_the_enum_is_refused_naming_the_valid_ones() -> None:
    with pytest.raises(ValidationFailed) as raised:
        parse_scopes(["credit:raed"])
    message = raised.value.errors["scopes"][0]
    assert "'credit:raed'" in message and all(name in message for name in SCOPE_NAMES)


def test_admin_grants_every_scope_and_others_only_themselves() -> None:
    assert all(grants(frozenset({"admin"}), scope) for scope in Scope)
    assert grants(frozenset({"credit:read"}), Scope.CREDIT_READ)
    assert not grants(frozenset({"credit:read"}), Scope.RECORDS_READ)


def test_every_protected_operation_names_a_known_scope(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    required = [operation["x-required-scope"] for path in spec["paths"].values()
                for operation in path.values()
                if isinstance(operation, dict) and "x-required-scope" in operation]
    assert required and set(required) <= SCOPE_NAMES
    assert set(required) == SCOPE_NAMES  # every scope guards at least one operation
