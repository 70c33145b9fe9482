"""API keys: shown once, stored hashed, scoped, revocable, audited."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from credit_engine.errors import Conflict, NotFound, ValidationFailed
from credit_engine.services.keys import (
    authenticate, create_key, has_scope, list_keys, revoke_key,
)
from credit_engine.storage.models import ApiKeyRow, AuditRow


def _create(container, name="licensing-desk", scopes="records:read,credit:read") -> str:
    with container.transaction() as session:
        return create_key(session, name, scopes)


def _authenticate(container, key):
    with container.session_factory() as session:
        return authenticate(session, key)


def test_a_new_key_has_the_ce_prefix_secret_form(container):
    assert re.fullmatch(r"ce_[0-9a-f]{8}_[A-Za-z0-9_-]{43}", _create(container))


def test_a_new_key_authenticates_as_its_name_with_its_scopes(container):
    row = _authenticate(container, _create(container))
    assert (row.name, row.scope_set) == ("licensing-desk", {"records:read", "credit:read"})


def test_only_the_sha256_of_the_key_and_its_prefix_are_stored(container):
    key = _create(container)
    with container.session_factory() as session:
        row = session.scalar(select(ApiKeyRow))
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert row.prefix == key.split("_")[1]
    assert key not in (row.name, row.scopes, row.key_hash)


def test_a_wrong_secret_with_a_real_prefix_does_not_authenticate(container):
    key = _create(container)
    forged = key[:-1] + ("A" if key[-1] != "A" else "B")
    assert _authenticate(container, forged) is None


@pytest.mark.parametrize("key", ["", "Bearer x", "ce_zz_secret", "ce_0123abcd_short"])
def test_malformed_keys_do_not_authenticate(container, key):
    assert _authenticate(container, key) is None


def test_a_revoked_key_no_longer_authenticates(container):
    key = _create(container)
    with container.transaction() as session:
        revoke_key(session, "licensing-desk")
    assert _authenticate(container, key) is None


def test_a_scope_is_granted_only_when_listed(container):
    row = _authenticate(container, _create(container))
    assert (has_scope(row, "credit:read"), has_scope(row, "records:write")) == (True, False)


def test_admin_implies_every_scope(container):
    row = _authenticate(container, _create(container, "ops", "admin"))
    scopes = ["records:write", "records:read", "credit:read", "decisions:read",
              "announcements:write", "admin"]
    assert all(has_scope(row, s) for s in scopes)


def test_an_unknown_scope_is_rejected_naming_it(container):
    with pytest.raises(ValidationFailed) as raised, container.transaction() as session:
        create_key(session, "x", "records:read,records:delete")
    assert "records:delete" in raised.value.errors["scopes"][0]


def test_a_key_needs_at_least_one_scope(container):
    with pytest.raises(ValidationFailed) as raised, container.transaction() as session:
        create_key(session, "x", " , ")
    assert "scopes" in raised.value.errors


@pytest.mark.parametrize("name", ["", " x", "a" * 101, "has space", "名字"])
def test_an_invalid_name_is_rejected(container, name):
    with pytest.raises(ValidationFailed) as raised, container.transaction() as session:
        create_key(session, name, "admin")
    assert "name" in raised.value.errors


def test_a_second_key_with_the_same_name_is_a_conflict(container):
    _create(container)
    with pytest.raises(Conflict), container.transaction() as session:
        create_key(session, "licensing-desk", "admin")


def test_revoking_an_unknown_key_is_not_found(container):
    with pytest.raises(NotFound), container.transaction() as session:
        revoke_key(session, "nobody")


def test_revoking_twice_is_a_conflict(container):
    _create(container)
    with container.transaction() as session:
        revoke_key(session, "licensing-desk")
    with pytest.raises(Conflict), container.transaction() as session:
        revoke_key(session, "licensing-desk")


def test_keys_are_listed_by_name_with_revoked_ones(container):
    _create(container, "b-system")
    _create(container, "a-system")
    with container.transaction() as session:
        revoke_key(session, "b-system")
    with container.session_factory() as session:
        listed = [(r.name, r.revoked_at is not None) for r in list_keys(session)]
    assert listed == [("a-system", False), ("b-system", True)]


def test_creating_and_revoking_a_key_are_audited_without_the_key(container):
    key = _create(container)
    with container.transaction() as session:
        revoke_key(session, "licensing-desk", actor="admin-user")
    with container.session_factory() as session:
        entries = session.scalars(select(AuditRow).order_by(AuditRow.id)).all()
    assert [(e.actor, e.action, e.target) for e in entries] == [
        ("cli", "api_key.create", "api_key:licensing-desk"),
        ("admin-user", "api_key.revoke", "api_key:licensing-desk"),
    ]
    assert entries[0].payload["scopes"] == ["credit:read", "records:read"]
    assert key.split("_", 2)[2] not in str([e.payload for e in entries])
