"""Escalated calls reach the duty leader on the board: listed above the rows with what
was breached, marked for the leader on shift (casework's Notification is tied to needs
and referrals, so the duty room does not send one)."""

import datetime as dt

import pytest
from django.utils import timezone

from doorstep.hotline import services
from doorstep.hotline.models import Call


@pytest.fixture(autouse=True)
def _english_pages(client):
    # These tests read the English source messages; pages default to Chinese.
    client.cookies["django_language"] = "en"


def _breached_call(worker_a, office):
    call = services.call_take(
        actor=worker_a, office=office, category="lift_entrapment", channel="t"
    )
    Call.objects.filter(pk=call.pk).update(
        acknowledge_due_at=timezone.now() - dt.timedelta(minutes=1)
    )
    return call


def _leader_on_shift(team_leader, office):
    now = timezone.now()
    services.shift_plan(
        actor=team_leader,
        office=office,
        officer=team_leader,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=7),
        role="leader",
        channel="t",
    )


def test_the_duty_leader_on_shift_sees_the_escalation_marked_for_them(
    client, worker_a, team_leader, office
):
    _leader_on_shift(team_leader, office)
    call = _breached_call(worker_a, office)
    services.calls_escalate()
    client.force_login(team_leader)
    body = client.get(f"/hotline/board/rows/?office={office.pk}").content.decode()
    assert 'data-escalations="1"' in body
    assert f'data-escalated-call="{call.pk}" data-for-me="1"' in body
    assert 'data-breach="acknowledge"' in body
    # The officer sees the same list, not marked for them.
    client.force_login(worker_a)
    body = client.get(f"/hotline/?office={office.pk}").content.decode()
    assert f'data-escalated-call="{call.pk}"' in body and 'data-for-me="1"' not in body
    assert "No duty leader was on shift" not in body


def test_without_a_leader_on_shift_the_board_says_so(client, worker_a, office):
    _breached_call(worker_a, office)
    services.calls_escalate()
    client.force_login(worker_a)
    body = client.get(f"/hotline/board/rows/?office={office.pk}").content.decode()
    assert "No duty leader was on shift" in body


def test_no_panel_without_escalations(client, worker_a, office):
    services.call_take(actor=worker_a, office=office, category="water", channel="t")
    client.force_login(worker_a)
    assert "data-escalations" not in client.get("/hotline/board/rows/").content.decode()


def test_escalated_board_query_count_does_not_grow(
    client, worker_a, team_leader, office, django_assert_num_queries
):
    _leader_on_shift(team_leader, office)
    _breached_call(worker_a, office)
    services.calls_escalate()
    client.force_login(team_leader)
    client.get("/hotline/board/rows/")
    with django_assert_num_queries(7) as few:
        client.get("/hotline/board/rows/")
    for _ in range(4):
        _breached_call(worker_a, office)
    services.calls_escalate()
    with django_assert_num_queries(len(few.captured_queries)):
        body = client.get("/hotline/board/rows/").content.decode()
    assert 'data-escalations="5"' in body


def test_the_board_counts_down_to_the_resolution_deadline(client, worker_a, office):
    # `timeuntil` had its arguments reversed: 8 hours left showed as "0 minutes".
    call = services.call_take(
        actor=worker_a, office=office, category="lift_entrapment", channel="t"
    )
    Call.objects.filter(pk=call.pk).update(
        resolve_due_at=timezone.now() + dt.timedelta(hours=8, minutes=30)
    )
    client.force_login(worker_a)
    body = client.get(f"/hotline/board/rows/?office={office.pk}").content.decode()
    assert "8\xa0hours" in body and "left to resolve" in body
    assert "0\xa0minutes left" not in body
