"""A returned proposal is amended and resubmitted: the history keeps every step and
what the proposal said before; the step that returned it takes it again."""

from __future__ import annotations

import datetime as dt

import pytest

from doorstep.core.tests.api_clients import ApiClient, assert_error
from doorstep.monitoring import services
from doorstep.monitoring.models import Proposal, Step
from doorstep.monitoring.tests.helpers import CH, end_notice, line, propose, village_agree, year

pytestmark = pytest.mark.django_db
BASE = "/api/v1/monitoring"
TODAY = dt.date.today()


@pytest.fixture
def figures(household_a, areas):
    year(household_a, TODAY.year, 5200, medical=18000)
    line(areas["county"], TODAY.year, 6800)
    return household_a


def _return(proposal, actor, stage, **extra):
    return services.step_take(
        actor=actor,
        proposal=proposal,
        stage=stage,
        decision="return",
        reason="材料不全",
        channel=CH,
        **extra,
    )


def _to_township(p, worker):
    village_agree(p, worker)
    end_notice(p)
    services.step_take(actor=worker, proposal=p, stage="notice", decision="approve", channel=CH)


def test_returned_at_the_township_restarts_at_the_township(figures, worker_a, team_leader):
    p = propose(figures, worker_a)
    _to_township(p, worker_a)
    _return(p, team_leader, "township_review")
    r = ApiClient(worker_a).post(
        f"{BASE}/proposals/{p.pk}/resubmit",
        {"reason": "补充了医疗费用票据", "risk_kinds": ["illness", "income_drop"]},
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["stage"] == "township_review" and body["returned_reason"] == ""
    assert body["risk_kinds"] == ["illness", "income_drop"]
    # History kept: every step, the return and the resubmission with what it said before.
    assert [(s["stage"], s["decision"]) for s in body["steps"]] == [
        ("village_review", "approve"),
        ("notice", "approve"),
        ("township_review", "return"),
        ("township_review", "resubmit"),
    ]
    before = body["steps"][-1]["previous"]
    assert before["risk_kinds"] == ["illness"] and before["returned_reason"] == "材料不全"
    # The procedure goes on from there to the county.
    services.step_take(
        actor=team_leader, proposal=p, stage="township_review", decision="approve", channel=CH
    )
    assert Proposal.objects.get(pk=p.pk).stage == "county_decision"


def test_returned_at_the_village_restarts_at_the_village(figures, worker_a):
    p = propose(figures, worker_a)
    _return(p, worker_a, "village_review", meeting_on=TODAY, attendees=9)
    services.proposal_resubmit(actor=worker_a, proposal=p, reason="重新核实收入", channel=CH)
    p.refresh_from_db()
    assert p.stage == "village_review" and p.notice_starts_on is None


def test_a_new_type_after_the_notice_posts_the_notice_again(figures, worker_a, supervisor):
    p = propose(figures, worker_a)
    _to_township(p, worker_a)
    services.step_take(
        actor=supervisor, proposal=p, stage="township_review", decision="approve", channel=CH
    )
    _return(p, supervisor, "county_decision")
    services.proposal_resubmit(
        actor=worker_a,
        proposal=p,
        reason="改为突发严重困难户",
        monitoring_type="sudden",
        channel=CH,
    )
    p.refresh_from_db()
    assert p.stage == "notice" and p.monitoring_type == "sudden"
    assert p.notice_starts_on == TODAY and p.notice_ends_on == TODAY + dt.timedelta(days=7)


def test_resubmit_refusals(figures, worker_a, worker_b, analyst, areas):
    p = propose(figures, worker_a)
    w = ApiClient(worker_a)
    url = f"{BASE}/proposals/{p.pk}/resubmit"
    # Out of order: the proposal is still in progress.
    assert_error(w.post(url, {"reason": "x"}), 409)
    _return(p, worker_a, "village_review", meeting_on=TODAY, attendees=9)
    # Wrong area, and roles without the household: not found.
    assert_error(ApiClient(worker_b).post(url, {"reason": "x"}), 404)
    assert_error(ApiClient(analyst).post(url, {"reason": "x"}), 404)
    # Bad input names the field; nothing is written.
    assert_error(w.post(url, {"reason": ""}), 422, "reason")
    assert_error(w.post(url, {"reason": "x", "risk_kinds": ["religion"]}), 422, "risk_kinds")
    assert_error(w.post(url, {"reason": "x", "monitoring_type": "odd"}), 422, "monitoring_type")
    assert Proposal.objects.get(pk=p.pk).stage == "returned"
    # A newer proposal: the old one stays returned.
    propose(figures, worker_a)
    body = assert_error(w.post(url, {"reason": "x"}), 409)
    assert body["detail"]
    assert not Step.objects.filter(decision="resubmit").exists()


def test_a_step_cannot_be_decided_as_a_resubmission(figures, worker_a):
    p = propose(figures, worker_a)
    r = ApiClient(worker_a).post(
        f"{BASE}/proposals/{p.pk}/steps",
        {
            "stage": "village_review",
            "decision": "resubmit",
            "meeting_on": TODAY.isoformat(),
            "attendees": 5,
        },
    )
    assert_error(r, 422, "decision")


def test_resubmit_through_the_page(client, figures, worker_a, team_leader):
    p = propose(figures, worker_a)
    _to_township(p, worker_a)
    _return(p, team_leader, "township_review")
    client.force_login(worker_a)
    page = client.get(f"/monitoring/proposals/{p.pk}/")
    assert b'data-form="resubmit"' in page.content
    r = client.post(f"/monitoring/proposals/{p.pk}/resubmit/", {"reason": ""})
    assert r.status_code == 422
    assert Proposal.objects.get(pk=p.pk).stage == "returned"
    r = client.post(
        f"/monitoring/proposals/{p.pk}/resubmit/",
        {"reason": "补充材料", "risk_kinds": ["illness"], "note": "已补充"},
    )
    assert r.status_code == 302
    assert Proposal.objects.get(pk=p.pk).stage == "township_review"
    page = client.get(f"/monitoring/proposals/{p.pk}/")
    assert b"data-previous" in page.content and "材料不全" in page.content.decode()
    # The team leader has no resubmit form on a proposal in progress.
    client.force_login(team_leader)
    assert b'data-form="resubmit"' not in client.get(f"/monitoring/proposals/{p.pk}/").content
