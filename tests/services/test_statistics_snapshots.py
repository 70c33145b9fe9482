"""Month-end statistics are stored once and then read: by the nightly job or on first need;
a snapshot stays what was published until it is rebuilt (docs/statistics.md, Trend)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from statistics_town import graded_town, regrade_all

from credit_engine.bootstrap import Container
from credit_engine.cli import main
from credit_engine.services import statistics
from credit_engine.services.statistics_snapshots import (
    month_end_figures,
    rebuild_from,
    store_month_ends,
)
from credit_engine.storage.models import EnterpriseRow, StatisticsSnapshotRow

TODAY = date(2026, 11, 30)
SEPTEMBER = date(2026, 9, 30)


@pytest.fixture
def town(container_on: Callable[[date], Container]) -> Container:
    """The demo population graded at the end of August and on TODAY."""
    container = container_on(TODAY)
    graded_town(container, 60, 80, date(2026, 8, 31), TODAY)
    return container


def _snapshots(container: Container) -> int:
    with container.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(StatisticsSnapshotRow)))


def test_the_nightly_store_keeps_every_closed_month_end_for_all_and_each_district(
        town) -> None:
    with town.transaction() as session:
        districts = set(session.scalars(select(EnterpriseRow.district)))
        stored = store_month_ends(session, TODAY, months=4)
    # Aug 31, Sep 30, Oct 31 are closed; TODAY (Nov 30) is today's live point
    assert stored == 3 * (1 + len(districts))
    with town.transaction() as session:
        assert store_month_ends(session, TODAY, months=4) == 0  # once each
        for district in (None, *districts):
            assert (month_end_figures(session, SEPTEMBER, district)
                    == statistics.compute_statistics(session, SEPTEMBER, district))
        assert month_end_figures(session, SEPTEMBER, None)["grades"]["ungraded"] == 0


def test_a_snapshot_is_what_was_published_until_rebuilt(town) -> None:
    with town.transaction() as session:
        published = month_end_figures(session, SEPTEMBER, None)  # first need: stored
    assert _snapshots(town) == 1
    regrade_all(town, date(2026, 9, 15))  # late: grades stored for a day in a closed month
    with town.transaction() as session:  # and an enterprise registered since (ungraded)
        session.add(EnterpriseRow(uscc="91620900MA7LATE00X", name="新开", category="stall",
                                  district="肃州区"))
    with town.transaction() as session:
        now = statistics.compute_statistics(session, SEPTEMBER, None)
        assert now["enterprises"] == published["enterprises"] + 1
        assert month_end_figures(session, SEPTEMBER, None) == published
        dropped, stored = rebuild_from(session, SEPTEMBER, TODAY, months=4)
        assert (dropped, stored) == (1, _snapshots_wanted(session))
        assert month_end_figures(session, SEPTEMBER, None) == now


def _snapshots_wanted(session) -> int:
    districts = set(session.scalars(select(EnterpriseRow.district)))
    return 3 * (1 + len(districts))


def test_rebuild_from_a_day_after_the_business_date_is_refused(settings) -> None:
    result = CliRunner().invoke(main, ["statistics", "rebuild", "--from", "2999-01-01"],
                                env={"CREDIT_ENGINE_DATABASE_URL": settings.database_url})
    assert result.exit_code == 2 and "--from" in result.output
