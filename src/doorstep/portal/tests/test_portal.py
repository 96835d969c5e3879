"""What a signed-in resident sees and does: their household only (404 for anything
else), needs with their timeline, contacts, who opened the record; a new need for the
paired worker, a correction request the worker resolves, consent, a rating."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from doorstep.casework.models import ContactSchedule, Feedback, Need, NeedEvent
from doorstep.casework.services import contact_log, pairing_create
from doorstep.casework.services.needs import need_transition
from doorstep.casework.tests.factories import open_need
from doorstep.privacy.models import AuditEvent, ConsentChange, CorrectionRequest
from doorstep.registry.selectors import household_for


@pytest.fixture
def paired(resident_a, household_a, worker_a, team_leader):
    worker_a.first_name, worker_a.last_name = "伟", "王"
    worker_a.save()
    pairing_create(
        actor=team_leader,
        worker=worker_a,
        household=household_a,
        started_on=timezone.localdate() - dt.timedelta(days=10),
        channel="test",
    )
    return household_a


def _auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_the_home_page_shows_the_record_needs_contacts_and_who_opened_it(
    portal_client, paired, worker_a, supervisor, household_b
):
    need = open_need(actor=worker_a, household=paired)
    other_need = open_need(actor=worker_a, household=household_b)
    contact_log(actor=worker_a, household=paired, kind="visit", channel="test")
    household_for(worker_a, paired.pk, channel="page:household")
    household_for(supervisor, paired.pk, channel="api:v1:households")
    page = portal_client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    html = page.content.decode()
    assert paired.household_no in html
    assert f'data-need="{need.pk}"' in html and f'data-need="{other_need.pk}"' not in html
    assert household_b.household_no not in html
    assert "王伟" in html  # the worker by name (visit, pairing, record opened)
    assert "<span>Supervisor</span>" in html
    assert supervisor.username not in html  # other staff appear by role only


def test_every_portal_read_is_audited_with_the_resident_as_actor(
    portal_client, paired, resident_a, worker_a
):
    need = open_need(actor=worker_a, household=paired)
    portal_client.get(reverse("portal:home"))
    portal_client.get(reverse("portal:need", args=[need.pk]))
    events = AuditEvent.objects.filter(by_resident_id=resident_a.pk, action="view")
    assert {(e.object_type, e.channel) for e in events} == {
        ("household", "portal:home"),
        ("need", "portal:need"),
    }
    assert all(e.actor_id is None and e.household_id == paired.pk for e in events)


def test_a_resident_can_never_open_another_households_need(
    portal_client, portal_token, paired, household_b, worker_b, client
):
    other = open_need(actor=worker_b, household=household_b)
    assert portal_client.get(reverse("portal:need", args=[other.pk])).status_code == 404
    assert portal_client.get(reverse("portal:need", args=[999999])).status_code == 404
    api = client.get(f"/api/v1/portal/needs/{other.pk}", **_auth(portal_token))
    assert api.status_code == 404
    rate = client.post(
        f"/api/v1/portal/needs/{other.pk}/feedback",
        {"satisfaction": 5},
        content_type="application/json",
        **_auth(portal_token),
    )
    assert rate.status_code == 404
    assert not Feedback.objects.exists()


def test_a_need_sent_from_the_portal_goes_to_the_paired_worker(
    portal_client, paired, worker_a, client
):
    response = portal_client.post(
        reverse("portal:need_create"),
        {"category": "housing", "title": "屋顶漏雨", "description": "下雨时漏"},
    )
    assert response.status_code == 302
    need = Need.objects.get(household=paired)
    assert (need.owner, need.opened_by, need.status) == (worker_a, None, "open")
    event = NeedEvent.objects.get(need=need)
    assert event.detail["source"] == "resident"
    # The worker sees it among their needs.
    client.force_login(worker_a)
    assert client.get(reverse("casework:need", args=[need.pk])).status_code == 200


def test_a_bad_need_form_answers_400_naming_the_field(portal_client, paired):
    response = portal_client.post(
        reverse("portal:need_create"), {"category": "weather", "title": ""}
    )
    assert response.status_code == 400
    assert not Need.objects.exists()


def test_the_resident_follows_the_timeline_and_rates_the_help_once(portal_client, paired, worker_a):
    need = open_need(actor=worker_a, household=paired)
    page = portal_client.get(reverse("portal:need", args=[need.pk])).content.decode()
    assert 'data-kind="opened"' in page and 'name="satisfaction"' not in page
    for action in ("acknowledge", "start", "resolve"):
        need = need_transition(actor=worker_a, need=need, action=action, channel="test")
    page = portal_client.get(reverse("portal:need", args=[need.pk])).content.decode()
    assert 'data-kind="resolved"' in page and 'name="satisfaction"' in page
    response = portal_client.post(
        reverse("portal:need", args=[need.pk]), {"satisfaction": "4", "comment": "谢谢"}
    )
    assert response.status_code == 302
    feedback = Feedback.objects.get(need=need)
    assert (feedback.satisfaction, feedback.source, feedback.recorded_by) == (4, "resident", None)
    again = portal_client.post(reverse("portal:need", args=[need.pk]), {"satisfaction": "1"})
    assert again.status_code == 400
    assert Feedback.objects.count() == 1


def test_a_correction_request_reaches_the_worker_who_resolves_it(
    portal_client, paired, worker_a, client
):
    response = portal_client.post(reverse("portal:correction"), {"message": "地址写错了，是12号"})
    assert response.status_code == 302
    request = CorrectionRequest.objects.get(household=paired)
    client.force_login(worker_a)
    due = client.get("/api/v1/casework/due").json()["items"]
    assert any(i["kind"] == "correction_request" for i in due)
    url = reverse("privacy:correction", args=[request.pk])
    assert "地址写错了" in client.get(url).content.decode()
    declined = client.post(url, {"status": "declined", "answer": ""})
    assert declined.status_code == 400  # a refusal says why
    done = client.post(url, {"status": "corrected", "answer": "已更正"})
    assert done.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.resolved_by) == ("corrected", worker_a)
    due = client.get("/api/v1/casework/due").json()["items"]
    assert not any(i["kind"] == "correction_request" for i in due)


def test_a_worker_of_another_village_cannot_see_or_resolve_the_request(
    portal_client, paired, worker_b, client
):
    portal_client.post(reverse("portal:correction"), {"message": "电话号码不对"})
    request = CorrectionRequest.objects.get()
    client.force_login(worker_b)
    assert client.get(reverse("privacy:correction", args=[request.pk])).status_code == 404
    api = client.post(
        f"/api/v1/privacy/corrections/{request.pk}/resolve",
        {"status": "corrected"},
        content_type="application/json",
    )
    assert api.status_code == 404
    assert client.get("/api/v1/privacy/corrections").json()["items"] == []


def test_withdrawing_consent_in_the_portal_stops_scheduled_contacts(
    portal_client, paired, resident_a, worker_a, client
):
    assert ContactSchedule.objects.filter(household=paired).exists()
    response = portal_client.post(reverse("portal:consent"), {"purpose": "contacts", "given": "0"})
    assert response.status_code == 302
    assert not ContactSchedule.objects.filter(household=paired).exists()
    change = ConsentChange.objects.get()
    assert (change.method, change.recorded_by_resident, change.recorded_by) == (
        "portal",
        resident_a,
        None,
    )
    html = portal_client.get(reverse("portal:home")).content.decode()
    assert 'data-consent="contacts" data-given="0"' in html
    client.force_login(worker_a)
    due = client.get(reverse("casework:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No visits or calls: consent withdrawn" in due
    bad = portal_client.post(reverse("portal:consent"), {"purpose": "all", "given": "0"})
    assert bad.status_code == 400


def test_the_portal_speaks_chinese_uyghur_and_english(portal_client, paired):
    for language, dir_ in (("zh-hans", "ltr"), ("ug", "rtl"), ("en", "ltr")):
        page = portal_client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE=language)
        html = page.content.decode()
        assert f'lang="{language}"' in html and f'dir="{dir_}"' in html
    english = portal_client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en").content
    assert b"Who opened your record" in english


def test_portal_pages_carry_no_inline_script_or_style(portal_client, paired, client, db):
    pages = [
        portal_client.get(reverse("portal:home")),
        portal_client.get(reverse("portal:need_create")),
        portal_client.get(reverse("portal:correction")),
        client.get(reverse("portal:sign_in")),
    ]
    for page in pages:
        html = page.content.decode()
        assert "<script>" not in html and "style=" not in html and "<style" not in html


# --- API ----------------------------------------------------------------------------


def test_the_api_gives_the_same_record(client, portal_token, paired, worker_a, household_b):
    need = open_need(actor=worker_a, household=paired)
    open_need(actor=worker_a, household=household_b)
    contact_log(actor=worker_a, household=paired, kind="call", channel="test")
    household_for(worker_a, paired.pk, channel="page:household")
    h = client.get("/api/v1/portal/household", **_auth(portal_token)).json()
    assert h["household_no"] == paired.household_no and h["paired_worker"] == "王伟"
    assert len(h["members"]) == 3 and all(len(m["id_number_last4"]) <= 4 for m in h["members"])
    needs = client.get("/api/v1/portal/needs", **_auth(portal_token)).json()["items"]
    assert [n["id"] for n in needs] == [need.pk]
    assert needs[0]["timeline"][0]["kind"] == "opened"
    contacts = client.get("/api/v1/portal/contacts", **_auth(portal_token)).json()["items"]
    assert contacts[0]["kind"] == "call" and contacts[0]["worker"] == "王伟"
    openings = client.get("/api/v1/portal/record-openings", **_auth(portal_token)).json()
    assert openings["items"][0]["who"] == "王伟"


def test_the_api_writes_a_need_a_correction_consent_and_feedback(
    client, portal_token, paired, worker_a
):
    created = client.post(
        "/api/v1/portal/needs",
        {"category": "medical_costs", "title": "看病贵"},
        content_type="application/json",
        **_auth(portal_token),
    )
    assert created.status_code == 201 and created.json()["status"] == "open"
    bad = client.post(
        "/api/v1/portal/needs",
        {"category": "nope", "title": "x"},
        content_type="application/json",
        **_auth(portal_token),
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "category"
    correction = client.post(
        "/api/v1/portal/corrections",
        {"message": "出生日期错了"},
        content_type="application/json",
        **_auth(portal_token),
    )
    assert correction.status_code == 201
    assert len(client.get("/api/v1/portal/corrections", **_auth(portal_token)).json()["items"]) == 1
    consent = client.put(
        "/api/v1/portal/consent",
        {"purpose": "contacts", "given": False},
        content_type="application/json",
        **_auth(portal_token),
    )
    assert consent.status_code == 200
    assert {c["purpose"]: c["given"] for c in consent.json()["items"]}["contacts"] is False
    need = Need.objects.get(pk=created.json()["id"])
    for action in ("acknowledge", "start", "resolve"):
        need = need_transition(actor=worker_a, need=need, action=action, channel="test")
    rated = client.post(
        f"/api/v1/portal/needs/{need.pk}/feedback",
        {"satisfaction": 5, "comment": "好"},
        content_type="application/json",
        **_auth(portal_token),
    )
    assert rated.status_code == 201
    twice = client.post(
        f"/api/v1/portal/needs/{need.pk}/feedback",
        {"satisfaction": 5},
        content_type="application/json",
        **_auth(portal_token),
    )
    assert twice.status_code == 422


def test_every_portal_operation_needs_a_portal_token(client, db):
    for method, path in (
        ("get", "/api/v1/portal/household"),
        ("get", "/api/v1/portal/needs"),
        ("get", "/api/v1/portal/contacts"),
        ("get", "/api/v1/portal/record-openings"),
        ("get", "/api/v1/portal/consent"),
        ("get", "/api/v1/portal/corrections"),
    ):
        assert getattr(client, method)(path).status_code == 401


def test_a_portal_write_replayed_with_its_idempotency_key_is_written_once(
    client, portal_token, paired
):
    """Issue 18, defect 12: portal writes take an Idempotency-Key, like staff writes."""
    from doorstep.privacy.models import CorrectionRequest

    key = "5b0b7d4e-3a36-4b8e-9d2c-0f6f3f1c2a11"
    answers = [
        client.post(
            "/api/v1/portal/corrections",
            {"message": "电话号码换了"},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=key,
            **_auth(portal_token),
        )
        for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[1]["Idempotent-Replayed"] == "true"
    assert answers[0].json() == answers[1].json()
    assert CorrectionRequest.objects.count() == 1


# Signing in and out are not writes of the record: a code request is throttled per
# number, a sign-in makes a new token each time, a sign-out of an ended session is a 401.
NOT_RECORD_WRITES = {
    ("post", "/api/v1/portal/codes"),
    ("post", "/api/v1/portal/sessions"),
    ("delete", "/api/v1/portal/sessions/current"),
}


def test_every_portal_write_declares_an_idempotency_key():
    from doorstep.api import api

    paths = api.get_openapi_schema()["paths"]
    writes = [
        (method, path)
        for path, operations in paths.items()
        if path.startswith("/api/v1/portal/")
        for method in operations
        if method in {"post", "put", "patch", "delete"}
    ]
    assert len(writes) >= 8
    missing = [
        f"{method.upper()} {path}"
        for method, path in writes
        if (method, path) not in NOT_RECORD_WRITES
        and "Idempotency-Key"
        not in {p["name"] for p in paths[path][method].get("parameters", []) if p["in"] == "header"}
    ]
    assert not missing, missing


def test_consent_put_is_idempotent_and_a_replayed_confirm_is_written_once(
    client, portal_token, paired, worker_a
):
    def put(given, **extra):
        return client.put(
            "/api/v1/portal/consent",
            {"purpose": "contacts", "given": given},
            content_type="application/json",
            **extra,
            **_auth(portal_token),
        )

    assert put(True).status_code == 200  # already given on joining: nothing to record
    assert not ConsentChange.objects.exists()
    assert [put(False).status_code, put(False).status_code] == [200, 200]
    assert ConsentChange.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="consent").count() == 1

    need = open_need(actor=worker_a, household=paired)
    for action in ("acknowledge", "start", "resolve"):
        need = need_transition(actor=worker_a, need=need, action=action, channel="test")
    key = "0c1f6f0e-7d4b-4a4e-8f41-2b7a9e5d3c10"
    answers = [
        client.post(
            f"/api/v1/portal/needs/{need.pk}/confirm",
            {},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=key,
            **_auth(portal_token),
        )
        for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [200, 200], answers[1].content
    assert answers[1]["Idempotent-Replayed"] == "true"
    assert answers[0].json() == answers[1].json()
