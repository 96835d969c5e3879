"""/monitoring/households/: every household of the caller's scope, a keyset page at a
time, with the status and type filters kept from page to page."""

from __future__ import annotations

import re

import pytest

from doorstep.core.testing import make_household
from doorstep.monitoring.models import HouseholdPoverty

pytestmark = pytest.mark.django_db
URL = "/monitoring/households/"


@pytest.fixture
def many(areas):
    """Seven monitored households in village A (three on the edge), two never
    registered, one in village C (another township)."""
    rows = []
    for n in range(7):
        h = make_household(area=areas["village_a"], household_no=f"652901001001-01{n:02d}")
        HouseholdPoverty.objects.create(
            household=h, status="monitored", monitoring_type="edge" if n < 3 else "unstable"
        )
        rows.append(h)
    for n in range(2):
        make_household(area=areas["village_a"], household_no=f"652901001001-02{n:02d}")
    other = make_household(area=areas["village_c"], household_no="652901002001-0001")
    HouseholdPoverty.objects.create(household=other, status="monitored", monitoring_type="edge")
    return rows


def _walk(client, query: str) -> list[int]:
    seen, url, pages = [], f"{URL}?{query}", 0
    while url:
        r = client.get(url)
        assert r.status_code == 200
        html = r.content.decode()
        seen += [int(x) for x in re.findall(r'data-household="(\d+)"', html)]
        nxt = re.search(r'href="(\?[^"]*)" rel="next"', html)
        url = URL + nxt.group(1).replace("&amp;", "&") if nxt else None
        if nxt:
            assert query.split("&")[0] in url  # the filter travels with the cursor
        pages += 1
        assert pages < 10
    return seen


def test_every_household_is_reached_page_by_page_with_the_filter_kept(
    client, many, worker_a, settings
):
    settings.DOORSTEP_PAGE_SIZE = 3
    client.force_login(worker_a)
    monitored = _walk(client, "status=monitored")
    assert sorted(monitored) == sorted(h.pk for h in many)  # 7 over 3 pages, none of village C
    assert len(set(monitored)) == 7
    edge = _walk(client, "status=monitored&monitoring_type=edge")
    assert sorted(edge) == sorted(h.pk for h in many[:3])
    assert len(_walk(client, "status=never")) == 2
    assert len(_walk(client, "")) == 9


def test_a_page_costs_the_same_queries_whatever_the_data(
    client, many, worker_a, settings, django_assert_max_num_queries
):
    settings.DOORSTEP_PAGE_SIZE = 3
    client.force_login(worker_a)
    client.get(URL)
    with django_assert_max_num_queries(8):
        assert client.get(f"{URL}?status=monitored").status_code == 200


@pytest.mark.parametrize(
    "query", ["status=sideways", "monitoring_type=dangerous", "cursor=not-a-cursor"]
)
def test_bad_filters_and_cursors_are_400_with_a_message(client, many, worker_a, query):
    client.force_login(worker_a)
    r = client.get(f"{URL}?{query}")
    assert r.status_code == 400
    html = r.content.decode()
    field = query.split("=")[0]
    if field == "cursor":
        assert 'role="alert"' in html  # above the form: start again from the list
    else:
        assert f'id="id_{field}_error"' in html  # under the field it names
    assert "data-household=" not in html


def test_analysts_and_responders_do_not_get_the_list(client, many, analyst, responder):
    for user in (analyst, responder):
        client.force_login(user)
        assert client.get(URL).status_code == 404
