import pytest

from credit_engine.rules import RulesetRegistry
from grading_builders import RULESETS_DIR


@pytest.fixture(scope="session")
def registry() -> RulesetRegistry:
    return RulesetRegistry.load_dir(RULESETS_DIR)


@pytest.fixture(params=["engine", "python"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param
