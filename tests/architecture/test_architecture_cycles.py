"""No import cycles: none between the project's packages, none between the modules of api/.

A package here is `credit_engine.<first part>` (domain, rules, storage, services, config,
bootstrap, api, jobs, …); an arrow is any import from one into another, lazy ones included.
"""

from __future__ import annotations

from project_imports import (
    edges_within, imports_of, is_under, modules_under, package_of, project_modules,
    strongly_connected,
)


def package_graph() -> dict[str, set[str]]:
    """{package: packages it imports}, without arrows inside a package."""
    graph: dict[str, set[str]] = {}
    for module in project_modules().values():
        source = package_of(module.name)
        if source is None:
            continue
        targets = graph.setdefault(source, set())
        for item in imports_of(module):
            target = package_of(item.target)
            if target is not None and target != source:
                targets.add(target)
    return graph


def api_module_graph() -> dict[str, set[str]]:
    """{api module: api modules it imports}."""
    return {
        module.name: {item.target for item in imports_of(module)
                      if is_under(item.target, ("credit_engine.api",))
                      and item.target != module.name}
        for module in modules_under("credit_engine.api")
    }


def test_no_import_cycle_between_packages() -> None:
    graph = package_graph()
    cycles = {" <-> ".join(component): sorted(edges_within(graph, component))
              for component in strongly_connected(graph)}
    assert cycles == {}


def test_no_import_cycle_between_api_modules() -> None:
    graph = api_module_graph()
    cycles = {" <-> ".join(component): sorted(edges_within(graph, component))
              for component in strongly_connected(graph)}
    assert cycles == {}


def test_the_cycle_finder_finds_every_cycle_and_nothing_else() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"f"}, "f": {"e"}}
    assert strongly_connected(graph) == [["a", "b", "c"], ["e", "f"]]
    assert strongly_connected({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_the_packages_it_guards() -> None:
    graph = package_graph()
    assert {"credit_engine.domain", "credit_engine.rules", "credit_engine.storage",
            "credit_engine.services", "credit_engine.api", "credit_engine.jobs"} <= set(graph)
    assert "credit_engine.domain" in graph["credit_engine.services"]
