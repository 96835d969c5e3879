"""The monitoring figures on insights' dashboards and in the assessment reports: the
report's numbers (API, XLSX, page) equal the dashboard's and the monitoring page's for
the same period, counted by hand, and analysts see small counts suppressed."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.utils import timezone

from doorstep.core.testing import make_household
from doorstep.core.tests.api_clients import ApiClient
from doorstep.insights import dashboard as dash
from doorstep.insights import monitoring_link
from doorstep.monitoring import services
from doorstep.monitoring.models import Proposal
from doorstep.monitoring.tests.helpers import CH, end_notice, line, propose, village_agree, year

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
YEAR = TODAY.year
# Decisions are moved back this many days (within the year) to give the medians a value.
BACK = min(3, (TODAY - dt.date(YEAR, 1, 1)).days)


def _agree(p, actor, stage):
    services.step_take(actor=actor, proposal=p, stage=stage, decision="approve", channel=CH)


@pytest.fixture
def monitored(areas, worker_a, team_leader, supervisor):
    """Six households of village A put under monitoring this year (four unstable, two on
    the edge), two of them helped; one proposal returned by the township; one notice
    with an objection (still on notice)."""
    line(areas["county"], YEAR, 6800)
    households = [
        make_household(area=areas["village_a"], household_no=f"652901001001-00{n:02d}")
        for n in range(10, 18)
    ]
    for h in households:
        year(h, YEAR, 5000)
    for n, h in enumerate(households[:6]):
        p = propose(h, worker_a, monitoring_type="unstable" if n < 4 else "edge")
        village_agree(p, worker_a)
        end_notice(p)
        _agree(p, worker_a, "notice")
        _agree(p, team_leader, "township_review")
        _agree(p, supervisor, "county_decision")
        Proposal.objects.filter(pk=p.pk).update(
            created_at=timezone.now() - dt.timedelta(days=BACK + 10 + n),
            decided_at=timezone.now() - dt.timedelta(days=BACK),
        )
        if n < 2:
            services.measure_record(
                actor=worker_a,
                household=h,
                kind="other",
                description="临时救助",
                started_on=TODAY,
                channel=CH,
            )
    refused = propose(households[6], worker_a)
    village_agree(refused, worker_a)
    end_notice(refused)
    _agree(refused, worker_a, "notice")
    services.step_take(
        actor=team_leader,
        proposal=refused,
        stage="township_review",
        decision="return",
        reason="收入核实有误",
        channel=CH,
    )
    objected = propose(households[7], worker_a)
    village_agree(objected, worker_a)
    services.objection_record(
        actor=worker_a, proposal=objected, received_on=TODAY, summary="有异议", channel=CH
    )
    return households


HAND_COUNT = {
    "poverty_monitored": 6,
    "monitored_unstable": 4,
    "monitored_edge": 2,
    "monitored_sudden": 0,
    "poverty_risk_removed": 0,
    "monitoring_decisions": 6,
    "monitoring_new": 6,
    "monitoring_risk_removed": 0,
    "monitoring_helped": 2,
    "monitoring_refused": 1,
    "monitoring_objected": 1,
}


def _dashboard(user, area):
    return (
        ApiClient(user)
        .get(
            f"/api/v1/insights/areas/{area.pk}/dashboard",
            data={"period": "year", "date": f"{YEAR}-01-01"},
        )
        .json()
    )


def _xlsx_monitoring(user, team) -> list:
    from openpyxl import load_workbook

    response = ApiClient(user).get(
        f"/api/v1/insights/teams/{team.pk}/reports/{YEAR}/file",
        data={"format": "xlsx", "lang": "en"},
    )
    assert response.status_code == 200
    rows = list(
        load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True)
    )
    start = rows.index(("Poverty monitoring", None, None))
    return [row[1] for row in rows[start + 1 : start + 1 + 15]]


def test_report_equals_dashboard_and_the_monitoring_page(
    areas, monitored, supervisor, team_leader, worker_a
):
    team = areas["township"]
    board = _dashboard(supervisor, team)["monitoring"]
    for name, count in HAND_COUNT.items():
        assert board[name] == count, name
    # Median days proposal → decision: six decisions after 10 to 15 days; decision →
    # first help: BACK days for the two helped.
    assert board["monitoring_days_to_decision"] == pytest.approx(12.5, abs=0.1)
    assert board["monitoring_days_to_help"] == BACK
    report = ApiClient(supervisor).get(f"/api/v1/insights/teams/{team.pk}/reports/{YEAR}").json()
    assert report["dashboard"]["monitoring"] == board
    # The XLSX file: the same numbers in the same order.
    names = [name for name, _label, _value in dash.labelled(board)]
    assert _xlsx_monitoring(supervisor, team) == [
        "—" if board[n] is None else board[n] for n in names
    ]
    # The monitoring page's own figures (the same function behind both).
    own = (
        ApiClient(supervisor)
        .get("/api/v1/monitoring/figures", data={"area": team.pk, "start": f"{YEAR}-01-01"})
        .json()
    )
    assert own["new_monitored"] == board["monitoring_new"]
    assert own["refused"] == board["monitoring_refused"]
    assert own["notices_with_objections"] == board["monitoring_objected"]
    assert own["median_days_to_first_help"] == board["monitoring_days_to_help"]
    assert {r["key"]: r["count"] for r in own["by_type"]}["unstable"] == 4


def test_analysts_see_the_monitoring_figures_with_small_counts_suppressed(
    client, areas, monitored, analyst, team_leader
):
    team = areas["township"]
    board = _dashboard(analyst, team)["monitoring"]
    assert board["poverty_monitored"] == 6 and board["monitoring_new"] == 6
    assert board["monitored_unstable"] == "<5" and board["monitored_edge"] == "<5"
    assert board["monitoring_refused"] == "<5" and board["monitoring_objected"] == "<5"
    # A median of two households' days is not shown; one of six is.
    assert board["monitoring_days_to_help"] == "<5"
    assert board["monitoring_days_to_decision"] == pytest.approx(12.5, abs=0.1)
    report = ApiClient(analyst).get(f"/api/v1/insights/teams/{team.pk}/reports/{YEAR}").json()
    assert report["dashboard"]["monitoring"] == board
    names = [name for name, _label, _value in dash.labelled(board)]
    assert _xlsx_monitoring(analyst, team) == ["—" if board[n] is None else board[n] for n in names]
    # The pages: the dashboard and the report show the same rows.
    client.force_login(analyst)
    page = client.get(f"/insights/areas/{team.pk}/", {"period": "year", "date": f"{YEAR}-01-01"})
    html = page.content.decode()
    assert 'data-figure="monitoring_new"' in html and 'data-figure="monitored_edge"' in html
    page = client.get(f"/insights/teams/{team.pk}/reports/{YEAR}/")
    assert page.status_code == 200
    html = page.content.decode()
    shown = dict(
        re.findall(r'<tr data-figure="(\w+)"><td>[^<]*</td><td class="num">([^<]*)<', html)
    )
    for name in monitoring_link.NAMES:
        value = board[name]
        assert shown[name] == (
            "&lt;5" if value == "<5" else str(value) if value is not None else "—"
        )
