"""Data flows one way (docs/contributing.md): each layer imports only what is below it.

The domain at the bottom imports nothing of the project above it and no framework; the rules
know the domain only; the API, the jobs and the CLI call services and reach storage only
through the unit-of-work plumbing; the core never imports the API or the jobs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from project_imports import SourceModule, imports_of, is_under, modules_under

# Everything of the project above the domain.
ABOVE_THE_DOMAIN = tuple(f"credit_engine.{name}" for name in (
    "rules", "storage", "services", "config", "validation", "population", "api", "jobs",
    "commands", "bootstrap", "cli", "regrade", "grading"))
# Frameworks and I/O formats: the domain is plain dataclasses and pure functions. YAML is
# among them: reading the shipped calendar files is loading, not a rule of the domain.
FRAMEWORKS = ("sqlalchemy", "alembic", "psycopg", "flask", "flask_smorest", "flask_limiter",
              "werkzeug", "webargs", "marshmallow", "durable", "apscheduler", "click",
              "gunicorn", "celery", "redis", "yaml")
ABOVE_THE_RULES = tuple(f"credit_engine.{name}" for name in (
    "storage", "services", "api", "jobs", "commands", "validation", "bootstrap", "cli",
    "regrade", "grading"))
DELIVERY = ("credit_engine.api", "credit_engine.jobs", "credit_engine.commands",
            "credit_engine.cli")
# The composition and unit-of-work plumbing: the only storage a delivery layer may touch.
STORAGE_PLUMBING = ("credit_engine.storage.unit_of_work", "credit_engine.storage.database")
PLUMBING_MODULES = ("credit_engine.api.runtime", "credit_engine.commands.db")


def offending_imports(modules: Iterable[SourceModule],
                      forbidden: Callable[[SourceModule, str], bool]) -> dict[str, list[str]]:
    """{file: ["target (line n)", …]} for every import of `modules` that `forbidden` flags."""
    offenders: dict[str, list[str]] = {}
    for module in modules:
        found = sorted({f"{item.target} (line {item.line})" for item in imports_of(module)
                        if forbidden(module, item.target)})
        if found:
            offenders[module.relative_path] = found
    return offenders


def test_the_domain_imports_nothing_of_the_project_above_it() -> None:
    offenders = offending_imports(modules_under("credit_engine.domain"),
                                  lambda _module, target: is_under(target, ABOVE_THE_DOMAIN))
    assert offenders == {}


def test_the_domain_imports_no_framework() -> None:
    offenders = offending_imports(
        modules_under("credit_engine.domain"),
        lambda _module, target: target.split(".")[0] in FRAMEWORKS)
    assert offenders == {}


def test_the_rules_import_no_storage_service_validation_or_delivery() -> None:
    offenders = offending_imports(modules_under("credit_engine.rules"),
                                  lambda _module, target: is_under(target, ABOVE_THE_RULES))
    assert offenders == {}


def test_api_jobs_and_cli_reach_storage_only_through_the_unit_of_work() -> None:
    def forbidden(module: SourceModule, target: str) -> bool:
        return (is_under(target, ("credit_engine.storage",))
                and not is_under(target, STORAGE_PLUMBING)
                and module.name not in PLUMBING_MODULES)

    assert offending_imports(modules_under(*DELIVERY), forbidden) == {}


def test_the_core_never_imports_the_api_or_the_jobs() -> None:
    callers = ("credit_engine.cli", "credit_engine.commands")  # the CLI serves and schedules
    core = [module for module in modules_under("credit_engine")
            if not is_under(module.name, ("credit_engine.api", "credit_engine.jobs", *callers))]
    offenders = offending_imports(
        core, lambda _module, target: is_under(target, ("credit_engine.api", "credit_engine.jobs")))
    assert offenders == {}


def test_only_the_rules_engine_module_imports_durable_rules() -> None:
    users = sorted(module.relative_path for module in modules_under("credit_engine")
                   if any(item.target.split(".")[0] == "durable" for item in imports_of(module)))
    assert users == ["credit_engine/rules/engine.py"]
