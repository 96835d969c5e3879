"""Breached service levels escalate to the team leader, then the supervisor, once each."""

import datetime as dt

import pytest
from django.utils import timezone

from doorstep.casework.models import Escalation, Need, NeedEventKind, ServiceLevel
from doorstep.casework.services import NeedAction, need_transition, needs_escalate
from doorstep.casework.tasks import escalate_breached_needs
from doorstep.casework.tests.factories import open_need

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)


@pytest.fixture
def need(worker_a, household_a):
    # immediate: acknowledge within 4 h, resolve within 72 h, supervisor 8 h after.
    return open_need(actor=worker_a, household=household_a, urgency="immediate")


def _levels(need):
    return list(
        Escalation.objects.filter(need=need).order_by("level").values_list("breach", "level")
    )


def test_nothing_escalates_before_a_deadline(need):
    assert needs_escalate(now=need.opened_at + 3 * H) == {"team_leader": 0, "supervisor": 0}
    assert _levels(need) == []


def test_a_breach_goes_to_the_team_leader_then_the_supervisor_in_order(need):
    first = need.opened_at + 5 * H
    assert needs_escalate(now=first) == {"team_leader": 1, "supervisor": 0}
    need.refresh_from_db()
    assert need.escalation_level == 1
    assert _levels(need) == [("acknowledge", 1)]
    # Still inside the supervisor window: nothing more.
    assert needs_escalate(now=first + 7 * H) == {"team_leader": 0, "supervisor": 0}
    assert needs_escalate(now=first + 9 * H) == {"team_leader": 0, "supervisor": 1}
    need.refresh_from_db()
    assert need.escalation_level == 2
    assert _levels(need) == [("acknowledge", 1), ("acknowledge", 2)]
    assert need.events.filter(kind=NeedEventKind.ESCALATED).count() == 2


def test_running_escalation_twice_changes_nothing(need):
    now = need.opened_at + 5 * H
    needs_escalate(now=now)
    version = Need.objects.get(pk=need.pk).version
    assert needs_escalate(now=now) == {"team_leader": 0, "supervisor": 0}
    assert Escalation.objects.count() == 1
    assert need.events.filter(kind=NeedEventKind.ESCALATED).count() == 1
    # Escalation is not an edit: nobody holding the need gets a conflict from it.
    assert version == need.version


def test_acknowledging_in_time_stops_the_acknowledge_escalation(worker_a, need):
    need_transition(
        actor=worker_a, need=need, action=NeedAction.ACKNOWLEDGE, expected_version=1, channel="t"
    )
    assert needs_escalate(now=need.opened_at + 5 * H)["team_leader"] == 0


def test_an_unresolved_need_escalates_for_resolution_too(worker_a, need):
    need = need_transition(
        actor=worker_a, need=need, action=NeedAction.ACKNOWLEDGE, expected_version=1, channel="t"
    )
    assert needs_escalate(now=need.opened_at + 73 * H) == {"team_leader": 1, "supervisor": 0}
    assert _levels(need) == [("resolve", 1)]


def test_a_reopened_need_can_escalate_again(worker_a, need):
    now = need.opened_at + 5 * H
    needs_escalate(now=now)
    for action in (NeedAction.ACKNOWLEDGE, NeedAction.START, NeedAction.RESOLVE):
        need = need_transition(
            actor=worker_a, need=need, action=action, expected_version=need.version, channel="t"
        )
    need = need_transition(
        actor=worker_a,
        need=need,
        action=NeedAction.REOPEN,
        expected_version=need.version,
        note="again",
        channel="t",
    )
    assert needs_escalate(now=timezone.now() + 5 * H)["team_leader"] == 1
    assert Escalation.objects.filter(need=need, cycle=2).count() == 1


def test_the_supervisor_window_comes_from_the_service_level(need):
    ServiceLevel.objects.filter(category="housing", urgency="immediate").update(
        supervisor_after_hours=1
    )
    first = need.opened_at + 5 * H
    needs_escalate(now=first)
    assert needs_escalate(now=first + 2 * H)["supervisor"] == 1


def test_the_task_takes_no_arguments_and_escalates(need):
    result = escalate_breached_needs.enqueue()
    assert result.return_value == {"team_leader": 0, "supervisor": 0}
