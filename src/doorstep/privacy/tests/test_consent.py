"""Consent per household, to contacts and to data use, with its history. Withdrawing
consent to contacts takes the household off the contact schedule, and the worker's
due list says why."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from doorstep.casework.models import ContactSchedule
from doorstep.casework.services import contact_log, pairing_create
from doorstep.privacy.models import AuditEvent, Consent, ConsentChange
from doorstep.privacy.selectors import consent_state
from doorstep.privacy.services import consent_set


@pytest.fixture
def paired(household_a, worker_a, team_leader):
    pairing_create(
        actor=team_leader,
        worker=worker_a,
        household=household_a,
        started_on=timezone.localdate() - dt.timedelta(days=90),
        channel="test",
    )
    assert ContactSchedule.objects.filter(household=household_a, worker=worker_a).exists()
    return household_a


def _withdraw(household, actor, purpose="contacts", given=False, method="phone"):
    return consent_set(
        household=household,
        purpose=purpose,
        given=given,
        method=method,
        actor=actor,
        note="asked by phone",
        channel="test",
    )


def test_without_a_record_consent_counts_as_given_on_joining(household_a):
    state = {c.purpose: c for c in consent_state(household_a.pk)}
    assert state["contacts"].given and state["contacts"].since is None
    assert state["data_use"].given


def test_withdrawing_consent_to_contacts_removes_the_scheduled_contact(paired, worker_a):
    _withdraw(paired, worker_a)
    assert not ContactSchedule.objects.filter(household=paired).exists()
    change = ConsentChange.objects.get(household=paired)
    assert (change.given, change.method, change.recorded_by) == (False, "phone", worker_a)
    assert AuditEvent.objects.filter(
        object_type="consent", household_id=paired.pk, actor=worker_a
    ).exists()


def test_the_nightly_recompute_and_a_logged_contact_do_not_bring_it_back(paired, worker_a):
    from doorstep.casework.services import schedules_recompute_all
    from doorstep.casework.services.schedule import schedule_refresh

    _withdraw(paired, worker_a)
    schedule_refresh(household_ids=[paired.pk])
    schedules_recompute_all()
    # The resident phoned in: the call is logged, still nothing is scheduled.
    contact_log(actor=worker_a, household=paired, kind="call", channel="test")
    assert not ContactSchedule.objects.filter(household=paired).exists()


def test_giving_consent_again_puts_the_household_back_on_the_schedule(paired, worker_a):
    _withdraw(paired, worker_a)
    _withdraw(paired, worker_a, given=True, method="in_person")
    assert ContactSchedule.objects.filter(household=paired, worker=worker_a).exists()
    assert list(
        ConsentChange.objects.filter(household=paired)
        .order_by("at")
        .values_list("given", flat=True)
    ) == [False, True]
    assert Consent.objects.get(household=paired, purpose="contacts").given


def test_withdrawing_data_use_consent_leaves_the_schedule_alone(paired, worker_a):
    _withdraw(paired, worker_a, purpose="data_use")
    assert ContactSchedule.objects.filter(household=paired).exists()


def test_the_due_list_page_and_api_say_why_the_household_is_not_due(paired, worker_a, client):
    _withdraw(paired, worker_a)
    client.force_login(worker_a)
    page = client.get(reverse("casework:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No visits or calls: consent withdrawn" in page
    assert reverse("privacy:household", args=[paired.pk]) in page
    items = client.get("/api/v1/casework/due").json()["items"]
    item = next(i for i in items if i["kind"] == "consent_withdrawn")
    assert item["household"] == paired.pk


def test_a_bad_purpose_or_method_is_refused_naming_the_field(household_a, worker_a):
    with pytest.raises(ValidationError) as exc:
        _withdraw(household_a, worker_a, purpose="marketing", method="carrier pigeon")
    assert set(exc.value.message_dict) == {"purpose", "method"}
    assert not ConsentChange.objects.exists()


def test_staff_cannot_record_a_portal_answer(household_a, worker_a):
    with pytest.raises(ValidationError) as exc:
        _withdraw(household_a, worker_a, method="portal")
    assert "method" in exc.value.message_dict


# --- the worker's page ----------------------------------------------------------------


def test_the_worker_records_a_withdrawal_on_the_household_privacy_page(paired, worker_a, client):
    client.force_login(worker_a)
    url = reverse("privacy:household", args=[paired.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "consent-purpose": "contacts",
            "consent-given": "0",
            "consent-method": "in_person",
            "consent-note": "",
        },
    )
    assert response.status_code == 302
    assert not ContactSchedule.objects.filter(household=paired).exists()
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-consent="contacts" data-given="0"' in page
    assert "No visits or calls are scheduled while this consent is withdrawn." in page


def test_a_bad_form_answers_400_and_writes_nothing(paired, worker_a, client):
    client.force_login(worker_a)
    url = reverse("privacy:household", args=[paired.pk])
    response = client.post(url, {"consent-purpose": "contacts", "consent-given": "maybe"})
    assert response.status_code == 400
    assert not ConsentChange.objects.exists()


def test_a_worker_of_another_village_gets_404(paired, worker_b, client):
    client.force_login(worker_b)
    assert client.get(reverse("privacy:household", args=[paired.pk])).status_code == 404
    assert client.get(f"/api/v1/privacy/households/{paired.pk}").status_code == 404


def test_an_analyst_or_responder_never_sees_it(paired, analyst, responder, client):
    for user in (analyst, responder):
        client.force_login(user)
        assert client.get(reverse("privacy:household", args=[paired.pk])).status_code == 404


# --- the API ------------------------------------------------------------------------


def test_the_api_records_and_reads_consent(paired, worker_a, client):
    client.force_login(worker_a)
    response = client.post(
        f"/api/v1/privacy/households/{paired.pk}/consent",
        {"purpose": "contacts", "given": False, "method": "written", "note": "letter"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert {c["purpose"]: c["given"] for c in body["consent"]} == {
        "contacts": False,
        "data_use": True,
    }
    assert body["history"][0]["method"] == "written"
    assert not ContactSchedule.objects.filter(household=paired).exists()


def test_the_api_refuses_a_portal_method_from_staff_with_422(paired, worker_a, client):
    client.force_login(worker_a)
    response = client.post(
        f"/api/v1/privacy/households/{paired.pk}/consent",
        {"purpose": "contacts", "given": False, "method": "portal"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "method"


def test_the_api_sets_the_programme_status(paired, worker_a, client):
    client.force_login(worker_a)
    url = f"/api/v1/privacy/households/{paired.pk}/programme"
    bad = client.put(url, {"programme_status": "left"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "left_on"
    ok = client.put(
        url,
        {"programme_status": "left", "left_on": "2026-01-31"},
        content_type="application/json",
    )
    assert ok.status_code == 200
    assert ok.json()["left_on"] == "2026-01-31"
