"""/api/v1/areas: navigation of the area tree within the caller's own subtree."""

from __future__ import annotations

import pytest

from doorstep.core.tests.api_clients import ApiClient, assert_error

pytestmark = pytest.mark.django_db

URL = "/api/v1/areas"
ALL = ["worker_a", "worker_b", "team_leader", "supervisor", "analyst", "responder", "administrator"]
# The children of each persona's own area (the default list).
CHILDREN = {
    "worker_a": ["652901001001G01"],
    "worker_b": [],
    "team_leader": ["652901001001", "652901001002"],
    "supervisor": ["652901001", "652901002"],
    "analyst": ["652901001", "652901002"],
    "responder": ["652901001", "652901002"],
    "administrator": ["6529"],
}


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["items"]]


@pytest.mark.parametrize("persona", ALL)
def test_each_persona_lists_the_children_of_its_own_area(request, persona):
    client = ApiClient(request.getfixturevalue(persona))
    assert codes(client.get(URL)) == CHILDREN[persona]


@pytest.mark.parametrize("persona", ALL)
def test_each_persona_opens_areas_only_in_its_subtree(request, persona, areas):
    client = ApiClient(request.getfixturevalue(persona))
    village_a = areas["village_a"]
    by_id = client.get(f"{URL}/{village_a.pk}")
    by_code = client.get(f"{URL}/by-code/{village_a.code}")
    children = client.get(f"{URL}?parent={village_a.pk}")
    if persona == "worker_b":
        assert_error(by_id, 404)
        assert_error(by_code, 404)
        assert_error(children, 422, "parent")
    else:
        assert by_id.json() == by_code.json()
        assert by_id.json()["level"] == "village"
        assert by_id.json()["parent_id"] == areas["township"].pk
        assert codes(children) == ["652901001001G01"]


def test_a_worker_cannot_climb_above_its_own_area(worker_a, areas):
    client = ApiClient(worker_a)
    assert_error(client.get(f"{URL}/{areas['township'].pk}"), 404)
    assert_error(client.get(f"{URL}?parent={areas['county'].pk}"), 422, "parent")


def test_an_account_without_an_area_sees_no_area(db, areas):
    from doorstep.core.testing import make_user

    client = ApiClient(make_user(area=None))
    assert codes(client.get(URL)) == []
    assert_error(client.get(f"{URL}/{areas['region'].pk}"), 404)


def test_children_come_one_keyset_page_at_a_time(supervisor):
    client = ApiClient(supervisor)
    first = client.get(f"{URL}?limit=1").json()
    second = client.get(f"{URL}?limit=1&cursor={first['next_cursor']}").json()
    assert [a["code"] for a in first["items"] + second["items"]] == ["652901001", "652901002"]
    assert second["next_cursor"] is None
    assert_error(client.get(f"{URL}?cursor=forged"), 422, "cursor")
    assert_error(client.get(f"{URL}?limit=0"), 422, "limit")


@pytest.mark.parametrize("path", [URL, f"{URL}/1", f"{URL}/by-code/65"])
def test_areas_need_credentials(db, path):
    assert_error(ApiClient().get(path), 401)
