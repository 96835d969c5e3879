"""The casework pages: the due list, logging a visit in three taps, the need page with
its timeline and buttons, the responder's inbox."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from doorstep.casework.models import Contact, ContactSchedule, Need, Referral, UnitMember
from doorstep.casework.services import need_update, pairing_create, referral_create
from doorstep.casework.tests.factories import make_unit, open_need

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def paired(team_leader, worker_a, household_a):
    return pairing_create(actor=team_leader, worker=worker_a, household=household_a, channel="t")


def _hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]+)"', html).group(1)


def test_logging_a_visit_from_home_takes_one_tap_typing_and_save(paired, worker_a, household_a):
    client = _client(worker_a)
    home = client.get(reverse("casework:home")).content.decode()
    form_url = reverse("casework:contact_create", args=[household_a.pk])
    assert form_url in home  # tap 1: "Log a visit" on the household
    form = client.get(form_url).content.decode()
    body = {
        "kind": "visit",
        "notes": "一切正常",
        "duration_minutes": "15",
        "client_id": _hidden(form, "client_id"),
    }
    response = client.post(form_url, body)  # tap 2: "Save"
    assert response.status_code == 302 and response["Location"] == reverse("casework:home")
    assert client.post(form_url, body).status_code == 302  # a double tap
    assert Contact.objects.get().notes == "一切正常"
    assert ContactSchedule.objects.get(household=household_a).last_contact_at is not None


def test_a_worker_cannot_log_a_visit_to_another_village(worker_b, household_a):
    response = _client(worker_b).get(reverse("casework:contact_create", args=[household_a.pk]))
    assert response.status_code == 404


def test_the_home_page_runs_a_fixed_number_of_queries(
    paired, worker_a, areas, team_leader, django_assert_max_num_queries, monkeypatch
):
    from doorstep.casework import due_items
    from doorstep.core.testing import make_household

    # Other apps' due-item providers pin their own query counts in their tests.
    monkeypatch.setattr(due_items, "_providers", [])

    for _ in range(5):
        household = make_household(area=areas["village_a"])
        pairing_create(actor=team_leader, worker=worker_a, household=household, channel="t")
        open_need(actor=worker_a, household=household)
    client = _client(worker_a)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("casework:home")).status_code == 200


def test_opening_a_need_and_moving_it_from_its_page(paired, worker_a, household_a):
    client = _client(worker_a)
    url = reverse("casework:need_create", args=[household_a.pk])
    form = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "category": "medical_costs",
            "urgency": "high",
            "title": "住院费用",
            "client_id": _hidden(form, "client_id"),
        },
    )
    need = Need.objects.get()
    assert response["Location"] == reverse("casework:need", args=[need.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'value="acknowledge"' in page and 'value="resolve"' not in page
    client.post(
        reverse("casework:need_transition", args=[need.pk]),
        {"action": "acknowledge", "version": need.version},
    )
    need.refresh_from_db()
    assert need.status == "acknowledged"


def test_a_stale_page_gets_a_conflict_message_and_changes_nothing(
    worker_a, team_leader, household_a
):
    need = open_need(actor=worker_a, household=household_a)
    need_update(actor=team_leader, need=need, expected_version=1, title="新标题", channel="t")
    client = _client(worker_a)
    response = client.post(
        reverse("casework:need_transition", args=[need.pk]),
        {"action": "acknowledge", "version": 1},
        follow=True,
    )
    assert "title" in response.content.decode()
    need.refresh_from_db()
    assert need.status == "open"


def test_the_responder_answers_from_the_inbox(worker_a, household_a, responder):
    unit = make_unit(accepts_referrals=True)
    UnitMember.objects.create(user=responder, unit=unit)
    need = open_need(actor=worker_a, household=household_a)
    referral = referral_create(actor=worker_a, need=need, unit=unit, channel="t")
    client = _client(responder)
    inbox = client.get(reverse("casework:referrals")).content.decode()
    assert need.title in inbox
    client.post(reverse("casework:referral_answer", args=[referral.pk]), {"answer": "accept"})
    assert Referral.objects.get().status == "accepted"
    assert client.get(reverse("casework:need", args=[need.pk])).status_code == 200


def test_a_responder_of_no_unit_sees_an_empty_inbox_and_no_need(worker_a, household_a, responder):
    need = open_need(actor=worker_a, household=household_a)
    client = _client(responder)
    assert need.title not in client.get(reverse("casework:referrals")).content.decode()
    assert client.get(reverse("casework:need", args=[need.pk])).status_code == 404


def test_the_team_leader_sees_overdue_counts_and_escalations(
    paired, team_leader, worker_a, household_a
):
    from django.utils import timezone

    from doorstep.casework.services import needs_escalate

    need = open_need(actor=worker_a, household=household_a, urgency="immediate")
    needs_escalate(now=timezone.now() + timezone.timedelta(hours=5))
    ContactSchedule.objects.update(next_due_on=timezone.localdate() - timezone.timedelta(days=2))
    page = _client(team_leader).get(reverse("casework:home")).content.decode()
    assert "worker_a" in page and need.title in page
