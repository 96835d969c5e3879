"""The procedure through the API: the whole path, and every refusal (out of order,
wrong role, wrong area, bad input) with the API's one error shape."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from doorstep.core.tests.api_clients import ApiClient, assert_error
from doorstep.monitoring.models import HouseholdPoverty, PovertyStatus, Proposal, StatusChange
from doorstep.monitoring.tests.helpers import end_notice, line, propose, village_agree, year

pytestmark = pytest.mark.django_db
BASE = "/api/v1/monitoring"
TODAY = dt.date.today()


@pytest.fixture
def figures(household_a, areas):
    """Mu Yongsheng's household: income fell after illness, below the county's line."""
    year(household_a, TODAY.year - 1, 9000)
    year(household_a, TODAY.year, 5200, medical=18000)
    line(areas["county"], TODAY.year - 1, 6500)
    line(areas["county"], TODAY.year, 6800)
    return household_a


def _propose(client, household, **body):
    payload = {
        "kind": "enter",
        "monitoring_type": "unstable",
        "risk_kinds": ["illness", "income_drop"],
    }
    payload.update(body)
    return client.post(f"{BASE}/households/{household.pk}/proposals", payload)


def _step(client, proposal_id, stage, decision="approve", **extra):
    return client.post(
        f"{BASE}/proposals/{proposal_id}/steps", {"stage": stage, "decision": decision, **extra}
    )


def test_whole_path_enter_then_remove_through_the_api(figures, worker_a, team_leader, supervisor):
    worker, leader, boss = ApiClient(worker_a), ApiClient(team_leader), ApiClient(supervisor)
    r = _propose(worker, figures, note="收入因病下降")
    assert r.status_code == 201, r.content
    p = r.json()
    assert p["stage"] == "village_review"
    assert p["income_per_person"] == "5200.00" and p["monitoring_line"] == "6800.00"
    assert p["proposed_by"] == "worker_a"
    r = _step(worker, p["id"], "village_review", meeting_on=TODAY.isoformat(), attendees=15)
    assert r.status_code == 201, r.content
    assert r.json()["stage"] == "notice"
    assert r.json()["notice_ends_on"] == (TODAY + dt.timedelta(days=7)).isoformat()
    end_notice(Proposal.objects.get(pk=p["id"]))
    assert _step(worker, p["id"], "notice").json()["stage"] == "township_review"
    assert _step(leader, p["id"], "township_review").json()["stage"] == "county_decision"
    r = _step(boss, p["id"], "county_decision", reason="同意纳入监测")
    assert r.json()["stage"] == "approved"
    assert [s["stage"] for s in r.json()["steps"]] == [
        "village_review",
        "notice",
        "township_review",
        "county_decision",
    ]
    status = HouseholdPoverty.objects.get(household=figures)
    assert status.status == PovertyStatus.MONITORED
    assert status.monitoring_type == "unstable" and status.risk_kinds == "illness,income_drop"
    assert status.next_review_on == TODAY + dt.timedelta(days=30)
    # Help, then a year later: above the line, needs resolved → risk removed, same steps.
    r = worker.post(
        f"{BASE}/households/{figures.pk}/help",
        {"kind": "other", "description": "大病救助", "started_on": TODAY.isoformat()},
    )
    assert r.status_code == 201, r.content
    r = _propose(worker, figures, kind="remove", risk_kinds=[])
    assert r.status_code == 409  # this year's income is still below the line
    from doorstep.livelihoods.models import HouseholdYear

    HouseholdYear.objects.filter(household=figures, year=TODAY.year).update(income_per_person=9100)
    r = _propose(worker, figures, kind="remove", risk_kinds=[], note="收入稳定超过监测线")
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    _step(worker, pid, "village_review", meeting_on=TODAY.isoformat(), attendees=9)
    end_notice(Proposal.objects.get(pk=pid))
    _step(worker, pid, "notice")
    _step(leader, pid, "township_review")
    assert _step(boss, pid, "county_decision").json()["stage"] == "approved"
    status.refresh_from_db()
    assert status.status == PovertyStatus.RISK_REMOVED and status.risk_removed_on == TODAY
    assert list(
        StatusChange.objects.filter(household=figures).values_list("status", flat=True)
    ) == ["monitored", "risk_removed"]
    body = worker.get(f"{BASE}/households/{figures.pk}").json()
    assert body["status"]["status"] == "risk_removed"
    assert [f["above"] for f in body["figures"]] == [True, True]


def test_step_out_of_order_is_409(figures, worker_a, supervisor):
    p = propose(figures, worker_a)
    body = assert_error(_step(ApiClient(supervisor), p.pk, "county_decision"), 409)
    assert "村级评议" in body["detail"]  # requests default to Chinese
    assert_error(_step(ApiClient(worker_a), p.pk, "notice"), 409)


def test_notice_cannot_close_before_its_period_ends(figures, worker_a):
    p = propose(figures, worker_a)
    village_agree(p, worker_a)
    body = assert_error(_step(ApiClient(worker_a), p.pk, "notice"), 409)
    assert (TODAY + dt.timedelta(days=7)).isoformat() in body["detail"]


def test_worker_may_not_take_the_township_or_county_steps(figures, worker_a):
    p = propose(figures, worker_a)
    village_agree(p, worker_a)
    end_notice(p)
    _step(ApiClient(worker_a), p.pk, "notice")
    assert_error(_step(ApiClient(worker_a), p.pk, "township_review"), 403)


def test_team_leader_may_not_decide_for_the_county(figures, worker_a, team_leader):
    p = propose(figures, worker_a)
    village_agree(p, worker_a)
    end_notice(p)
    _step(ApiClient(worker_a), p.pk, "notice")
    _step(ApiClient(team_leader), p.pk, "township_review")
    body = assert_error(_step(ApiClient(team_leader), p.pk, "county_decision"), 403)
    assert "县级" in body["detail"]


def test_worker_of_another_village_gets_404_everywhere(figures, worker_a, worker_b):
    p = propose(figures, worker_a)
    b = ApiClient(worker_b)
    assert_error(_propose(b, figures), 404)
    assert_error(_step(b, p.pk, "village_review", meeting_on=TODAY.isoformat(), attendees=3), 404)
    assert_error(b.get(f"{BASE}/proposals/{p.pk}"), 404)
    assert_error(b.get(f"{BASE}/households/{figures.pk}"), 404)
    assert p.pk not in [x["id"] for x in b.get(f"{BASE}/proposals").json()["items"]]


@pytest.mark.parametrize("persona", ["analyst", "responder"])
def test_roles_without_records_get_404(request, figures, worker_a, persona):
    p = propose(figures, worker_a)
    client = ApiClient(request.getfixturevalue(persona))
    assert_error(_propose(client, figures), 404)
    assert_error(client.get(f"{BASE}/proposals/{p.pk}"), 404)
    assert_error(_step(client, p.pk, "village_review"), 404)
    assert client.get(f"{BASE}/proposals").json()["items"] == []


def test_township_of_another_township_cannot_review(figures, worker_a, areas):
    from doorstep.accounts.models import Role
    from doorstep.core.testing import make_user

    other = make_user(role=Role.TEAM_LEADER, area=areas["township2"], username="leader2")
    p = propose(figures, worker_a)
    village_agree(p, worker_a)
    end_notice(p)
    _step(ApiClient(worker_a), p.pk, "notice")
    assert_error(_step(ApiClient(other), p.pk, "township_review"), 404)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "sideways"}, "kind"),
        ({"risk_kinds": ["religion"]}, "risk_kinds"),
        ({"risk_kinds": []}, "risk_kinds"),
        ({"monitoring_type": "dangerous"}, "monitoring_type"),
        ({"note": "x" * 2001}, "note"),
    ],
)
def test_bad_proposal_input_is_422_naming_the_field(figures, worker_a, body, field):
    assert_error(_propose(ApiClient(worker_a), figures, **body), 422, field)
    assert not Proposal.objects.exists()


def test_bad_step_input_is_422_naming_the_field(figures, worker_a):
    p = propose(figures, worker_a)
    w = ApiClient(worker_a)
    assert_error(_step(w, p.pk, "village_review", attendees=5), 422, "meeting_on")
    assert_error(_step(w, p.pk, "village_review", meeting_on=TODAY.isoformat()), 422, "attendees")
    future = (TODAY + dt.timedelta(days=3)).isoformat()
    assert_error(
        _step(w, p.pk, "village_review", meeting_on=future, attendees=4), 422, "meeting_on"
    )
    assert_error(_step(w, p.pk, "village_review", decision="maybe"), 422, "decision")
    assert_error(_step(w, p.pk, "village_review", decision="return"), 422, "reason")
    assert not p.steps.exists()


def test_return_ends_the_proposal_with_its_reason(figures, worker_a):
    p = propose(figures, worker_a)
    r = _step(
        ApiClient(worker_a),
        p.pk,
        "village_review",
        decision="return",
        reason="收入未下降",
        meeting_on=TODAY.isoformat(),
        attendees=12,
    )
    assert r.status_code == 201
    assert r.json()["stage"] == "returned" and r.json()["returned_reason"] == "收入未下降"
    assert_error(_step(ApiClient(worker_a), p.pk, "notice"), 409)
    assert not HouseholdPoverty.objects.filter(household=figures, status="monitored").exists()
    # A new proposal may be made once the first was returned.
    assert _propose(ApiClient(worker_a), figures).status_code == 201


def test_a_second_open_proposal_is_refused(figures, worker_a):
    propose(figures, worker_a)
    assert_error(_propose(ApiClient(worker_a), figures), 409)


def test_objection_needs_an_answer_before_the_notice_closes(figures, worker_a):
    p = propose(figures, worker_a)
    w = ApiClient(worker_a)
    assert_error(
        w.post(
            f"{BASE}/proposals/{p.pk}/objections",
            {"received_on": TODAY.isoformat(), "summary": "x"},
        ),
        409,
    )
    village_agree(p, worker_a)
    r = w.post(
        f"{BASE}/proposals/{p.pk}/objections",
        {"received_on": TODAY.isoformat(), "summary": "邻居认为其收入不低"},
    )
    assert r.status_code == 201, r.content
    assert_error(
        w.post(
            f"{BASE}/proposals/{p.pk}/objections", {"received_on": TODAY.isoformat(), "summary": ""}
        ),
        422,
        "summary",
    )
    end_notice(p)
    assert_error(_step(w, p.pk, "notice"), 422, "reason")
    assert _step(w, p.pk, "notice", reason="核实后收入确已下降").status_code == 201


def test_county_settings_skip_levels_and_set_the_notice(
    figures, worker_a, supervisor, team_leader, areas
):
    county = areas["county"].pk
    boss = ApiClient(supervisor)
    body = {
        "village_review": False,
        "township_review": False,
        "notice_days": 5,
        "stable_years": 2,
        "review_days": 30,
    }
    from doorstep.accounts.models import Role
    from doorstep.core.testing import make_user

    county_leader = make_user(role=Role.TEAM_LEADER, area=areas["county"], username="cl")
    url = f"{BASE}/counties/{county}/settings"
    assert_error(ApiClient(county_leader).call("PUT", url, body), 403)
    # The county is outside a township's or a village's area: not found.
    assert_error(ApiClient(team_leader).call("PUT", url, body), 404)
    assert_error(ApiClient(worker_a).call("PUT", url, body), 404)
    assert_error(
        boss.call("PUT", f"{BASE}/counties/{county}/settings", {**body, "notice_days": 0}),
        422,
        "notice_days",
    )
    r = boss.call("PUT", f"{BASE}/counties/{county}/settings", body)
    assert r.status_code == 200 and r.json()["notice_days"] == 5
    r = boss.call("PUT", f"{BASE}/counties/{county}/lines", {"year": 2030, "amount": "7100"})
    assert r.json()["lines"]["2030"] == "7100.00"
    p = ApiClient(worker_a)
    r = _propose(p, figures)
    assert r.json()["stage"] == "notice"  # no village review in this county
    assert r.json()["notice_ends_on"] == (TODAY + dt.timedelta(days=5)).isoformat()
    assert_error(
        _step(p, r.json()["id"], "village_review", meeting_on=TODAY.isoformat(), attendees=3), 409
    )
    end_notice(Proposal.objects.get(pk=r.json()["id"]))
    assert _step(p, r.json()["id"], "notice").json()["stage"] == "county_decision"


def test_help_refused_unless_monitored_and_must_link_the_households_record(
    figures, worker_a, household_b, supervisor
):
    w = ApiClient(worker_a)
    help_body = {"kind": "other", "description": "慰问", "started_on": TODAY.isoformat()}
    assert_error(w.post(f"{BASE}/households/{figures.pk}/help", help_body), 409)
    HouseholdPoverty.objects.create(household=figures, status="monitored")
    from doorstep.casework.services import need_open

    other_need = need_open(
        actor=supervisor, household=household_b, category="medical_costs", title="x", channel="t"
    )
    assert_error(
        w.post(
            f"{BASE}/households/{figures.pk}/help",
            {**help_body, "kind": "need", "record_id": other_need.pk},
        ),
        422,
        "record_id",
    )
    assert_error(
        w.post(f"{BASE}/households/{figures.pk}/help", {**help_body, "kind": "need"}),
        422,
        "record_id",
    )
    assert_error(
        w.post(f"{BASE}/households/{figures.pk}/help", {**help_body, "kind": "gift"}), 422, "kind"
    )


def test_status_by_hand_only_never_or_lifted_and_only_by_leaders(figures, worker_a, team_leader):
    url = f"{BASE}/households/{figures.pk}/status"
    assert_error(
        ApiClient(worker_a).call("PUT", url, {"status": "lifted", "lifted_year": 2019}), 403
    )
    leader = ApiClient(team_leader)
    assert_error(leader.call("PUT", url, {"status": "monitored"}), 422, "status")
    assert_error(leader.call("PUT", url, {"status": "lifted"}), 422, "lifted_year")
    r = leader.call("PUT", url, {"status": "lifted", "lifted_year": 2019})
    assert r.status_code == 200 and r.json()["lifted_year"] == 2019


def test_writes_replay_with_the_same_idempotency_key(figures, worker_a):
    w = ApiClient(worker_a)
    key = str(uuid.uuid4())
    body = {"kind": "enter", "monitoring_type": "edge", "risk_kinds": ["illness"]}
    first = w.post(f"{BASE}/households/{figures.pk}/proposals", body, HTTP_IDEMPOTENCY_KEY=key)
    again = w.post(f"{BASE}/households/{figures.pk}/proposals", body, HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert Proposal.objects.count() == 1


def test_refusals_are_translated(figures, worker_a, supervisor):
    p = propose(figures, worker_a)
    r = ApiClient(supervisor, HTTP_ACCEPT_LANGUAGE="zh-hans").post(
        f"{BASE}/proposals/{p.pk}/steps", {"stage": "county_decision", "decision": "approve"}
    )
    assert r.status_code == 409
    assert "村级评议" in r.json()["detail"]
