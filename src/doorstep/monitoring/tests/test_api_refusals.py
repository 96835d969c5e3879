"""Every refusal of the procedure through the API, step by step: a step out of order
(409), by a role or level that may not take it (403), by someone whose area does not
hold the household (404) — and nothing written by a refused call. The happy path is
test_api_procedure.py's."""

from __future__ import annotations

import datetime as dt

import pytest

from doorstep.accounts.models import Role
from doorstep.areas.models import AreaLevel
from doorstep.areas.services import area_create
from doorstep.core.testing import make_user
from doorstep.core.tests.api_clients import ApiClient, assert_error
from doorstep.monitoring import services
from doorstep.monitoring.models import HouseholdPoverty, Objection, Proposal, Step
from doorstep.monitoring.tests.helpers import CH, end_notice, line, propose, village_agree, year

pytestmark = pytest.mark.django_db
BASE = "/api/v1/monitoring"
TODAY = dt.date.today()
STAGES = ["village_review", "notice", "township_review", "county_decision"]


@pytest.fixture
def people(areas, worker_a, worker_b, team_leader, supervisor, analyst, responder):
    other_county = area_create(
        code="652922", name="温宿县", level=AreaLevel.COUNTY, parent=areas["prefecture"]
    )
    return {
        "worker_a": worker_a,
        "worker_b": worker_b,  # village B: not household A's
        "team_leader": team_leader,
        "supervisor": supervisor,
        "analyst": analyst,
        "responder": responder,
        "leader_township2": make_user(
            role=Role.TEAM_LEADER, area=areas["township2"], username="leader2"
        ),
        "supervisor_township": make_user(
            role=Role.SUPERVISOR, area=areas["township"], username="sup_township"
        ),
        "leader_county": make_user(role=Role.TEAM_LEADER, area=areas["county"], username="lc"),
        "supervisor_other_county": make_user(
            role=Role.SUPERVISOR, area=other_county, username="sup_other"
        ),
    }


def _at(stage, household, people) -> Proposal:
    """A proposal of household A walked (through the services) to `stage`."""
    p = propose(household, people["worker_a"])
    if stage == "village_review":
        return p
    village_agree(p, people["worker_a"])
    end_notice(p)
    for current, actor in (
        ("notice", "worker_a"),
        ("township_review", "team_leader"),
        ("county_decision", "supervisor"),
    ):
        if stage == current:
            break
        services.step_take(
            actor=people[actor], proposal=p, stage=current, decision="approve", channel=CH
        )
    p.refresh_from_db()
    assert p.stage == stage
    return p


def _body(stage: str) -> dict:
    body = {"stage": stage, "decision": "approve"}
    if stage == "village_review":
        body |= {"meeting_on": TODAY.isoformat(), "attendees": 12}
    return body


# (stage the proposal is at, who tries its step, the answer)
WRONG = [
    # Wrong area: the household is outside their scope.
    ("village_review", "worker_b", 404),
    ("notice", "worker_b", 404),
    ("township_review", "worker_b", 404),
    ("township_review", "leader_township2", 404),
    ("county_decision", "supervisor_other_county", 404),
    # Roles that see no households at all.
    *[(stage, persona, 404) for stage in STAGES for persona in ("analyst", "responder")],
    # Wrong role or level: they see the household but may not take this step.
    ("township_review", "worker_a", 403),
    ("county_decision", "worker_a", 403),
    ("county_decision", "team_leader", 403),
    ("county_decision", "leader_county", 403),
    ("county_decision", "supervisor_township", 403),
]


@pytest.fixture
def household(household_a, areas):
    year(household_a, TODAY.year, 5200, medical=18000)
    line(areas["county"], TODAY.year, 6800)
    return household_a


@pytest.mark.parametrize(("stage", "persona", "status"), WRONG)
def test_wrong_role_or_area_is_refused_and_writes_nothing(
    household, people, stage, persona, status
):
    p = _at(stage, household, people)
    steps = Step.objects.count()
    body = assert_error(
        ApiClient(people[persona]).post(f"{BASE}/proposals/{p.pk}/steps", _body(stage)), status
    )
    if status == 403:
        assert body["detail"]  # a translated message saying who may
    assert Step.objects.count() == steps
    assert Proposal.objects.get(pk=p.pk).stage == stage


@pytest.mark.parametrize(
    ("stage", "tried"), [(stage, tried) for stage in STAGES for tried in STAGES if tried != stage]
)
def test_every_step_out_of_order_is_409(household, people, stage, tried):
    p = _at(stage, household, people)
    # Tried by someone who could take `tried` in order: only the order refuses it.
    actor = {
        "village_review": "worker_a",
        "notice": "worker_a",
        "township_review": "team_leader",
        "county_decision": "supervisor",
    }[tried]
    body = assert_error(
        ApiClient(people[actor]).post(f"{BASE}/proposals/{p.pk}/steps", _body(tried)), 409
    )
    assert body["detail"]
    assert Proposal.objects.get(pk=p.pk).stage == stage


@pytest.mark.parametrize("tried", STAGES)
def test_no_step_after_the_decision(household, people, tried):
    p = _at("county_decision", household, people)
    services.step_take(
        actor=people["supervisor"],
        proposal=p,
        stage="county_decision",
        decision="approve",
        channel=CH,
    )
    actor = "supervisor" if tried != "village_review" else "worker_a"
    assert_error(ApiClient(people[actor]).post(f"{BASE}/proposals/{p.pk}/steps", _body(tried)), 409)


def test_objections_help_and_reviews_outside_the_area_or_role(household, people):
    p = _at("notice", household, people)
    objection = {"received_on": TODAY.isoformat(), "summary": "有异议"}
    for persona in ("worker_b", "analyst", "responder"):
        client = ApiClient(people[persona])
        assert_error(client.post(f"{BASE}/proposals/{p.pk}/objections", objection), 404)
    assert not Objection.objects.exists()
    HouseholdPoverty.objects.create(household=household, status="monitored")
    measure = {"kind": "other", "description": "临时救助", "started_on": TODAY.isoformat()}
    review = {"reviewed_on": TODAY.isoformat(), "note": "回访"}
    for persona in ("worker_b", "leader_township2", "supervisor_other_county", "analyst"):
        client = ApiClient(people[persona])
        assert_error(client.post(f"{BASE}/households/{household.pk}/help", measure), 404)
        assert_error(client.post(f"{BASE}/households/{household.pk}/reviews", review), 404)
    # Out of order: help and reviews only for a monitored household.
    HouseholdPoverty.objects.filter(household=household).update(status="risk_removed")
    worker = ApiClient(people["worker_a"])
    assert_error(worker.post(f"{BASE}/households/{household.pk}/help", measure), 409)
    assert_error(worker.post(f"{BASE}/households/{household.pk}/reviews", review), 409)


def test_risk_removal_refused_out_of_order_and_outside_the_area(household, people):
    worker = ApiClient(people["worker_a"])
    remove = {"kind": "remove", "risk_kinds": []}
    # Not monitored: nothing to remove.
    assert_error(worker.post(f"{BASE}/households/{household.pk}/proposals", remove), 409)
    HouseholdPoverty.objects.create(
        household=household, status="monitored", monitoring_type="unstable"
    )
    # Monitored, but this year's income is below the line.
    body = assert_error(worker.post(f"{BASE}/households/{household.pk}/proposals", remove), 409)
    assert body["detail"]
    # Outside the area.
    for persona in ("worker_b", "leader_township2", "analyst"):
        assert_error(
            ApiClient(people[persona]).post(f"{BASE}/households/{household.pk}/proposals", remove),
            404,
        )
    # A worker may propose but not record a status by hand.
    assert_error(
        worker.call("PUT", f"{BASE}/households/{household.pk}/status", {"status": "risk_removed"}),
        403,
    )
    assert not Proposal.objects.exists()
