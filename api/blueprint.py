"""The blueprint class every API module uses: unknown query parameters are refused, and
every operation is named.

webargs excludes unknown query-string fields by default, so a misspelt `?as_off=` would
silently answer for today; with `unknown=None` each schema's own `unknown` applies (RAISE
for the authenticated API, EXCLUDE where a public schema chooses it)."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any, TypeVar

import flask
from flask_smorest import Blueprint as SmorestBlueprint
from marshmallow import Schema, ValidationError
from webargs.flaskparser import FlaskParser

F = TypeVar("F", bound=Callable[..., Any])
OPERATION_ID = re.compile(r"[a-z][a-zA-Z0-9]*")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


class QueryParser(FlaskParser):
    """A declared query parameter given twice (`?cursor=a&cursor=b`) is 422 naming it,
    unless its field takes a list: webargs would silently keep the first value."""

    def load_querystring(self, req: flask.Request, schema: Schema) -> Any:
        proxy = super().load_querystring(req, schema)
        declared = {field.data_key or name for name, field in schema.fields.items()}
        repeated = sorted(key for key in req.args if key in declared
                          and key not in proxy.multiple_keys and len(req.args.getlist(key)) > 1)
        if repeated:
            raise ValidationError({key: ["Give this parameter once."] for key in repeated})
        return proxy


class Blueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = QueryParser(unknown=None)

    def operation(self, operation_id: str, summary: str) -> Callable[[F], F]:
        """Decorator: the operation's stable lowerCamelCase `operationId` and Chinese
        `summary`; the view's docstring stays its English `description`."""
        if not OPERATION_ID.fullmatch(operation_id):
            raise ValueError(f"operationId {operation_id!r} is not lowerCamelCase")
        if not CHINESE.search(summary):
            raise ValueError(f"the summary of {operation_id} must be Chinese: {summary!r}")

        def decorator(view: F) -> F:
            description = inspect.getdoc(view) or ""
            documented: F = self.doc(operationId=operation_id, summary=summary,
                                     description=description)(view)
            return documented

        return decorator
