"""One error hierarchy for the whole service; `api/` maps it to problem+json in one place."""

from __future__ import annotations

from typing import Any


class CreditEngineError(Exception):
    """Base class of every error the service raises on purpose."""

    status = 500
    title = "Internal error"
    kind = "internal"  # the API answers with the problem type /problems/<kind>

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class ValidationFailed(CreditEngineError):
    """Input did not validate; `errors` maps field paths to messages."""

    status = 422
    title = "Validation failed"
    kind = "validation"

    def __init__(self, errors: dict[str, Any], detail: str = "The input is not valid.") -> None:
        super().__init__(detail)
        self.errors = errors


class NotFound(CreditEngineError):
    status = 404
    title = "Not found"
    kind = "not-found"


class Conflict(CreditEngineError):
    status = 409
    title = "Conflict"
    kind = "conflict"


class RulesetError(CreditEngineError):
    """A ruleset file is invalid; names the file, the rule id and the reason."""

    title = "Invalid ruleset"

    def __init__(self, path: str, reason: str, rule: str | None = None) -> None:
        where = f"{path}: rule {rule}" if rule else path
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.rule = rule
        self.reason = reason


class EngineError(CreditEngineError):
    """The rule engine failed during an evaluation; never turned into a grade."""

    title = "Rule engine error"


class AuditChainBroken(CreditEngineError):
    title = "Audit chain broken"
