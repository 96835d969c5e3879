"""Issue 18, defects 11 and 12: dates in sane bounds, times in ISO 8601 only, zero-width
names empty, a bare JSON string refused; retention clears duty-room callers; a list of
matched job seekers writes one audit event."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from doorstep.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db


def _add(client, household, **fields):
    return client.post(
        f"/api/v1/households/{household.pk}/residents",
        {"name": "新人", "relationship": "child", **fields},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.mark.parametrize("birth", ["9999-12-31", "0001-01-01", "1899-12-31", 20240101])
def test_birth_dates_out_of_bounds_or_not_iso_are_refused(client, worker_a, household_a, birth):
    client.force_login(worker_a)
    response = _add(client, household_a, birth_date=birth)
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == "birth_date"
    assert not household_a.residents.filter(name="新人").exists()


def test_a_birth_date_in_bounds_is_taken(client, worker_a, household_a):
    client.force_login(worker_a)
    assert _add(client, household_a, birth_date="1950-05-06").status_code == 201


@pytest.mark.parametrize("name", ["\u200b", "\u200b\u200c \ufeff"])
def test_a_name_of_zero_width_characters_is_empty(client, worker_a, household_a, name):
    client.force_login(worker_a)
    response = _add(client, household_a, name=name)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "name"


@pytest.mark.parametrize("occurred_at", ["20240101", 20240101, 1704067200])
def test_a_contact_time_is_iso_8601_never_a_unix_number(
    client, worker_a, household_a, team_leader, occurred_at
):
    from doorstep.casework.models import Contact
    from doorstep.casework.services.pairings import pairing_create

    pairing_create(actor=team_leader, worker=worker_a, household=household_a, channel="t")
    client.force_login(worker_a)
    response = client.post(
        "/api/v1/casework/contacts",
        {"household": household_a.pk, "kind": "visit", "occurred_at": occurred_at},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "occurred_at"
    assert not Contact.objects.exists()


def test_a_bare_json_string_body_is_refused(client, supervisor):
    client.force_login(supervisor)
    response = client.post(
        "/api/v1/livelihoods/openings/1/close", '"x"', content_type="application/json"
    )
    assert response.status_code == 422


def test_retention_clears_duty_room_callers(settings, areas, supervisor):
    from doorstep.hotline.models import Call, CallCategory, Urgency
    from doorstep.hotline.tests.factories import make_office
    from doorstep.privacy.retention import anonymise_expired

    now = timezone.now()
    call = Call.objects.create(
        office=make_office(areas["village_a"]),
        received_at=now,
        category=CallCategory.values[0],
        urgency=Urgency.values[0],
        description="电梯困人",
        cycle_started_at=now,
        acknowledge_due_at=now,
        arrive_due_at=now,
        resolve_due_at=now,
    )
    long_ago = timezone.now() - dt.timedelta(days=settings.DOORSTEP_RETENTION_DAYS + 2)
    Call.objects.filter(pk=call.pk).update(
        caller_name="王芳", caller_phone="13911112222", closed_at=long_ago, status="closed"
    )
    assert anonymise_expired()["calls"] == 1
    call.refresh_from_db()
    assert (call.caller_name, call.caller_phone, call.description) == ("", "", "")
    assert AuditEvent.objects.filter(object_type="call", action="redact").count() == 1


def test_the_matches_of_an_opening_write_one_audit_event(
    client, worker_a, team_leader, household_a, areas
):
    from doorstep.livelihoods.tests.factories import adult, employer, opening, seeker

    seeker(worker_a, adult(household_a))
    job = opening(team_leader, employer(team_leader, areas["village_a"]), skills=("tailoring",))
    client.force_login(worker_a)
    before = AuditEvent.objects.filter(object_type="opening_matches").count()
    response = client.get(f"/api/v1/livelihoods/openings/{job.pk}/matches")
    assert response.status_code == 200
    assert response.json()["items"]
    event = AuditEvent.objects.filter(object_type="opening_matches").get()
    assert before == 0
    assert event.actor == worker_a
    assert event.detail["households"] == [household_a.pk]
