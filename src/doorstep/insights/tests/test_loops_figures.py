"""The loops show in the figures: a referral answered and a relapse episode helped,
resolved today, appear in the county dashboard and the team's quarterly assessment
(needs opened and resolved, referrals, relapse flags raised and none left open,
placements)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from doorstep.casework.models import UnitMember
from doorstep.casework.services import pairing_create
from doorstep.casework.tests.factories import make_unit, open_need
from doorstep.core.tests.api_clients import ApiClient
from doorstep.insights import rollup
from doorstep.livelihoods import services as livelihoods
from doorstep.livelihoods.models import FlagStatus, RelapseFlag
from doorstep.livelihoods.tests.factories import adult, employer, opening, seeker

pytestmark = pytest.mark.django_db
CH = "test"


def _walk(worker, need_id):
    client = ApiClient(worker)
    for action in ("acknowledge", "start", "resolve"):
        need = client.get(f"/api/v1/casework/needs/{need_id}").json()
        if action in need["allowed_actions"]:
            client.post(
                f"/api/v1/casework/needs/{need_id}/transitions",
                {"action": action, "version": need["version"]},
            )


def test_the_loops_appear_in_the_dashboard_and_the_quarterly_assessment(
    areas, worker_a, team_leader, supervisor, responder, household_a
):
    today = timezone.localdate()
    pairing_create(actor=team_leader, worker=worker_a, household=household_a, channel=CH)
    # Loop 1: a referral accepted and completed, the need resolved.
    unit = make_unit(name="县民政局", accepts_referrals=True, area=areas["county"])
    UnitMember.objects.create(user=responder, unit=unit)
    need = open_need(actor=worker_a, household=household_a, category="income")
    worker, dept = ApiClient(worker_a), ApiClient(responder)
    referral = worker.post(f"/api/v1/casework/needs/{need.pk}/referrals", {"unit": unit.pk}).json()
    dept.post(f"/api/v1/casework/referrals/{referral['id']}/accept", {})
    dept.post(
        f"/api/v1/casework/referrals/{referral['id']}/actions",
        {"note": "已发放", "completed": True, "final": True},
    )
    # Loop 2: a relapse episode, help linked (a placement), resolved.
    emp = employer(team_leader, areas["village_a"])
    job = opening(team_leader, emp, skills=("tailoring",))
    s = seeker(worker_a, adult(household_a), skills=("tailoring",))
    p = livelihoods.proposal_create(actor=worker_a, opening=job, seeker=s, channel=CH)
    livelihoods.proposal_agree(actor=worker_a, proposal=p, channel=CH)
    placement = livelihoods.proposal_accept(
        actor=worker_a, proposal=p, started_on=today - dt.timedelta(days=1), channel=CH
    )
    livelihoods.life_event_record(
        actor=worker_a, household=household_a, kind="job_lost", occurred_on=today, channel=CH
    )
    flag = RelapseFlag.objects.get(household=household_a)
    worker.post(
        "/api/v1/livelihoods/help-links",
        {"kind": "placement", "id": placement.pk, "needs": [flag.need_id]},
    )
    _walk(worker_a, flag.need_id)
    assert not RelapseFlag.objects.filter(status=FlagStatus.OPEN).exists()

    rollup.refresh(first_day=today - dt.timedelta(days=1), last_day=today, today=today)
    quarter = {"period": "quarter", "date": today.isoformat()}
    board = ApiClient(supervisor).get(
        f"/api/v1/insights/areas/{areas['county'].pk}/dashboard", data=quarter
    )
    assert board.status_code == 200, board.content
    body = board.json()
    assert body["figures"]["needs_opened"] == 2
    assert body["figures"]["needs_resolved"] == 2
    assert body["figures"]["referrals"] == 1
    assert body["livelihoods"]["relapse_flags_raised"] == 1
    assert body["livelihoods"]["relapse_flags_open"] == 0
    assert body["livelihoods"]["placements"] == 1
    report = ApiClient(supervisor).get(
        f"/api/v1/insights/teams/{areas['township'].pk}/reports/{today.year}",
        data={"quarter": (today.month - 1) // 3 + 1},
    )
    assert report.status_code == 200, report.content
    figures = report.json()["dashboard"]["figures"]
    assert (figures["needs_opened"], figures["needs_resolved"]) == (2, 2)
