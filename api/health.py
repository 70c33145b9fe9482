"""Liveness and readiness probes: no key needed."""

from __future__ import annotations

import logging
from typing import Any

from credit_engine.api.blueprint import Blueprint
from credit_engine.api.problems import HttpProblem
from credit_engine.api.representations import HealthSchema
from credit_engine.api.runtime import get_container
from credit_engine.storage.database import database_problem

blp = Blueprint("health", __name__, description="Probes for load balancers and orchestrators.")
LOG = logging.getLogger("credit_engine.api")


@blp.route("/healthz")
@blp.operation("checkHealth", "存活检查：进程在运行")
@blp.response(200, HealthSchema)
def healthz() -> dict[str, Any]:
    """The process is up."""
    return {"status": "ok"}


@blp.route("/readyz")
@blp.operation("checkReadiness", "就绪检查：数据库可以访问")
@blp.response(200, HealthSchema)
@blp.alt_response(503, response="DEFAULT_ERROR")
def readyz() -> dict[str, Any]:
    """The database answers `SELECT 1`; 503 when it does not."""
    problem = database_problem(get_container().engine)
    if problem:
        LOG.warning("readiness check failed: %s", problem)
        raise HttpProblem(503, "The database is not reachable.")
    return {"status": "ready"}
