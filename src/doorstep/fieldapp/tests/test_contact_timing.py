"""Contacts carry when they happened (a visit yesterday, entered today) and a stay of
several days its end; the server refuses the future and what is older than the limit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from doorstep.casework.models import Contact, ContactSchedule
from doorstep.casework.services import pairing_create
from doorstep.core.tests.api_clients import ApiClient, assert_error

pytestmark = pytest.mark.django_db

CONTACTS = "/api/v1/casework/contacts"


@pytest.fixture
def paired(team_leader, worker_a, household_a):
    return pairing_create(actor=team_leader, worker=worker_a, household=household_a, channel="t")


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def test_a_visit_yesterday_keeps_its_time_and_moves_the_schedule_from_then(
    paired, worker_a, household_a
):
    yesterday = timezone.now() - dt.timedelta(days=1)
    response = ApiClient(worker_a).post(
        CONTACTS, {"household": household_a.pk, "kind": "visit", "occurred_at": _iso(yesterday)}
    )
    assert response.status_code == 201, response.content
    contact = Contact.objects.get()
    assert contact.occurred_at == yesterday and contact.created_at > yesterday
    schedule = ContactSchedule.objects.get(household=household_a)
    assert schedule.last_contact_at == yesterday


def test_a_stay_of_five_days_is_one_contact_with_its_end(paired, worker_a, household_a):
    start = timezone.now() - dt.timedelta(days=6)
    end = start + dt.timedelta(days=5)
    response = ApiClient(worker_a).post(
        CONTACTS,
        {
            "household": household_a.pk,
            "kind": "visit",
            "occurred_at": _iso(start),
            "ended_at": _iso(end),
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["duration_minutes"] == 5 * 24 * 60
    assert Contact.objects.get().ended_at == end


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"occurred_at": timezone.now() + dt.timedelta(hours=2)}, "occurred_at"),
        ({"occurred_at": timezone.now() - dt.timedelta(days=31)}, "occurred_at"),
        (
            {
                "occurred_at": timezone.now() - dt.timedelta(days=2),
                "ended_at": timezone.now() - dt.timedelta(days=3),
            },
            "ended_at",
        ),
        (
            {
                "occurred_at": timezone.now() - dt.timedelta(days=2),
                "ended_at": timezone.now() + dt.timedelta(days=1),
            },
            "ended_at",
        ),
        ({"duration_minutes": 3000}, "duration_minutes"),
    ],
)
def test_bad_timing_is_refused_naming_the_field(paired, worker_a, household_a, changes, field):
    body = {"household": household_a.pk, "kind": "visit"}
    body.update({k: _iso(v) if isinstance(v, dt.datetime) else v for k, v in changes.items()})
    assert_error(ApiClient(worker_a).post(CONTACTS, body), 422, field=field)
    assert not Contact.objects.exists()


def test_the_age_limit_is_a_setting(paired, worker_a, household_a, settings):
    settings.DOORSTEP_CONTACT_MAX_AGE_DAYS = 2
    body = {
        "household": household_a.pk,
        "kind": "call",
        "occurred_at": _iso(timezone.now() - dt.timedelta(days=3)),
    }
    assert_error(ApiClient(worker_a).post(CONTACTS, body), 422, field="occurred_at")
    settings.DOORSTEP_CONTACT_MAX_AGE_DAYS = 4
    assert ApiClient(worker_a).post(CONTACTS, body).status_code == 201


def test_a_stay_longer_than_the_limit_is_refused(paired, worker_a, household_a, settings):
    settings.DOORSTEP_CONTACT_MAX_STAY_DAYS = 3
    start = timezone.now() - dt.timedelta(days=5)
    body = {
        "household": household_a.pk,
        "kind": "visit",
        "occurred_at": _iso(start),
        "ended_at": _iso(start + dt.timedelta(days=4)),
    }
    assert_error(ApiClient(worker_a).post(CONTACTS, body), 422, field="ended_at")


def test_the_visit_page_takes_yesterday_and_refuses_tomorrow(client, paired, worker_a, household_a):
    client.force_login(worker_a)
    url = f"/casework/households/{household_a.pk}/visit/"
    local = timezone.localtime()
    tomorrow = (local + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    refused = client.post(url, {"kind": "visit", "occurred_at": tomorrow})
    assert refused.status_code == 200 and not Contact.objects.exists()
    assert refused.context["form"].errors["occurred_at"]
    yesterday = (local - dt.timedelta(days=1)).replace(second=0, microsecond=0)
    response = client.post(
        url, {"kind": "visit", "occurred_at": yesterday.strftime("%Y-%m-%dT%H:%M")}
    )
    assert response.status_code == 302
    assert Contact.objects.get().occurred_at == yesterday
