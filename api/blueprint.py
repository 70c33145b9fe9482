"""The blueprint class every API module uses: unknown query parameters are refused.

webargs excludes unknown query-string fields by default, so a misspelt `?as_off=` would
silently answer for today; with `unknown=None` each schema's own `unknown` applies (RAISE
for the authenticated API, EXCLUDE where a public schema chooses it)."""

from __future__ import annotations

from flask_smorest import Blueprint as SmorestBlueprint
from webargs.flaskparser import FlaskParser


class Blueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = FlaskParser(unknown=None)


