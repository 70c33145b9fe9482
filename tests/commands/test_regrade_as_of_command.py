"""`credit-engine regrade --as-of` after today is a usage error naming the option, and
nothing is stored: checked in process and in a real process whose clock libfaketime moves."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from credit_engine.bootstrap import Container
from credit_engine.commands.regrade import regrade
from credit_engine.storage.models import GradeRow, JobRunRow

CLI = Path(sys.executable).with_name("credit-engine")


def _stored(container: Container) -> tuple[int, int]:
    with container.session_factory() as session:
        return (int(session.scalar(select(func.count()).select_from(GradeRow)) or 0),
                int(session.scalar(select(func.count()).select_from(JobRunRow)) or 0))


def test_regrade_as_of_tomorrow_is_a_usage_error_naming_the_option(
        database_url: str, container: Container) -> None:
    env = {"CREDIT_ENGINE_DATABASE_URL": database_url}
    tomorrow = container.settings.today() + timedelta(days=1)  # the command's own clock
    result = CliRunner().invoke(regrade, ["--all", "--as-of", tomorrow.isoformat()], env=env)
    assert result.exit_code == 2, result.output
    assert "--as-of" in result.output and "Must not be after today" in result.output
    assert _stored(container) == (0, 0)


@pytest.mark.parametrize("as_of", ["1899-12-31", "0001-01-01"])
def test_regrade_as_of_before_1900_is_a_usage_error(
        database_url: str, container: Container, as_of: str) -> None:
    result = CliRunner().invoke(regrade, ["--all", "--as-of", as_of],
                                env={"CREDIT_ENGINE_DATABASE_URL": database_url})
    assert result.exit_code == 2 and "--as-of" in result.output, result.output
    assert _stored(container) == (0, 0)


# CI installs faketime (.ci/run): there a missing one fails instead of skipping.
@pytest.mark.skipif(shutil.which("faketime") is None and not os.environ.get("CI"),
                    reason="needs libfaketime (faketime)")
def test_the_command_compares_with_its_process_clock_not_the_calendar(
        database_url: str, container: Container) -> None:
    """Under a clock moved back to 2026-11-29, 2026-11-30 is tomorrow: refused; the 29th runs."""
    env = {**os.environ, "CREDIT_ENGINE_DATABASE_URL": database_url,
           "CREDIT_ENGINE_TIMEZONE": "Asia/Shanghai"}
    base = ["faketime", "2026-11-29 04:00:00", str(CLI), "regrade", "--all", "--workers", "1"]
    refused = subprocess.run([*base, "--as-of", "2026-11-30"], env=env, capture_output=True,
                             text=True, timeout=120)
    assert refused.returncode == 2, refused.stderr
    assert "--as-of" in refused.stderr and "2026-11-29" in refused.stderr
    assert _stored(container) == (0, 0)

    ran = subprocess.run([*base, "--as-of", "2026-11-29"], env=env, capture_output=True,
                         text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    with container.session_factory() as session:
        assert list(session.scalars(select(JobRunRow.business_date))) == [date(2026, 11, 29)]
