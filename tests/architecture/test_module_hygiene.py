"""Modules stay small, and only the settings read the environment (docs/contributing.md)."""

from __future__ import annotations

import ast

from project_imports import MIGRATION_VERSIONS, SourceModule, project_modules

MAX_LINES = 300
ENVIRONMENT_READER = "credit_engine.config"
ENVIRONMENT_NAMES = frozenset({"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"})


def _line_count(module: SourceModule) -> int:
    return len(module.path.read_text(encoding="utf-8").splitlines())


def test_no_module_is_over_300_lines() -> None:
    too_long = {module.relative_path: _line_count(module)
                for module in project_modules().values()
                if MIGRATION_VERSIONS not in module.path.parents
                and _line_count(module) > MAX_LINES}
    assert too_long == {}


def environment_reads(tree: ast.Module) -> list[int]:
    """Lines that touch the process environment through `os` (any alias, any import form)."""
    os_names = {"os"}
    lines: list[int] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            os_names.update(alias.asname or alias.name for alias in node.names
                            if alias.name == "os")
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            lines.extend(node.lineno for alias in node.names if alias.name in ENVIRONMENT_NAMES)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and node.attr in ENVIRONMENT_NAMES
                and isinstance(node.value, ast.Name) and node.value.id in os_names):
            lines.append(node.lineno)
    return sorted(set(lines))


def test_only_the_settings_read_the_environment() -> None:
    readers = {module.relative_path: environment_reads(module.tree())
               for module in project_modules().values() if module.name != ENVIRONMENT_READER}
    assert {path: lines for path, lines in readers.items() if lines} == {}


def test_the_environment_check_sees_every_form() -> None:
    source = ("import os\nimport os as system\nfrom os import getenv\n"
              "a = os.environ['X']\nb = system.getenv('Y')\nc = os.path.join('p')\n")
    assert environment_reads(ast.parse(source)) == [3, 4, 5]
