"""A Python client generated from the served document (openapi-python-client, as integrators
do) works against the service: methods named by operationId, models parsed, problems typed."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from flask import Flask

from credit_engine.api.app import create_app
from credit_engine.bootstrap import Container, bootstrap
from credit_engine.config import Settings
from credit_engine.domain.identifiers import uscc_check_char
from credit_engine.services.keys import create_key
from credit_engine.storage.migrate import upgrade_database

pytestmark = pytest.mark.slow
PACKAGE = "credit_engine_generated_client"
USCC = "91620900" + "631234567"
USCC = USCC + uscc_check_char(USCC)
UNKNOWN_USCC = "91620900" + "631234568"
UNKNOWN_USCC = UNKNOWN_USCC + uscc_check_char(UNKNOWN_USCC)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The client package generated from /openapi.json, imported."""
    where = tmp_path_factory.mktemp("client")
    url = f"sqlite:///{where / 'document.db'}"
    upgrade_database(url)
    container = bootstrap(Settings(database_url=url))
    document = where / "openapi.json"
    document.write_bytes(create_app(container=container).test_client().get("/openapi.json").data)
    container.engine.dispose()
    tools = Path(sys.executable).parent  # the generator runs ruff from PATH on its output
    result = subprocess.run(
        [str(tools / "openapi-python-client"), "generate", "--path", str(document),
         "--meta", "none", "--output-path", str(where / PACKAGE), "--fail-on-warning"],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "PATH": f"{tools}{os.pathsep}{os.environ.get('PATH', '')}"})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    sys.path.insert(0, str(where))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(where))
        for name in [n for n in sys.modules if n.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def _api(name: str) -> Any:
    """A generated operation module, e.g. 'credit.get_enterprise_credit'."""
    return importlib.import_module(f"{PACKAGE}.api.{name}")


def _model(name: str) -> Any:
    return getattr(importlib.import_module(f"{PACKAGE}.models"), name)


@pytest.fixture
def client(generated: ModuleType, container: Container) -> Any:
    with container.transaction() as session:
        key = create_key(session, "generated-client", ["admin"])
    app: Flask = create_app(container=container)
    return generated.AuthenticatedClient(
        base_url="http://service.test", token=key,
        httpx_args={"transport": httpx.WSGITransport(app=app)})


def _penalty(fine: int) -> dict[str, Any]:
    return {"records": [{
        "external_id": "PEN-1", "subject": {"type": "enterprise", "id": USCC},
        "kind": "penalty", "occurred_on": (date.today() - timedelta(days=30)).isoformat(),
        "details": {"decision_no": "SJ-2024-17", "measures": ["fine"], "fine_amount": fine}}]}


def test_a_generated_client_registers_records_and_reads_the_grade(client: Any) -> None:
    created = _api("subjects.put_enterprise").sync_detailed(
        USCC, client=client,
        body=_model("EnterpriseIn").from_dict({"name": "酒泉金锅餐厅", "category": "catering"}))
    assert created.status_code == 201
    assert created.parsed.uscc == USCC
    ingested = _api("records.create_record").sync(
        client=client, body=_model("RecordBatch").from_dict(_penalty(5000)))
    assert [r.status for r in ingested.records] == ["created"]
    credit = _api("credit.get_enterprise_credit").sync(USCC, client=client)
    assert isinstance(credit, _model("Credit"))
    assert credit.grade in {"A", "B", "C", "D"}
    assert any(ingested.records[0].id in reason.record_ids for reason in credit.reasons)


def test_a_generated_client_receives_typed_problems(client: Any) -> None:
    missing = _api("credit.get_enterprise_credit").sync(UNKNOWN_USCC, client=client)
    assert isinstance(missing, _model("Problem"))
    assert missing.type_ == _model("ProblemType").NOT_FOUND
    assert missing.status == 404
    _api("subjects.put_enterprise").sync(
        USCC, client=client,
        body=_model("EnterpriseIn").from_dict({"name": "酒泉金锅餐厅", "category": "catering"}))
    create = _api("records.create_record")
    create.sync(client=client, body=_model("RecordBatch").from_dict(_penalty(5000)))
    conflict = create.sync(client=client, body=_model("RecordBatch").from_dict(_penalty(9000)))
    assert isinstance(conflict, _model("Problem"))
    assert conflict.type_ == _model("ProblemType").CONFLICT
    assert conflict.external_ids == ["PEN-1"]
    kind = _api("problems.get_problem_type").sync(conflict.type_.value.rsplit("/", 1)[1],
                                                  client=client)
    assert kind.status == 409 and kind.action
