"""Dashboard pages and API: scope per persona, suppression for analysts, period
validation, drill-down links and pinned query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from doorstep.core.tests.api_clients import ApiClient

Q3 = {"period": "quarter", "date": "2026-08-15"}


def _page(client, user, area, **params):
    client.force_login(user)
    return client.get(reverse("insights:area", args=[area.pk]), params or Q3)


def _api(user, area, **params):
    return ApiClient(user).get(f"/api/v1/insights/areas/{area.pk}/dashboard", data=params or Q3)


@pytest.mark.parametrize("persona", ["supervisor", "administrator", "analyst"])
def test_county_dashboard_for_those_whose_scope_holds_the_county(
    request, client, areas, data, persona
):
    user = request.getfixturevalue(persona)
    response = _page(client, user, areas["county"])
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-figure="contacts"' in body
    answer = _api(user, areas["county"])
    assert answer.status_code == 200
    assert answer.json()["figures"]["contacts"] == 7


@pytest.mark.parametrize("persona", ["worker_a", "worker_b", "team_leader", "responder"])
def test_county_dashboard_is_404_outside_scope_or_role(request, client, areas, data, persona):
    user = request.getfixturevalue(persona)
    assert _page(client, user, areas["county"]).status_code == 404
    assert _api(user, areas["county"]).status_code == 404


def test_team_leader_sees_their_township_as_a_team_and_not_the_other(
    client, areas, data, team_leader
):
    response = _page(client, team_leader, areas["township"])
    assert response.status_code == 200
    assert _api(team_leader, areas["township"]).json()["level"] == "team"
    assert _page(client, team_leader, areas["township2"]).status_code == 404


def test_home_sends_each_role_to_its_dashboard(client, areas, worker_a, supervisor, responder):
    client.force_login(supervisor)
    assert client.get("/insights/")["Location"] == reverse(
        "insights:area", args=[areas["county"].pk]
    )
    client.force_login(worker_a)
    assert client.get("/insights/")["Location"] == reverse("insights:worker", args=[worker_a.pk])
    client.force_login(responder)
    assert client.get("/insights/").status_code == 404


def test_analyst_sees_small_counts_suppressed_everywhere(client, areas, data, analyst):
    body = _page(client, analyst, areas["county"]).content.decode()
    assert "&lt;5" in body
    answer = _api(analyst, areas["county"]).json()
    assert answer["suppressed"] is True
    assert answer["figures"]["contacts"] == 7
    assert answer["figures"]["needs_resolved"] == "<5"
    assert answer["figures"]["satisfaction"] == "<5"
    assert all(u["referrals"] == "<5" for u in answer["units"])
    assert all(c["values"]["households"] == "<5" for c in answer["children"])
    assert all(isinstance(p["contacts"], str) or p["contacts"] >= 5 for p in answer["series"])
    # Aggregates only: no household, need or worker reaches an analyst.
    assert "I-0001" not in body and "ins_w1" not in body
    points = ApiClient(analyst).get(f"/api/v1/insights/areas/{areas['township'].pk}/map").json()
    assert points["households"] == [] and points["needs"] == []


def test_supervisor_sees_the_same_figures_unsuppressed(areas, data, supervisor):
    answer = _api(supervisor, areas["county"]).json()
    assert answer["suppressed"] is False
    assert answer["figures"]["needs_resolved"] == 4
    assert answer["figures"]["median_resolve_hours"] == 10
    assert answer["snapshot_day"] == "2026-09-30"
    assert answer["refreshed_at"] is not None


def test_drill_down_from_region_to_household(client, areas, data, administrator):
    client.force_login(administrator)
    chain = ["region", "prefecture", "county", "township", "village_a"]
    for upper, lower in zip(chain, chain[1:], strict=False):
        body = client.get(reverse("insights:area", args=[areas[upper].pk]), Q3).content.decode()
        assert reverse("insights:area", args=[areas[lower].pk]) in body, (upper, lower)
    village = client.get(reverse("insights:area", args=[areas["village_a"].pk]), Q3)
    body = village.content.decode()
    households = f"{reverse('registry:households')}?area={areas['village_a'].pk}"
    assert households in body
    listing = client.get(households).content.decode()
    assert reverse("registry:household", args=[data["h1"].pk]) in listing


def test_map_shows_households_and_open_needs_to_leaders(areas, data, supervisor):
    points = ApiClient(supervisor).get(f"/api/v1/insights/areas/{areas['village_a'].pk}/map").json()
    assert [h["household_no"] for h in points["households"]] == ["I-0001"]
    assert [n["id"] for n in points["needs"]] == [data["needs"][4].pk]
    county = ApiClient(supervisor).get(f"/api/v1/insights/areas/{areas['county'].pk}/map").json()
    # A county shows areas with their counts, not tens of thousands of points.
    assert county["households"] == [] and county["needs"] == []
    assert {a["name"] for a in county["areas"]} <= {areas["township"].name, areas["township2"].name}


def test_map_and_charts_load_local_libraries_and_work_without_tiles(
    client, areas, data, supervisor, settings
):
    settings.DOORSTEP_TILE_URL = ""
    client.force_login(supervisor)
    url = reverse("insights:area", args=[areas["township"].pk])
    body = client.get(url, Q3, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for asset in (
        "vendor/echarts/echarts.min.js",
        "vendor/leaflet/leaflet.js",
        "vendor/leaflet.markercluster/leaflet.markercluster.js",
        "insights/dashboard.js",
    ):
        assert asset in body
    assert 'data-tile-url=""' in body and "plain background" in body
    assert "<script>" not in body and ' style="' not in body


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "fortnight"}, "period"),
        ({"period": "month", "date": "2026-13-01"}, "date"),
        ({"period": "custom", "from": "2026-09-01"}, "to"),
        ({"period": "custom", "from": "2026-09-30", "to": "2026-09-01"}, "to"),
        ({"period": "custom", "from": "2020-01-01", "to": "2026-01-01"}, "to"),
    ],
)
def test_bad_periods_are_refused_naming_the_field(client, areas, supervisor, params, field):
    response = _page(client, supervisor, areas["county"], **params)
    assert response.status_code == 400
    assert field in response.content.decode()
    answer = _api(supervisor, areas["county"], **params)
    assert answer.status_code == 422
    assert field in {e["field"] for e in answer.json()["errors"]}


def test_custom_period_and_week(areas, data, supervisor):
    custom = _api(
        supervisor, areas["county"], period="custom", **{"from": "2026-07-01", "to": "2026-07-02"}
    )
    assert custom.status_code == 200 and custom.json()["figures"]["contacts"] == 3
    week = _api(supervisor, areas["county"], period="week", date="2026-07-01").json()
    assert week["period"] == {"kind": "week", "start": "2026-06-29", "end": "2026-07-05"}
    assert week["figures"]["contacts"] == 3


def test_worker_dashboard_own_and_leaders_only(
    client, areas, data, worker_a, team_leader, supervisor, analyst
):
    w1 = data["w1"]  # based in village A
    client.force_login(worker_a)
    assert client.get(reverse("insights:worker", args=[worker_a.pk]), Q3).status_code == 200
    assert client.get(reverse("insights:worker", args=[w1.pk]), Q3).status_code == 404
    for user in (team_leader, supervisor):
        answer = ApiClient(user).get(f"/api/v1/insights/workers/{w1.pk}/dashboard", data=Q3)
        assert answer.status_code == 200
        assert answer.json()["figures"]["contacts"] == 4
    assert ApiClient(analyst).get(f"/api/v1/insights/workers/{w1.pk}/dashboard").status_code == 404


# Page: session, user, area (2), area's days, histogram, departments, snapshot,
# targets, children (3; one for a village, which has none), team level, freshness,
# crumbs (none at the top), teams, workers, long-open needs. The same at every level
# and for any amount of data (the next test adds data).
# Livelihoods figures add four (placements, trainees, income, flags).
# Teams are listed from county level down, long-open needs from township level down.
# Households by category and status add two (insights.household_counts, issue #13).
# Poverty monitoring adds five (statuses, households, decisions, returns, objections;
# a sixth, first help, only when households were put under monitoring in the period).
PAGE_QUERIES = {"region": 26, "prefecture": 27, "county": 28, "township": 29, "village_a": 27}
API_QUERIES = {"region": 22, "prefecture": 22, "county": 22, "township": 22, "village_a": 20}


@pytest.mark.parametrize("level", list(PAGE_QUERIES))
def test_area_dashboard_query_count_is_pinned(
    client, areas, data, administrator, django_assert_num_queries, level
):
    client.force_login(administrator)
    url = reverse("insights:area", args=[areas[level].pk])
    client.get(url, Q3)  # warm the session
    with django_assert_num_queries(PAGE_QUERIES[level]):
        assert client.get(url, Q3).status_code == 200
    api = ApiClient(administrator)
    path = f"/api/v1/insights/areas/{areas[level].pk}/dashboard"
    api.get(path, data=Q3)
    with django_assert_num_queries(API_QUERIES[level]):
        assert api.get(path, data=Q3).status_code == 200


def test_dashboard_queries_do_not_grow_with_the_data(client, areas, data, supervisor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from doorstep.core.testing import make_household
    from doorstep.insights import rollup
    from doorstep.insights.tests.conftest import TODAY
    from doorstep.insights.tests.factories import at, contact

    client.force_login(supervisor)
    url = reverse("insights:area", args=[areas["county"].pk])
    client.get(url, Q3)
    with CaptureQueriesContext(connection) as before:
        client.get(url, Q3)
    for i in range(20):
        h = make_household(area=areas["village_c"], household_no=f"I-9{i:03d}")
        contact(h, data["w2"], at("2026-08-20", 10))
    import datetime as dt

    rollup.refresh(first_day=dt.date(2026, 8, 1), last_day=dt.date(2026, 8, 31), today=TODAY)
    with CaptureQueriesContext(connection) as after:
        body = client.get(url, Q3).content.decode()
    assert len(after.captured_queries) == len(before.captured_queries)
    assert 'data-figure="contacts"><td>Contacts</td><td class="num">27' in body or "27" in body


def test_the_dashboard_link_is_in_the_menu_for_everyone_but_responders(
    client, areas, worker_a, analyst, responder
):
    for user, shown in ((worker_a, True), (analyst, True), (responder, False)):
        client.force_login(user)
        body = client.get("/").content.decode()
        assert ('href="/insights/"' in body) is shown, user.username


def test_county_page_lists_each_team_with_its_report_files(
    client, areas, data, supervisor, team_leader
):
    body = _page(client, supervisor, areas["county"]).content.decode()
    quarterly = reverse("insights:quarterly_report", args=[areas["township"].pk, 2026, 3])
    annual = reverse("insights:annual_report", args=[areas["township"].pk, 2026])
    for link in (quarterly, f"{quarterly}?format=pdf", f"{annual}?format=xlsx"):
        assert f'href="{link}"' in body, link
