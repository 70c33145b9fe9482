"""Subjects: enterprises (by USCC), persons (by opaque id) and their roles."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from credit_engine.api.blueprint import Blueprint
from sqlalchemy.orm import Session

from credit_engine.api.auth import actor, current_key, require_scope, shown_id_number
from credit_engine.api.runtime import run_use_case
from credit_engine.api.representations import (
    EnterpriseWithRolesSchema, EnterpriseOutSchema, PersonWithRolesSchema, PersonOutSchema,
    RoleOutSchema,
)
from credit_engine.domain.scopes import Scope
from credit_engine.services import subjects
from credit_engine.validation.subjects import EnterpriseInSchema, PersonInSchema, RoleInSchema

blp = Blueprint("subjects", __name__, url_prefix="/api/v1",
                description="Enterprises, persons and roles (records:write, records:read).")


def _created_or_ok(body: Any, created: bool) -> tuple[Any, int]:
    return body, 201 if created else 200


def _enterprise_view(row: subjects.StoredEnterprise,
                     roles: list[subjects.StoredRole]) -> dict[str, Any]:
    view = {name: getattr(row, name) for name in EnterpriseOutSchema().fields}
    return {**view, "roles": roles}


def _person_view(row: subjects.StoredPerson,
                 roles: list[subjects.StoredRole] | None = None) -> dict[str, Any]:
    view = {"id": row.id, "name": row.name, "id_number": shown_id_number(row.id_number)}
    return view if roles is None else {**view, "roles": roles}


@blp.route("/enterprises/<string:uscc>")
class Enterprise(MethodView):
    @blp.operation("getEnterprise", "查询企业及其人员任职")
    @require_scope(Scope.RECORDS_READ)
    @blp.response(200, EnterpriseWithRolesSchema)
    @blp.alt_response(404, response="DEFAULT_ERROR")
    def get(self, uscc: str) -> dict[str, Any]:
        """An enterprise and every role period in it."""
        def use_case(session: Session) -> dict[str, Any]:
            row = subjects.get_enterprise(session, uscc)
            return _enterprise_view(row, subjects.roles_of_enterprise(session, row.uscc))
        return run_use_case(use_case)

    @blp.operation("putEnterprise", "创建或更新企业")
    @require_scope(Scope.RECORDS_WRITE)
    @blp.arguments(EnterpriseInSchema)
    @blp.response(200, EnterpriseOutSchema, description="Updated")
    @blp.alt_response(201, schema=EnterpriseOutSchema, description="Created")
    def put(self, data: dict[str, Any], uscc: str) -> tuple[subjects.StoredEnterprise, int]:
        """Create (201) or replace (200) an enterprise; `uscc` needs a valid check character."""
        row, created = run_use_case(
            lambda session: subjects.upsert_enterprise(session, uscc.upper(), data, actor()))
        return _created_or_ok(row, created)


@blp.route("/persons", methods=["POST"])
@blp.operation("registerPerson", "登记人员（按居民身份证号码）")
@require_scope(Scope.RECORDS_WRITE)
@blp.arguments(PersonInSchema)
@blp.response(200, PersonOutSchema, description="Already known: the same id")
@blp.alt_response(201, schema=PersonOutSchema, description="Registered")
@blp.alt_response(409, response="DEFAULT_ERROR")
def register_person(data: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Register a person by resident ID number; answers the opaque id used everywhere else.
    A known ID number under another name is 409 unless the key has `admin` (a rename)."""
    def use_case(session: Session) -> tuple[dict[str, Any], bool]:
        person_id, created = subjects.register_person(
            session, data, actor(), may_rename=current_key().is_admin)
        return _person_view(subjects.get_person(session, person_id)), created
    body, created = run_use_case(use_case)
    return _created_or_ok(body, created)


@blp.route("/persons/<string:person_id>", methods=["GET"])
@blp.operation("getPerson", "查询人员及其任职")
@require_scope(Scope.RECORDS_READ)
@blp.response(200, PersonWithRolesSchema)
@blp.alt_response(404, response="DEFAULT_ERROR")
def get_person(person_id: str) -> dict[str, Any]:
    """A person by opaque id, with every role held; the ID number is masked unless admin."""
    def use_case(session: Session) -> dict[str, Any]:
        row = subjects.get_person(session, person_id)
        return _person_view(row, subjects.roles_of_person(session, row.id))
    return run_use_case(use_case)


@blp.route("/enterprises/<string:uscc>/roles/<string:person_id>", methods=["PUT"])
@blp.operation("putRole", "设置人员在企业中的任职")
@require_scope(Scope.RECORDS_WRITE)
@blp.arguments(RoleInSchema)
@blp.response(200, RoleOutSchema, description="Period updated (same role and from)")
@blp.alt_response(201, schema=RoleOutSchema, description="Period created")
@blp.alt_response(404, response="DEFAULT_ERROR")
def put_role(data: dict[str, Any], uscc: str, person_id: str) -> tuple[subjects.StoredRole, int]:
    """A person's role in an enterprise from a date, open-ended or until `to`."""
    row, created = run_use_case(
        lambda session: subjects.put_role(session, uscc.upper(), person_id, data, actor()))
    return _created_or_ok(row, created)
