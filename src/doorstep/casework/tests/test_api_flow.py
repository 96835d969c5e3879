"""The casework API end to end: log a visit, open a need, refer it, the responder
resolves it, the resident's confirmation closes it; conflicts, replays, query counts."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from doorstep.casework.models import Contact, ContactSchedule, Need, UnitMember
from doorstep.casework.services import pairing_create
from doorstep.casework.tests.factories import make_unit, open_need
from doorstep.core.testing import make_household
from doorstep.core.tests.api_clients import ApiClient, assert_error

pytestmark = pytest.mark.django_db

BASE = "/api/v1/casework"


@pytest.fixture
def paired(team_leader, worker_a, household_a):
    return pairing_create(actor=team_leader, worker=worker_a, household=household_a, channel="t")


def test_a_need_goes_from_a_visit_to_the_residents_confirmation(
    paired, worker_a, responder, household_a
):
    unit = make_unit(name="县人社局", accepts_referrals=True)
    UnitMember.objects.create(user=responder, unit=unit)
    worker, hr = ApiClient(worker_a), ApiClient(responder)

    visit = worker.post(
        f"{BASE}/contacts",
        {"household": household_a.pk, "kind": "visit", "met_with": "户主", "needs_found": "失业"},
    )
    assert visit.status_code == 201, visit.content
    assert ContactSchedule.objects.get(household=household_a).last_contact_at is not None

    need = worker.post(
        f"{BASE}/needs",
        {
            "household": household_a.pk,
            "category": "employment",
            "urgency": "high",
            "title": "找工作",
        },
    ).json()
    assert (need["status"], need["allowed_actions"]) == ("open", ["acknowledge"])
    need = worker.post(
        f"{BASE}/needs/{need['id']}/transitions", {"action": "acknowledge", "version": 1}
    ).json()
    referral = worker.post(f"{BASE}/needs/{need['id']}/referrals", {"unit": unit.pk}).json()
    inbox = hr.get(f"{BASE}/referrals").json()["items"]
    assert [r["id"] for r in inbox] == [referral["id"]]
    assert hr.post(f"{BASE}/referrals/{referral['id']}/accept", {}).status_code == 200
    need = worker.get(f"{BASE}/needs/{need['id']}").json()
    assert need["status"] == "in_progress"  # accepting set the need in progress
    for action in ("resolve",):
        response = hr.post(
            f"{BASE}/needs/{need['id']}/transitions",
            {"action": action, "version": need["version"]},
        )
        assert response.status_code == 200, response.content
        need = response.json()
    done = hr.post(
        f"{BASE}/referrals/{referral['id']}/actions", {"note": "安排到工地", "completed": True}
    )
    assert done.json()["status"] == "completed"
    need = worker.post(
        f"{BASE}/needs/{need['id']}/transitions", {"action": "confirm", "version": need["version"]}
    ).json()
    assert need["status"] == "confirmed"
    feedback = worker.post(f"{BASE}/needs/{need['id']}/feedback", {"satisfaction": 5})
    assert feedback.status_code == 201
    detail = worker.get(f"{BASE}/needs/{need['id']}").json()
    assert [e["kind"] for e in detail["timeline"]] == [
        "opened",
        "acknowledged",
        "referred",
        "referral_accepted",
        "started",
        "resolved",
        "referral_action",
        "confirmed",
        "feedback",
    ]


def test_a_stale_version_answers_409_with_what_changed(worker_a, team_leader, household_a):
    need = open_need(actor=worker_a, household=household_a)
    ApiClient(team_leader).patch(f"{BASE}/needs/{need.pk}", {"version": 1, "title": "屋顶塌了"})
    response = ApiClient(worker_a).patch(
        f"{BASE}/needs/{need.pk}", {"version": 1, "title": "我的修改"}
    )
    body = assert_error(response, 409)
    assert body["changed_fields"] == ["title"]
    assert body["current"]["version"] == 2 and body["current"]["title"] == "屋顶塌了"
    assert Need.objects.get(pk=need.pk).title == "屋顶塌了"


def test_a_stale_version_merges_when_the_other_side_changed_other_fields(
    worker_a, team_leader, household_a
):
    need = open_need(actor=worker_a, household=household_a)
    ApiClient(team_leader).patch(f"{BASE}/needs/{need.pk}", {"version": 1, "title": "屋顶塌了"})
    response = ApiClient(worker_a).patch(
        f"{BASE}/needs/{need.pk}", {"version": 1, "description": "我的修改"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 3
    need.refresh_from_db()
    assert (need.title, need.description) == ("屋顶塌了", "我的修改")


def test_an_invalid_transition_answers_422_with_the_reason(worker_a, household_a):
    need = open_need(actor=worker_a, household=household_a)
    response = ApiClient(worker_a).post(
        f"{BASE}/needs/{need.pk}/transitions", {"action": "resolve", "version": 1}
    )
    assert_error(response, 422, field="action")


def test_replaying_a_contact_with_the_same_key_creates_it_once(paired, worker_a, household_a):
    client = ApiClient(worker_a)
    key = str(uuid.uuid4())
    body = {"household": household_a.pk, "kind": "call"}
    first = client.post(f"{BASE}/contacts", body, HTTP_IDEMPOTENCY_KEY=key)
    again = client.post(f"{BASE}/contacts", body, HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Contact.objects.count() == 1


def test_replaying_a_transition_does_it_once(worker_a, household_a):
    need = open_need(actor=worker_a, household=household_a)
    client = ApiClient(worker_a)
    key = str(uuid.uuid4())
    body = {"action": "acknowledge", "version": 1}
    first = client.post(f"{BASE}/needs/{need.pk}/transitions", body, HTTP_IDEMPOTENCY_KEY=key)
    again = client.post(f"{BASE}/needs/{need.pk}/transitions", body, HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == again.status_code == 200
    assert Need.objects.get(pk=need.pk).version == 2


def test_a_contact_in_the_future_is_refused_with_the_field_named(paired, worker_a, household_a):
    response = ApiClient(worker_a).post(
        f"{BASE}/contacts",
        {"household": household_a.pk, "kind": "visit", "occurred_at": "2099-01-01T10:00:00+08:00"},
    )
    assert_error(response, 422, field="occurred_at")


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("path", ["/needs", "/referrals", "/contacts", "/pairings", "/due"])
def test_lists_cost_the_same_queries_for_two_rows_or_eight(
    path, team_leader, worker_a, areas, responder, monkeypatch
):
    from doorstep.casework import due_items

    # Other apps' due-item providers (welfare checks, placement follow-ups...) pin their
    # own query counts in their tests; this one counts the due list's own.
    monkeypatch.setattr(due_items, "_providers", [])
    unit = make_unit(accepts_referrals=True)
    client = ApiClient(team_leader)

    def add(n):
        from doorstep.casework.services import contact_log, referral_create

        for _ in range(n):
            household = make_household(area=areas["village_a"])
            pairing_create(actor=team_leader, worker=worker_a, household=household, channel="t")
            contact_log(actor=worker_a, household=household, kind="visit", channel="t")
            need = open_need(actor=worker_a, household=household)
            referral_create(actor=worker_a, need=need, unit=unit, channel="t")

    if path == "/due":
        client = ApiClient(worker_a)
    add(2)
    _queries(client, BASE + path)  # warm the token's last_used_at touch
    few = _queries(client, BASE + path)
    add(6)
    assert _queries(client, BASE + path) == few
    assert few <= 5  # one of them the audit event naming the households shown (issue 18)


def test_the_openapi_schema_lists_the_casework_operations(client):
    schema = client.get("/api/openapi.json").json()
    paths = [p for p in schema["paths"] if p.startswith("/api/v1/casework")]
    assert len(paths) >= 15
    transition = schema["paths"]["/api/v1/casework/needs/{need_id}/transitions"]["post"]
    assert {"200", "403", "404", "409", "422"} <= set(transition["responses"])


def test_the_summary_api_limits_the_workers_listed(team_leader, worker_a, household_a, areas):
    from django.test import Client

    from doorstep.casework.services import pairing_create

    pairing_create(actor=team_leader, worker=worker_a, household=household_a, channel="t")
    client = Client()
    client.force_login(team_leader)
    url = f"/api/v1/casework/overdue-summary?area={areas['township'].pk}"
    body = client.get(url + "&limit=1").json()
    assert body["workers_total"] == 1 and len(body["workers"]) == 1
    assert client.get(url + "&limit=0").status_code == 422
    assert client.get(url + "&limit=5000").status_code == 422
