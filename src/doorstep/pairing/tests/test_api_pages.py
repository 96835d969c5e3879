"""The pairing API and pages tried by every persona."""

from __future__ import annotations

import pytest
from django.test import Client

from doorstep.casework.services import pairing_create
from doorstep.core.tests.api_clients import ApiClient, assert_error
from doorstep.pairing import services
from doorstep.pairing.models import DevelopmentNeed, MemberSkill, PlanStatus, VillageNeed

pytestmark = pytest.mark.django_db
BASE = "/api/v1/pairing"
PERSONAS = [
    "worker_a",
    "worker_b",
    "team_leader",
    "supervisor",
    "analyst",
    "responder",
    "administrator",
]


@pytest.fixture
def plan(areas, world, team_leader):
    p = services.plan_create(actor=team_leader, area=areas["township"], channel="t", enqueue=False)
    services.plan_compute(plan_id=p.pk, processes=1)
    p.refresh_from_db()
    assert p.status == PlanStatus.READY
    return p


@pytest.mark.parametrize("persona", PERSONAS)
def test_plan_is_seen_only_by_planners_of_its_area(request, persona, plan):
    user = request.getfixturevalue(persona)
    api = ApiClient(user)
    response = api.get(f"{BASE}/plans/{plan.pk}")
    listed = api.get(f"{BASE}/plans").json()["items"]
    if persona in {"team_leader", "supervisor", "administrator"}:
        assert response.status_code == 200
        body = response.json()
        assert body["plan"]["status"] == "ready"
        assert {row["name"] for row in body["areas"]} == {"英巴格社区", "东大街社区"}
        assert [p["id"] for p in listed] == [plan.pk]
        changes = api.get(f"{BASE}/plans/{plan.pk}/changes").json()["items"]
        assert len(changes) == 5
    else:
        assert_error(response, 404)
        assert listed == []
        assert_error(api.get(f"{BASE}/plans/{plan.pk}/changes"), 404)
        assert_error(api.post(f"{BASE}/plans/{plan.pk}/apply", {"confirm": True}), 404)


def test_create_compute_and_apply_through_the_api(
    areas, world, supervisor, django_capture_on_commit_callbacks
):
    api = ApiClient(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(f"{BASE}/plans", {"area": areas["county"].pk, "capacity": 3})
    assert created.status_code == 202, created.content
    plan_id = created.json()["id"]
    assert api.get(f"{BASE}/plans/{plan_id}").json()["plan"]["status"] == "ready"
    assert_error(api.post(f"{BASE}/plans/{plan_id}/apply", {"confirm": False}), 422, "confirm")
    applied = api.post(f"{BASE}/plans/{plan_id}/apply", {"confirm": True})
    assert applied.status_code == 200, applied.content
    assert applied.json()["created"] == 5


def test_bad_plan_input_names_the_field(areas, supervisor, team_leader):
    assert_error(
        ApiClient(supervisor).post(f"{BASE}/plans", {"area": areas["county"].pk, "capacity": 0}),
        422,
        "capacity",
    )
    assert_error(
        ApiClient(supervisor).post(
            f"{BASE}/plans", {"area": areas["county"].pk, "continuity_weight": -5}
        ),
        422,
        "continuity_weight",
    )
    # A team leader's county is outside their township: 404, never 403.
    assert_error(ApiClient(team_leader).post(f"{BASE}/plans", {"area": areas["county"].pk}), 404)


def test_plan_page_shows_progress_preview_and_applies(areas, world, plan, team_leader):
    client = Client()
    client.force_login(team_leader)
    page = client.get(f"/pairing/plans/{plan.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="plan-figures"' in html and 'id="plan-areas"' in html
    fragment = client.get(f"/pairing/plans/{plan.pk}/progress/", HTTP_HX_REQUEST="true")
    assert fragment["HX-Refresh"] == "true"
    drill = client.get(f"/pairing/plans/{plan.pk}/?area={areas['village_a'].pk}")
    assert drill.status_code == 200
    refused = client.post(f"/pairing/plans/{plan.pk}/apply/")
    assert refused.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.READY
    client.post(f"/pairing/plans/{plan.pk}/apply/", {"confirm": "yes"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPLIED


def test_home_page_creates_a_plan(areas, world, supervisor):
    client = Client()
    client.force_login(supervisor)
    assert client.get("/pairing/").status_code == 200
    bad = client.post("/pairing/", {"area": areas["county"].pk, "capacity": 0})
    assert bad.status_code == 400
    ok = client.post(
        "/pairing/",
        {
            "area": areas["county"].pk,
            "capacity": 3,
            "continuity_weight": 2000,
            "language_penalty": 5000,
            "skill_penalty": 1000,
        },
    )
    assert ok.status_code == 302


@pytest.fixture
def due_world(areas, world, worker_a, team_leader):
    for h in world["a"]:
        pairing_create(actor=team_leader, worker=worker_a, household=h, channel="t")
    import datetime as dt

    from doorstep.casework.models import ContactSchedule

    ContactSchedule.objects.update(next_due_on=dt.date(2020, 1, 1))
    return world


@pytest.mark.parametrize("persona", PERSONAS)
def test_route_of_worker_a_by_persona(request, persona, due_world, worker_a):
    user = request.getfixturevalue(persona)
    response = ApiClient(user).get(f"{BASE}/route?worker={worker_a.pk}")
    if persona in {"worker_a", "team_leader", "supervisor", "administrator"}:
        body = response.json()
        assert response.status_code == 200
        assert sorted(s["household"] for s in body["stops"]) == sorted(h.pk for h in due_world["a"])
        assert body["length_m"] <= body["due_order_length_m"]
    else:
        assert_error(response, 404)


def test_route_page_draws_the_map(due_world, worker_a):
    client = Client()
    client.force_login(worker_a)
    html = client.get("/pairing/route/").content.decode()
    assert "data-route-map" in html and 'id="route-points"' in html
    assert html.count('<li class="card" data-household=') == 3


@pytest.fixture
def team_world(areas, worker_a, worker_b):
    VillageNeed.objects.create(village=areas["village_a"], need=DevelopmentNeed.TOURISM, priority=3)
    VillageNeed.objects.create(village=areas["village_b"], need=DevelopmentNeed.HEALTH, priority=2)
    MemberSkill.objects.create(member=worker_a, skill=DevelopmentNeed.HEALTH, years=4)
    MemberSkill.objects.create(member=worker_b, skill=DevelopmentNeed.TOURISM, years=6)


@pytest.mark.parametrize("persona", PERSONAS)
def test_team_proposal_by_persona(request, persona, team_world, areas, worker_a, worker_b):
    user = request.getfixturevalue(persona)
    response = ApiClient(user).get(f"{BASE}/teams?area={areas['township'].pk}&team_max=2")
    if persona in {"team_leader", "supervisor", "administrator"}:
        body = response.json()
        assert body["status"] == "optimal" and body["coverage"] == 1.0
        pairs = {(m["member"], m["village"]) for m in body["matches"]}
        assert pairs == {(worker_b.pk, areas["village_a"].pk), (worker_a.pk, areas["village_b"].pk)}
        assert all(m["explanation"] for m in body["matches"])
    else:
        assert_error(response, 404)


def test_team_page_says_when_members_are_short(areas, team_world, supervisor):
    MemberSkill.objects.filter(skill=DevelopmentNeed.HEALTH).delete()
    client = Client()
    client.force_login(supervisor)
    html = client.get(f"/pairing/teams/?area={areas['township'].pk}&team_max=2").content.decode()
    assert 'id="team-message"' in html


def test_demo_data_feeds_the_team_proposal(areas, world, worker_a, worker_b):
    from doorstep.accounts.models import Role
    from doorstep.core.testing import make_user
    from doorstep.pairing.demo import pairing_demo_load
    from doorstep.pairing.reads import team_proposal

    assert pairing_demo_load() == 0  # no demo supervisor: nothing to do
    make_user(role=Role.SUPERVISOR, area=areas["county"], username="demo_supervisor")
    assert pairing_demo_load() > 0
    proposal = team_proposal(areas["county"], team_max=3)
    assert proposal.status in {"optimal", "feasible", "infeasible"}
    assert MemberSkill.objects.filter(member=worker_a).exists()
