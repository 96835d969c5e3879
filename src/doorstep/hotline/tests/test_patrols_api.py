"""Patrols started and ended from the API and the hazards page (issue #13): every
persona, scope (404 outside), one patrol under way per person, ending twice refused,
replay-safe, nothing half-written."""

from __future__ import annotations

import uuid

import pytest
from django.utils import translation

from doorstep.core.tests.api_clients import ApiClient, assert_error
from doorstep.hotline.models import Hazard, Patrol
from doorstep.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db

BASE = "/api/v1/hotline/patrols"
ALL = ["worker_a", "worker_b", "team_leader", "supervisor", "analyst", "responder", "administrator"]
# The office is in village A: its worker and everyone above it on duty.
WALKERS = {"worker_a", "team_leader", "supervisor", "administrator"}


@pytest.mark.parametrize("persona", ALL)
def test_each_persona_starts_and_ends_a_patrol_only_in_scope(request, office, persona):
    client = ApiClient(request.getfixturevalue(persona))
    started = client.post(BASE, {"office_id": office.pk, "route": "1-5号楼, 沿街商铺"})
    if persona not in WALKERS:
        assert started.status_code == 404
        assert not Patrol.objects.exists()
        listed = client.get(BASE)
        assert listed.status_code in (401, 403, 404) or listed.json()["items"] == []
        return
    assert started.status_code == 201, started.content
    body = started.json()
    assert body["ended_at"] is None and body["route"] == "1-5号楼, 沿街商铺"
    listed = client.get(f"{BASE}?office_id={office.pk}&under_way=true").json()["items"]
    assert [p["id"] for p in listed] == [body["id"]]
    ended = client.post(f"{BASE}/{body['id']}/end")
    assert ended.status_code == 200, ended.content
    assert ended.json()["ended_at"] is not None
    assert client.get(f"{BASE}?under_way=true").json()["items"] == []
    assert AuditEvent.objects.filter(object_type="patrol", object_id=str(body["id"])).count() == 2


def test_a_patrol_outside_scope_is_404_and_another_walker_may_not_end_it(
    office, worker_a, worker_b, officer_a2, team_leader
):
    patrol = ApiClient(worker_a).post(BASE, {"office_id": office.pk, "route": "东区"}).json()
    assert ApiClient(worker_b).get(f"{BASE}/{patrol['id']}").status_code == 404
    assert ApiClient(worker_b).post(f"{BASE}/{patrol['id']}/end").status_code == 404
    assert_error(ApiClient(officer_a2).post(f"{BASE}/{patrol['id']}/end"), 403)
    assert Patrol.objects.get().ended_at is None
    # A duty leader ends one left running.
    assert ApiClient(team_leader).post(f"{BASE}/{patrol['id']}/end").status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"route": "  "}, "route"),
        ({"route": "路" * 201}, "route"),
        ({}, "route"),
        ({"route": "x", "office_id": "one"}, "office_id"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(office, worker_a, body, field):
    payload = {"office_id": office.pk, **body}
    with translation.override("zh-hans"):
        response = ApiClient(worker_a).post(BASE, payload, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert_error(response, 422, field)
    assert not Patrol.objects.exists()


def test_one_patrol_under_way_and_ending_twice_is_refused(office, worker_a):
    client = ApiClient(worker_a)
    first = client.post(BASE, {"office_id": office.pk, "route": "东区"}).json()
    assert_error(client.post(BASE, {"office_id": office.pk, "route": "西区"}), 422, "route")
    assert Patrol.objects.count() == 1
    assert client.post(f"{BASE}/{first['id']}/end").status_code == 200
    assert_error(client.post(f"{BASE}/{first['id']}/end"), 422, "ended_at")
    assert client.post(BASE, {"office_id": office.pk, "route": "西区"}).status_code == 201


def test_a_replayed_start_answers_the_first_patrol(office, worker_a):
    client = ApiClient(worker_a)
    key = str(uuid.uuid4())
    one = client.post(BASE, {"office_id": office.pk, "route": "东区"}, HTTP_IDEMPOTENCY_KEY=key)
    two = client.post(BASE, {"office_id": office.pk, "route": "东区"}, HTTP_IDEMPOTENCY_KEY=key)
    assert one.status_code == two.status_code == 201
    assert one.json() == two.json() and Patrol.objects.count() == 1


def test_the_hazards_page_starts_a_patrol_records_a_hazard_on_it_and_ends_it(
    client, office, worker_a
):
    client.force_login(worker_a)
    page = f"/hotline/hazards/?office={office.pk}"
    assert "patrol-panel" in client.get(page).content.decode()
    response = client.post(f"/hotline/patrols/start/?office={office.pk}", {"route": "1-5号楼"})
    assert response.status_code == 302
    patrol = Patrol.objects.get()
    assert f'data-patrol="{patrol.pk}"' in client.get(page).content.decode()
    client.post(page, {"kind": "broken_light", "address": "3号楼"})
    assert Hazard.objects.get().patrol == patrol
    assert client.post(f"/hotline/patrols/{patrol.pk}/end/").status_code == 302
    patrol.refresh_from_db()
    assert patrol.ended_at is not None
    # Ending again from the page is refused with a message, not an error page.
    again = client.post(f"/hotline/patrols/{patrol.pk}/end/", follow=True)
    assert again.status_code == 200
    assert "patrol-panel" in again.content.decode()


def test_a_blank_route_on_the_page_starts_nothing(client, office, worker_a):
    client.force_login(worker_a)
    response = client.post(
        f"/hotline/patrols/start/?office={office.pk}", {"route": " "}, follow=True
    )
    assert response.status_code == 200
    assert not Patrol.objects.exists()
