"""Households of an area by vulnerability category and programme status (issue #13):
API and the area page, each persona, scope, analysts' small counts suppressed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from doorstep.core.testing import make_household
from doorstep.core.tests.api_clients import ApiClient
from doorstep.registry.models import Household, HouseholdVulnerability

pytestmark = pytest.mark.django_db

ALL = ["worker_a", "worker_b", "team_leader", "supervisor", "analyst", "responder", "administrator"]
SEES_TOWNSHIP = {"team_leader", "supervisor", "analyst", "administrator"}


@pytest.fixture
def town(areas):
    """Village A: six households with a disabled member (one of them two: counted once,
    two people), one widowed elderly; two low-income households, one of which left the
    programme. Village C (other township): one disability."""
    disabled = [
        make_household(area=areas["village_a"], vulnerabilities=("disability",), members=2)
        for _ in range(6)
    ]
    second = disabled[0].residents.exclude(relationship="head").get()
    HouseholdVulnerability.objects.create(
        household=disabled[0], resident=second, category="disability"
    )
    make_household(area=areas["village_a"], vulnerabilities=("widowed_elderly", "low_income"))
    left = make_household(area=areas["grid_a1"], vulnerabilities=("low_income",))
    Household.objects.filter(pk=left.pk).update(
        programme_status="left", left_on=dt.date(2026, 1, 1)
    )
    make_household(area=areas["village_c"], vulnerabilities=("disability",))


def _row(body, category):
    return next(r for r in body["categories"] if r["category"] == category)


@pytest.mark.parametrize("persona", ALL)
def test_each_persona_gets_the_townships_counts_only_in_scope(request, areas, town, persona):
    user = request.getfixturevalue(persona)
    response = ApiClient(user).get(
        f"/api/v1/insights/areas/{areas['township'].pk}/household-counts"
    )
    if persona not in SEES_TOWNSHIP:
        assert response.status_code == 404
        return
    assert response.status_code == 200, response.content
    body = response.json()
    disability = _row(body, "disability")
    low_income = _row(body, "low_income")
    if persona == "analyst":
        assert body["suppressed"] is True
        assert disability["households"] == {"active": 6, "left": "<5", "total": "<5"}
        assert disability["residents"] == 7
        assert low_income["households"] == {"active": "<5", "left": "<5", "total": "<5"}
        assert body["households"] == {"active": 7, "left": "<5", "total": "<5"}
    else:
        assert body["suppressed"] is False
        # Six households, not seven rows: a household counts once.
        assert disability["households"] == {"active": 6, "left": 0, "total": 6}
        assert disability["residents"] == 7
        assert disability["applies_to"] == "person"
        assert low_income["households"] == {"active": 1, "left": 1, "total": 2}
        assert low_income["residents"] is None and low_income["applies_to"] == "household"
        assert _row(body, "widowed_elderly")["households"]["total"] == 1
        assert body["households"] == {"active": 7, "left": 1, "total": 8}


def test_the_county_holds_the_other_township_and_an_area_outside_scope_is_404(
    areas, town, supervisor, team_leader
):
    body = (
        ApiClient(supervisor)
        .get(f"/api/v1/insights/areas/{areas['county'].pk}/household-counts")
        .json()
    )
    assert _row(body, "disability")["households"]["total"] == 7
    outside = ApiClient(team_leader).get(
        f"/api/v1/insights/areas/{areas['township2'].pk}/household-counts"
    )
    assert outside.status_code == 404
    assert (
        ApiClient(supervisor).get("/api/v1/insights/areas/999999/household-counts").status_code
        == 404
    )
    bad = ApiClient(supervisor).get("/api/v1/insights/areas/abc/household-counts")
    assert 400 <= bad.status_code < 500


def test_the_area_page_shows_the_counts_and_suppresses_them_for_analysts(
    client, areas, town, supervisor, analyst
):
    url = reverse("insights:area", args=[areas["township"].pk])
    client.force_login(supervisor)
    page = client.get(url).content.decode()
    assert 'id="household-counts-panel"' in page
    row = page.split('data-category="disability"')[1].split("</tr>")[0]
    assert '<td class="num">6</td>' in row and '<td class="num">7</td>' in row
    client.force_login(analyst)
    row = client.get(url).content.decode().split('data-category="low_income"')[1].split("</tr>")[0]
    assert "&lt;5" in row and ">1<" not in row


def test_the_counts_cost_a_fixed_number_of_queries(
    areas, supervisor, django_assert_max_num_queries
):
    for _ in range(30):
        make_household(area=areas["village_a"], vulnerabilities=("disability", "low_income"))
    client = ApiClient(supervisor)
    url = f"/api/v1/insights/areas/{areas['township'].pk}/household-counts"
    client.get(url)
    # token and user, the area, the two counts
    with django_assert_max_num_queries(5):
        assert client.get(url).status_code == 200
