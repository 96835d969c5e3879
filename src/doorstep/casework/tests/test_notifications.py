"""Overdue-referral reminders: who gets one, once a day, and how it is read and cleared
(pages, the navigation count and the API), tried by every persona."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from doorstep.casework.models import Notification, ReferralStatus
from doorstep.casework.services import (
    referral_accept,
    referral_create,
    referral_decline,
    referral_reminders_send,
)
from doorstep.casework.tests.factories import make_responder, make_unit, open_need

pytestmark = pytest.mark.django_db


@pytest.fixture
def bureau(areas):
    return make_unit(accepts_referrals=True, area=areas["county"])


@pytest.fixture
def bureau_responder(bureau, areas):
    return make_responder(unit=bureau, area=areas["county"], username="hr_responder")


@pytest.fixture
def referral(worker_a, household_a, bureau, bureau_responder):
    need = open_need(actor=worker_a, household=household_a, category="employment")
    return referral_create(actor=worker_a, need=need, unit=bureau, channel="t")


def _overdue():
    """Reminders only (a new referral and its answers notify too: test_loops.py)."""
    return Notification.objects.filter(kind="referral_overdue")


def _later(referral, hours=1):
    return referral.due_at + dt.timedelta(hours=hours)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_overdue_referral_reminds_the_unit_and_the_referring_worker(
    referral, worker_a, bureau_responder, responder
):
    referral_reminders_send(now=_later(referral))
    recipients = set(_overdue().values_list("recipient_id", flat=True))
    assert recipients == {worker_a.pk, bureau_responder.pk}  # not a responder of another unit


def test_nothing_is_sent_before_the_due_time(referral):
    referral_reminders_send(now=referral.due_at - dt.timedelta(minutes=1))
    assert not _overdue().exists()


def test_a_rerun_the_same_day_adds_nothing_and_the_next_day_reminds_again(referral):
    referral_reminders_send(now=_later(referral))
    referral_reminders_send(now=_later(referral, hours=2))
    assert _overdue().count() == 2
    referral_reminders_send(now=_later(referral, hours=26))
    assert _overdue().count() == 4


def test_an_answered_referral_stops_reminding_once_declined(referral, bureau_responder):
    referral_accept(actor=bureau_responder, referral=referral, channel="t")
    referral_reminders_send(now=_later(referral))
    assert _overdue().count() == 2  # accepted but not done: still overdue
    referral_decline(actor=bureau_responder, referral=referral, reason="不在职责内", channel="t")
    assert referral.status == ReferralStatus.DECLINED
    referral_reminders_send(now=_later(referral, hours=30))
    assert _overdue().count() == 2


def test_the_page_lists_only_my_notifications_and_marks_them_read(
    referral, worker_a, bureau_responder
):
    referral_reminders_send(now=_later(referral))
    mine = _overdue().get(recipient=worker_a)
    theirs = _overdue().get(recipient=bureau_responder)
    client = _client(worker_a)
    page = client.get(reverse("casework:notifications")).content.decode()
    assert referral.need.title in page and f"/notifications/{mine.pk}/read/" in page
    count = client.get(reverse("casework:notification_count")).content.decode()
    assert 'data-unread="1"' in count
    assert client.post(reverse("casework:notification_read", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("casework:notification_read", args=[mine.pk])).status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None
    assert "data-unread" not in client.get(reverse("casework:notification_count")).content.decode()


def test_mark_all_as_read_clears_the_count(referral, bureau_responder):
    referral_reminders_send(now=_later(referral))
    client = _client(bureau_responder)
    client.post(reverse("casework:notifications_read_all"))
    assert not Notification.objects.filter(recipient=bureau_responder, read_at=None).exists()


def test_the_navigation_loads_the_count_without_a_query_of_its_own(worker_a):
    body = _client(worker_a).get(reverse("registry:home")).content.decode()
    assert reverse("casework:notification_count") in body
    assert reverse("casework:notifications") in body


@pytest.mark.parametrize(
    "persona",
    ["worker_a", "worker_b", "team_leader", "supervisor", "analyst", "responder", "administrator"],
)
def test_every_persona_sees_only_their_own_notifications(request, referral, persona):
    user = request.getfixturevalue(persona)
    referral_reminders_send(now=_later(referral))
    client = _client(user)
    assert client.get(reverse("casework:notifications")).status_code == 200
    api = client.get("/api/v1/casework/notifications").json()
    expected = list(Notification.objects.filter(recipient=user).values_list("pk", flat=True))
    assert [n["id"] for n in api["items"]] == expected and api["unread"] == len(expected)
    for other in Notification.objects.exclude(recipient=user):
        response = client.post(f"/api/v1/casework/notifications/{other.pk}/read")
        assert response.status_code == 404


def test_the_api_lists_unread_and_marks_read(referral, worker_a):
    referral_reminders_send(now=_later(referral))
    client = _client(worker_a)
    listed = client.get("/api/v1/casework/notifications?unread=true").json()
    item = listed["items"][0]
    assert item["need"] == referral.need_id and item["kind"] == "referral_overdue"
    assert item["unit_name"] == referral.unit.name and listed["unread"] == 1
    read = client.post(f"/api/v1/casework/notifications/{item['id']}/read")
    assert read.status_code == 200 and read.json()["read_at"] is not None
    assert client.get("/api/v1/casework/notifications?unread=true").json()["items"] == []
    assert client.post("/api/v1/casework/notifications/999999/read").status_code == 404


def test_the_reminder_task_is_registered_hourly():
    from doorstep.core import periodic

    names = {p.name: p for p in periodic.registered()}
    assert names["casework.remind_overdue_referrals"].every == dt.timedelta(hours=1)
