"""The project's import graph, read from the source files with `ast` (nothing is imported).

`api/` and `jobs/` install as `credit_engine.api` and `credit_engine.jobs` (setup.cfg's
package_dir), so they are named that way here. Every import counts: module level, inside a
function (a lazy import is still an arrow) and under `if TYPE_CHECKING:`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE_ROOTS = {"credit_engine": ROOT / "credit_engine", "credit_engine.api": ROOT / "api",
                "credit_engine.jobs": ROOT / "jobs"}
MIGRATION_VERSIONS = ROOT / "credit_engine" / "storage" / "migrations" / "versions"


@dataclass(frozen=True)
class Import:
    """One import statement's target, where it was written."""

    target: str
    line: int


@dataclass(frozen=True)
class SourceModule:
    """A module of the project: its dotted name, its file and what it imports."""

    name: str
    path: Path
    is_package: bool

    @property
    def relative_path(self) -> str:
        return self.path.relative_to(ROOT).as_posix()

    def tree(self) -> ast.Module:
        return _parse(self.path)


@cache
def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _dotted_name(root_name: str, root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([root_name, *parts])


@cache
def project_modules() -> Mapping[str, SourceModule]:
    """Every Python module of credit_engine/, api/ and jobs/ by dotted name."""
    modules: dict[str, SourceModule] = {}
    for root_name, root in SOURCE_ROOTS.items():
        for path in sorted(root.rglob("*.py")):
            name = _dotted_name(root_name, root, path)
            modules[name] = SourceModule(name, path, path.name == "__init__.py")
    return modules


def _resolve_relative(module: SourceModule, node: ast.ImportFrom) -> str:
    package = module.name if module.is_package else module.name.rpartition(".")[0]
    base = package.split(".")
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(module: SourceModule) -> list[Import]:
    """What `module` imports: `from a import b` is `a.b` when that is a project module."""
    known = project_modules()
    found: list[Import] = []
    for node in ast.walk(module.tree()):
        if isinstance(node, ast.Import):
            found.extend(Import(alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve_relative(module, node) if node.level else node.module or ""
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.append(Import(candidate if candidate in known else base, node.lineno))
    return found


def is_under(name: str, prefixes: Iterable[str]) -> bool:
    """True when the dotted `name` is one of `prefixes` or inside one of them."""
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def modules_under(*prefixes: str) -> list[SourceModule]:
    """The project modules inside the packages or modules named by `prefixes`."""
    return [m for name, m in project_modules().items() if is_under(name, prefixes)]


def package_of(name: str) -> str | None:
    """The package-level node of a project module: `credit_engine.<first part>`."""
    parts = name.split(".")
    if parts[0] != "credit_engine" or len(parts) < 2:
        return None
    return ".".join(parts[:2])


def strongly_connected(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of `graph` with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph.get(node, ())):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(components)


def edges_within(graph: Mapping[str, set[str]], component: list[str]) -> Iterator[str]:
    """The arrows that keep `component` a cycle, for a readable failure message."""
    members = set(component)
    for source in component:
        for target in sorted(graph.get(source, set()) & members):
            yield f"{source} -> {target}"
