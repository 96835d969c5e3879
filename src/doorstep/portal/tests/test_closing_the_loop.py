"""The portal closes the loop: the resident confirms or disputes a resolved need on its
page (a dispute reopens it with their words; a bad answer is a 400 that writes
nothing), reads answered correction requests with the answer, sees what was opened and
automated work as the system, and a rating writes one audit row."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from doorstep.casework.models import Need, NeedEvent
from doorstep.casework.services import pairing_create
from doorstep.casework.services.needs import need_transition
from doorstep.casework.tests.factories import open_need
from doorstep.privacy.models import AuditEvent, CorrectionStatus
from doorstep.privacy.services import (
    audit_record,
    correction_request_create,
    correction_request_resolve,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def paired(resident_a, household_a, worker_a, team_leader):
    pairing_create(
        actor=team_leader,
        worker=worker_a,
        household=household_a,
        started_on=timezone.localdate() - dt.timedelta(days=10),
        channel="test",
    )
    return household_a


@pytest.fixture
def resolved(paired, worker_a):
    need = open_need(actor=worker_a, household=paired)
    for action in ("acknowledge", "start", "resolve"):
        need = need_transition(actor=worker_a, need=need, action=action, channel="test")
    return need


def test_the_resident_confirms_a_resolved_need_on_its_page(portal_client, resolved):
    url = reverse("portal:need", args=[resolved.pk])
    assert 'name="answer"' in portal_client.get(url).content.decode()
    answer = portal_client.post(
        reverse("portal:need_answer", args=[resolved.pk]), {"answer": "confirm"}
    )
    assert answer.status_code == 302
    assert Need.objects.get(pk=resolved.pk).status == "confirmed"
    assert 'name="answer"' not in portal_client.get(url).content.decode()


def test_a_dispute_needs_words_and_reopens_the_need_with_them(portal_client, resolved):
    url = reverse("portal:need_answer", args=[resolved.pk])
    before = NeedEvent.objects.count()
    empty = portal_client.post(url, {"answer": "dispute", "words": " "})
    assert empty.status_code == 400
    assert Need.objects.get(pk=resolved.pk).status == "resolved"
    assert NeedEvent.objects.count() == before
    done = portal_client.post(url, {"answer": "dispute", "words": "补助还没到账"})
    assert done.status_code == 302
    need = Need.objects.get(pk=resolved.pk)
    assert need.status == "reopened" and need.cycle == 2
    assert need.events.filter(kind="disputed", note="补助还没到账").exists()


def test_another_households_need_cannot_be_answered(portal_client, household_b, worker_b):
    other = open_need(actor=worker_b, household=household_b)
    response = portal_client.post(
        reverse("portal:need_answer", args=[other.pk]), {"answer": "confirm"}
    )
    assert response.status_code == 404


def test_answered_corrections_are_listed_with_the_answer(
    portal_client, portal_token, paired, resident_a, worker_a, client
):
    request = correction_request_create(resident=resident_a, message="电话号码错了", channel="t")
    correction_request_resolve(
        actor=worker_a,
        request=request,
        status=CorrectionStatus.CORRECTED,
        answer="已改正",
        channel="t",
    )
    page = portal_client.get(reverse("portal:home")).content.decode()
    assert "已改正" in page and "电话号码错了" in page
    api = client.get("/api/v1/portal/corrections", HTTP_AUTHORIZATION=f"Bearer {portal_token}")
    assert [(c["status"], c["answer"]) for c in api.json()["items"]] == [("corrected", "已改正")]


def test_record_openings_name_what_was_opened_and_show_tasks_as_the_system(
    portal_token, paired, worker_a, client
):
    need = open_need(actor=worker_a, household=paired)
    audit_record(
        actor=None,
        action="update",
        object_type="livelihoods.relapseflag",
        object_id=1,
        household_id=paired.pk,
        channel="task:livelihoods:relapse_watch",
    )
    rows = client.get(
        "/api/v1/portal/record-openings",
        HTTP_AUTHORIZATION=f"Bearer {portal_token}",
        HTTP_ACCEPT_LANGUAGE="en",
    ).json()["items"]
    assert rows[0]["who"] == "Doorstep (automatic: relapse watch)"
    assert rows[0]["what"] == "the relapse watch"
    assert any(r["what"] == "a need" for r in rows)
    assert need.pk


def test_a_rating_writes_one_audit_row(portal_client, resolved, resident_a):
    before = AuditEvent.objects.filter(object_type="feedback").count()
    portal_client.post(reverse("portal:need", args=[resolved.pk]), {"satisfaction": "5"})
    rows = AuditEvent.objects.filter(object_type="feedback")
    assert rows.count() == before + 1
    assert rows.last().by_resident_id == resident_a.pk
