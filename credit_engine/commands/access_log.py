"""gunicorn's access log without secrets (docs/security.md, Logs).

A key sent by mistake in a URL (`/api/v1/records?key=ce_…`) must not sit in clear in the
log: on /api/v1 the query string is left out of every field that carries it; elsewhere
the values of parameters whose name looks secret (key, token, secret, password,
authorization, signature…) are replaced by `[redacted]`. The Referer keeps no query at
all, and the Authorization and Cookie headers never appear whatever the log format.

`JsonLogger` (the default of `serve`, docs/operations.md) writes gunicorn's error log
and this redacted access log as one JSON object per line; an access line carries the
redacted request line as its message plus its fields and the request's id.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

from gunicorn.glogging import Logger

from credit_engine.logging_setup import (
    REQUEST_ID_ENVIRON, access_fields, sane_request_id, use_format,
)

API_PREFIX = "/api/v1"
REDACTED = "[redacted]"
OMITTED = "[query omitted]"
SECRET_NAME = re.compile(r"key|token|secret|pass|auth|sig|session|cookie|credential", re.I)
# Atoms (gunicorn's names) that would carry a header or environ value in clear.
HIDDEN = ("{authorization}i", "{cookie}i", "{proxy-authorization}i", "{x-api-key}i",
          "{http_authorization}e", "{http_cookie}e", "{http_proxy_authorization}e",
          "{http_x_api_key}e")


def redacted_query(path: str, query: str) -> str:
    """The query string as it may be logged for `path` ('' when there is none)."""
    if not query:
        return ""
    if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
        return OMITTED
    pairs = parse_qsl(query, keep_blank_values=True)
    return "&".join(f"{quote(name, safe='')}={REDACTED if SECRET_NAME.search(name) else quote(value, safe='')}"
                    for name, value in pairs)


def redacted_uri(uri: str) -> str:
    """A request URI (path and query) with its query as `redacted_query` allows."""
    path, _, query = uri.partition("?")
    shown = redacted_query(urlsplit(path).path, query)
    return f"{path}?{shown}" if shown else path


def redacted_referer(referer: str) -> str:
    """The Referer without its query or fragment."""
    if referer in ("", "-"):
        return referer
    parts = urlsplit(referer)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


class RedactingLogger(Logger):  # type: ignore[misc]
    """gunicorn's logger whose access-log atoms carry no query secret and no credential."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any],
              request_time: timedelta) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        path = environ.get("PATH_INFO") or ""
        raw_uri = environ.get("RAW_URI") or path
        atoms["r"] = (f"{environ.get('REQUEST_METHOD')} {redacted_uri(raw_uri)} "
                      f"{environ.get('SERVER_PROTOCOL')}")
        atoms["q"] = redacted_query(path, environ.get("QUERY_STRING") or "")
        atoms["f"] = redacted_referer(atoms.get("f") or "-")
        for name in ("{raw_uri}e", "{request_uri}e"):
            if name in atoms:
                atoms[name] = redacted_uri(str(atoms[name]))
        if "{query_string}e" in atoms:
            atoms["{query_string}e"] = atoms["q"]
        for name in ("{referer}i", "{http_referer}e"):
            if name in atoms:
                atoms[name] = redacted_referer(str(atoms[name]))
        for name in HIDDEN:
            if name in atoms:
                atoms[name] = REDACTED
        return atoms


class JsonLogger(RedactingLogger):
    """The redacting logger writing JSON lines, the access lines with their request id."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                use_format(handler, "json")

    def access(self, resp: Any, req: Any, environ: dict[str, Any],
               request_time: timedelta) -> None:
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        request_id = environ.get(REQUEST_ID_ENVIRON) or sane_request_id(
            environ.get("HTTP_X_REQUEST_ID"))
        try:
            self.access_log.info(self.cfg.access_log_format, self.atoms_wrapper_class(atoms),
                                 extra=access_fields(atoms, request_id))
        except Exception:
            self.exception("could not write the access log line")
