"""/api/v1/casework/welfare: start a round, list and read it with coverage, my checks,
record a check (a problem opens a need), escalate and reassign, close; replays with an
Idempotency-Key, 4xx naming the field with nothing written, and every persona."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from doorstep.casework.models import Need, WelfareCheck, WelfareRound
from doorstep.casework.services import pairing_create
from doorstep.core.testing import make_household
from doorstep.core.tests.api_clients import ApiClient, assert_error
from doorstep.registry.models import HouseholdVulnerability

pytestmark = pytest.mark.django_db

BASE = "/api/v1/casework/welfare"
TODAY = timezone.localdate()
YES = {
    "food_water": True,
    "medicines": True,
    "heating": True,
    "phone": True,
    "someone_to_call": True,
}


@pytest.fixture
def residents(areas, team_leader, worker_a):
    paired = make_household(area=areas["village_a"], vulnerabilities=("elderly_alone",), members=2)
    # The second member's own category: both members are checked.
    member = paired.residents.exclude(relationship="head").get()
    HouseholdVulnerability.objects.create(household=paired, resident=member, category="disability")
    pairing_create(actor=team_leader, worker=worker_a, household=paired, channel="t")
    make_household(area=areas["village_c"], vulnerabilities=("disability",))
    make_household(area=areas["village_b"], vulnerabilities=("low_income",))
    return paired


def _body(area, **changes):
    return {
        "name": "寒潮入户",
        "area": area.pk,
        "deadline": (TODAY + dt.timedelta(days=3)).isoformat(),
        "categories": ["elderly_alone", "disability"],
        **changes,
    }


def test_a_round_from_start_to_close(supervisor, worker_a, areas, residents):
    boss, worker = ApiClient(supervisor), ApiClient(worker_a)
    key = str(uuid.uuid4())
    created = boss.post(f"{BASE}/rounds", _body(areas["county"]), HTTP_IDEMPOTENCY_KEY=key)
    assert created.status_code == 201, created.content
    round_ = created.json()
    assert (round_["check_count"], round_["coverage"]) == (
        3,
        {"done": 0, "not_reached": 0, "pending": 3, "total": 3},
    )
    assert [q["key"] for q in round_["checklist"]] == [
        "food_water",
        "medicines",
        "heating",
        "phone",
        "someone_to_call",
    ]
    again = boss.post(f"{BASE}/rounds", _body(areas["county"]), HTTP_IDEMPOTENCY_KEY=key)
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert WelfareRound.objects.count() == 1 and WelfareCheck.objects.count() == 3

    mine = worker.get(f"{BASE}/checks/mine").json()["items"]
    assert len(mine) == 2 and {c["status"] for c in mine} == {"pending"}
    first, second = mine
    done = worker.post(
        f"{BASE}/checks/{first['id']}/record",
        {"outcome": "done", "version": 1, "answers": {**YES, "heating": False}},
    )
    assert done.status_code == 200, done.content
    need = Need.objects.get()
    assert done.json()["need"] == need.pk and need.category == "housing"
    tried = worker.post(
        f"{BASE}/checks/{second['id']}/record", {"outcome": "not_reached", "version": 1}
    )
    assert tried.json()["attempts"] == 1

    detail = boss.get(f"{BASE}/rounds/{round_['id']}").json()
    assert detail["coverage"] == {"done": 1, "not_reached": 1, "pending": 1, "total": 3}
    assert {c["area"]["id"]: c["total"] for c in detail["children"]} == {
        areas["township"].pk: 2,
        areas["township2"].pk: 1,
    }
    drill = boss.get(f"{BASE}/rounds/{round_['id']}", QUERY_STRING=f"area={areas['township'].pk}")
    assert drill.json()["shown"] == {"done": 1, "not_reached": 1, "pending": 0, "total": 2}
    unreached = boss.get(f"{BASE}/rounds/{round_['id']}/checks").json()["items"]
    assert [c["id"] for c in unreached] == [second["id"]]

    closed = boss.post(f"{BASE}/rounds/{round_['id']}/close", {})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert worker.get(f"{BASE}/checks/mine").json()["items"] == []
    assert_error(boss.post(f"{BASE}/rounds/{round_['id']}/close", {}), 422, "status")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"deadline": (TODAY - dt.timedelta(days=1)).isoformat()}, "deadline"),
        ({"checklist": [], "extra_questions": []}, "checklist"),
        ({"checklist": ["bogus"]}, "checklist.0"),
        ({"categories": ["no_such"]}, "categories.0"),
        ({"categories": [], "min_age": None}, "categories"),
        ({"min_age": 80, "max_age": 60}, "max_age"),
        ({"min_age": -1}, "min_age"),
        ({"name": ""}, "name"),
        ({"extra_questions": ["x" * 121]}, "extra_questions.0"),
        ({"extra_questions": ["no_such_question"]}, "extra_questions"),
        ({"interval_days": 0}, "interval_days"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_input_is_refused_naming_the_field(supervisor, areas, residents, changes, field):
    response = ApiClient(supervisor).post(f"{BASE}/rounds", _body(areas["county"], **changes))
    assert_error(response, 422, field)
    assert not WelfareRound.objects.exists() and not WelfareCheck.objects.exists()


def test_an_area_outside_the_scope_is_refused_naming_the_area(team_leader, areas, residents):
    for area in (areas["township2"], areas["county"]):
        response = ApiClient(team_leader).post(f"{BASE}/rounds", _body(area))
        assert_error(response, 422, "area")
    response = ApiClient(team_leader).post(
        f"{BASE}/rounds", {**_body(areas["county"]), "area": 2**40}
    )
    assert_error(response, 422, "area")
    assert not WelfareRound.objects.exists()


def test_a_stale_version_and_a_second_answer_are_refused(supervisor, worker_a, areas, residents):
    ApiClient(supervisor).post(f"{BASE}/rounds", _body(areas["county"]))
    worker = ApiClient(worker_a)
    check = worker.get(f"{BASE}/checks/mine").json()["items"][0]
    url = f"{BASE}/checks/{check['id']}/record"
    missing = worker.post(url, {"outcome": "done", "version": 1, "answers": {"heating": True}})
    assert_error(missing, 422, "answers.food_water")
    unknown = worker.post(url, {"outcome": "done", "version": 1, "answers": {**YES, "x": True}})
    assert_error(unknown, 422, "answers.x")
    assert worker.post(url, {"outcome": "done", "version": 1, "answers": YES}).status_code == 200
    stale = worker.post(url, {"outcome": "done", "version": 1, "answers": YES})
    body = assert_error(stale, 409)
    assert body["current"]["version"] == 2 and body["current"]["status"] == "done"
    twice = worker.post(url, {"outcome": "done", "version": 2, "answers": YES})
    assert_error(twice, 422, "outcome")
    assert WelfareCheck.objects.get(pk=check["id"]).attempts == 1


def test_reassigning_through_the_api(supervisor, worker_b, areas, residents):
    boss = ApiClient(supervisor)
    round_ = boss.post(f"{BASE}/rounds", _body(areas["county"])).json()
    pending = boss.get(
        f"{BASE}/rounds/{round_['id']}/checks", QUERY_STRING="status=pending"
    ).json()["items"]
    unassigned = [c["id"] for c in pending if c["worker"] is None]
    assert len(unassigned) == 1  # village C: nobody holds it, nobody has a location
    moved = boss.post(
        f"{BASE}/rounds/{round_['id']}/reassign", {"checks": unassigned, "worker": worker_b.pk}
    )
    assert moved.json() == {"reassigned": 1}
    assert WelfareCheck.objects.get(pk=unassigned[0]).worker == worker_b
    bad = boss.post(
        f"{BASE}/rounds/{round_['id']}/reassign", {"checks": [2**40], "worker": worker_b.pk}
    )
    assert_error(bad, 422, "checks")
    nobody = boss.post(
        f"{BASE}/rounds/{round_['id']}/reassign", {"checks": unassigned, "worker": supervisor.pk}
    )
    assert_error(nobody, 422, "worker")


def test_every_persona_gets_its_part(
    supervisor,
    team_leader,
    worker_a,
    worker_b,
    analyst,
    responder,
    administrator,
    areas,
    residents,
):
    round_ = ApiClient(supervisor).post(f"{BASE}/rounds", _body(areas["county"])).json()
    check_a = WelfareCheck.objects.filter(worker=worker_a).first()
    expected = {
        # (rounds listed, detail status, total seen, check_a status)
        supervisor: (1, 200, 3, 200),
        administrator: (1, 200, 3, 200),
        team_leader: (1, 200, 2, 200),  # the township's part of a county round
        worker_a: (0, 404, None, 200),
        worker_b: (0, 404, None, 404),
        analyst: (0, 404, None, 404),
        responder: (0, 404, None, 404),
    }
    for user, (listed, detail_status, total, check_status) in expected.items():
        client = ApiClient(user)
        assert len(client.get(f"{BASE}/rounds").json()["items"]) == listed, user.username
        detail = client.get(f"{BASE}/rounds/{round_['id']}")
        assert detail.status_code == detail_status, user.username
        if total is not None:
            assert detail.json()["coverage"]["total"] == total, user.username
        assert client.get(f"{BASE}/checks/{check_a.pk}").status_code == check_status, user.username
    # Writes: a worker may not start or close rounds; a team leader may not close a
    # county round; someone else's check is not there.
    assert_error(ApiClient(worker_a).post(f"{BASE}/rounds", _body(areas["village_a"])), 403)
    assert_error(ApiClient(analyst).post(f"{BASE}/rounds", _body(areas["county"])), 403)
    assert_error(ApiClient(team_leader).post(f"{BASE}/rounds/{round_['id']}/close", {}), 403)
    assert_error(ApiClient(worker_a).post(f"{BASE}/rounds/{round_['id']}/close", {}), 404)
    other = ApiClient(worker_b).post(
        f"{BASE}/checks/{check_a.pk}/record", {"outcome": "not_reached", "version": 1}
    )
    assert_error(other, 404)
    assert WelfareRound.objects.get().status == "open"


def test_the_schema_documents_the_welfare_api(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {
        "/api/v1/casework/welfare/rounds",
        "/api/v1/casework/welfare/rounds/{round_id}",
        "/api/v1/casework/welfare/rounds/{round_id}/checks",
        "/api/v1/casework/welfare/rounds/{round_id}/reassign",
        "/api/v1/casework/welfare/rounds/{round_id}/close",
        "/api/v1/casework/welfare/checks/mine",
        "/api/v1/casework/welfare/checks/{check_id}",
        "/api/v1/casework/welfare/checks/{check_id}/record",
    } <= set(paths)
