import datetime as dt

import pytest

from doorstep.insights import rollup
from doorstep.insights.tests.factories import at, build

TODAY = dt.date(2026, 9, 30)


@pytest.fixture
def data(areas):
    """The hand-made Q3 2026 data set, summarised as the periodic task would on 30 Sept."""
    built = build(areas)
    rollup.refresh(
        first_day=dt.date(2026, 6, 1),
        last_day=dt.date(2026, 10, 31),
        today=TODAY,
        now=at("2026-09-30", 20),
    )
    return built
