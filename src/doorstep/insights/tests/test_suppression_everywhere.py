"""Issue 18, defect 7: one suppression function wherever an analyst reads a count;
no per-worker rows for analysts; complementary suppression so that a hidden cell cannot
be recovered from a total."""

from __future__ import annotations

import pytest

from doorstep.core.suppression import suppress_group
from doorstep.insights import suppression

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(household_a, household_b, worker_a, team_leader):
    """Two households, one paired with worker A: counts of 1 and 2, all under five."""
    from doorstep.casework.services.pairings import pairing_create

    pairing_create(actor=team_leader, worker=worker_a, household=household_a, channel="test")


def test_insights_and_core_share_the_one_function():
    assert suppression.suppress_group is suppress_group


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([10, 3, 20], [None, None, 20]),  # 3 hidden; 10 hidden too, else 33 - 30 = 3
        ([10, 3, 2, 20], [10, None, None, 20]),  # two hidden: neither can be derived
        ([0, 12], [None, None]),  # a zero beside a total is no less telling
        ([7, 8], [7, 8]),
        ([4], [None]),
        ([None, 9, 9], [None, 9, 9]),
    ],
)
def test_complementary_suppression(values, expected):
    assert suppress_group(values) == expected


def test_no_hidden_cell_can_be_recovered_from_the_total():
    values = [11, 2, 30, 6]
    shown = suppress_group(values)
    hidden = [i for i, v in enumerate(shown) if v is None]
    assert len(hidden) != 1


def test_an_analyst_gets_no_worker_rows_and_small_counts_hidden(client, world, analyst, areas):
    client.force_login(analyst)
    body = client.get("/api/v1/casework/overdue-summary", {"area": areas["county"].pk}).json()
    assert body["workers"] == []
    for row in [*body["teams"], body["unassigned"]]:
        for key in ("households", "overdue", "due_this_week"):
            assert row[key] is None or row[key] >= 5, body


def test_a_team_leader_still_sees_the_workers(client, world, team_leader, areas):
    client.force_login(team_leader)
    body = client.get("/api/v1/casework/overdue-summary", {"area": areas["township"].pk}).json()
    assert body["workers"], body
    assert body["workers"][0]["households"] >= 1


def test_relapse_and_outcomes_show_an_analyst_no_small_count(client, world, analyst, areas):
    client.force_login(analyst)
    summary = client.get("/api/v1/livelihoods/relapse/summary", {"area": areas["county"].pk})
    assert summary.status_code == 200, summary.content
    data = summary.json()
    counts = [r["open"] for r in data["areas"]] + [r["helped"] for r in data["areas"]]
    counts += data["raised"] + data["cleared"] + [data["open_total"], data["without_need"]]
    assert all(c is None or c >= 5 for c in counts), data
    outcomes = client.get("/api/v1/livelihoods/outcomes", {"area": areas["county"].pk}).json()
    for row in outcomes["areas"] + outcomes["teams"]:
        for key in ("placements", "held_6_months", "trainees_completed", "flagged", "helped"):
            assert row[key] is None or row[key] >= 5, row
