"""Logs as one JSON object per line (python-json-logger), each with the request id of the
HTTP request it belongs to (docs/operations.md, Metrics and logs).

`request_id_var` holds the id of the request being answered (set by the API's
observability hooks); `RequestIdFilter` copies it onto every record it sees, so an
application log line and gunicorn's access line of one request carry the same id.
"""

from __future__ import annotations

import logging
import re
import sys
from contextvars import ContextVar
from typing import IO, Any

from pythonjsonlogger.json import JsonFormatter

request_id_var: ContextVar[str | None] = ContextVar("credit_engine_request_id", default=None)
REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_ENVIRON = "credit_engine.request_id"  # where gunicorn's access log finds it
# A client's id is kept when it is short and made of safe characters only (nothing that
# could forge a log field or a header): else a new one is made.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@+=-]{0,127}")
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"
TEXT_FORMAT = "%(asctime)s [%(process)d] [%(levelname)s] %(name)s: %(message)s (%(request_id)s)"
_HANDLER_MARK = "_credit_engine_handler"


def sane_request_id(value: str | None) -> str | None:
    """`value` when it may serve as a request id, else None."""
    if value is not None and SANE_REQUEST_ID.fullmatch(value):
        return value
    return None


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (the current request's, or None outside a request) to records
    that do not carry one already."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id_var.get()
        return True


def json_formatter() -> logging.Formatter:
    """One JSON object a record: time, level, logger, process id, message, request id and
    any `extra` fields."""
    return JsonFormatter(JSON_FIELDS, rename_fields={"levelname": "level", "name": "logger",
                                                     "process": "pid", "asctime": "time"},
                         datefmt="%Y-%m-%dT%H:%M:%S%z", json_ensure_ascii=False)


def formatter(log_format: str) -> logging.Formatter:
    """The formatter of `log_format` ("json" or "text")."""
    return json_formatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)


def use_format(handler: logging.Handler, log_format: str) -> None:
    """Format `handler`'s records as `log_format`, with the request id."""
    handler.setFormatter(formatter(log_format))
    if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
        handler.addFilter(RequestIdFilter())


def configure_logging(log_format: str, stream: IO[str] | None = None,
                      level: int = logging.INFO) -> logging.Handler:
    """The root logger writes `log_format` lines to `stream` (stderr); idempotent: the
    handler of an earlier call is replaced."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler(stream or sys.stderr)
    setattr(handler, _HANDLER_MARK, True)
    use_format(handler, log_format)
    root.addHandler(handler)
    root.setLevel(level)
    return handler


def access_fields(atoms: dict[str, Any], request_id: str | None) -> dict[str, Any]:
    """The structured fields of an access-log line from gunicorn's (redacted) atoms."""
    return {"request_id": request_id, "remote_addr": atoms.get("h"),
            "method": atoms.get("m"), "path": atoms.get("U"),
            "query": atoms.get("q") or None, "status": _int(atoms.get("s")),
            "bytes": _int(atoms.get("B")), "duration_ms": round(float(atoms.get("D") or 0)
                                                                / 1000, 3),
            "referer": atoms.get("f"), "user_agent": atoms.get("a")}


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
