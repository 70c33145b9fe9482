"""Data flows one way (docs/contributing.md): api/, jobs/ and the CLI call services; the core never
imports them, and only the rules engine module touches durable_rules."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "credit_engine"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _core_modules() -> list[Path]:
    return sorted(p for p in CORE.rglob("*.py") if "migrations" not in p.parts)


def test_core_never_imports_the_api_or_the_jobs() -> None:
    allowed_callers = {CORE / "cli.py"} | set((CORE / "commands").rglob("*.py"))
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            name for name in _imports(path)
            if name.startswith(("credit_engine.api", "credit_engine.jobs")))
        for path in _core_modules() if path not in allowed_callers
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_only_the_rules_package_imports_durable_rules() -> None:
    users = {
        str(path.relative_to(ROOT))
        for path in [*_core_modules(), *(ROOT / "api").rglob("*.py"), *(ROOT / "jobs").rglob("*.py")]
        if any(name.split(".")[0] == "durable" for name in _imports(path))
    }
    assert users and all(user.startswith("credit_engine/rules/") for user in users), users
    assert len(users) == 1, f"durable_rules must stay behind one module, found {sorted(users)}"


def test_the_domain_imports_no_framework() -> None:
    banned = ("flask", "sqlalchemy", "apscheduler", "marshmallow", "durable")
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            name for name in _imports(path) if name.split(".")[0] in banned)
        for path in sorted((CORE / "domain").rglob("*.py"))
    }
    assert {path: names for path, names in offenders.items() if names} == {}
