"""A need's life cycle: every transition, valid and invalid, on the timeline."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from doorstep.casework.models import NeedEventKind, NeedStatus
from doorstep.casework.services import (
    NeedAction,
    NeedConflict,
    allowed_actions,
    need_transition,
    need_update,
)
from doorstep.casework.services.needs import TRANSITIONS
from doorstep.casework.tests.factories import open_need

pytestmark = pytest.mark.django_db

# The status each action needs, and the one it leads to.
PATH = [
    (NeedAction.ACKNOWLEDGE, NeedStatus.OPEN, NeedStatus.ACKNOWLEDGED),
    (NeedAction.START, NeedStatus.ACKNOWLEDGED, NeedStatus.IN_PROGRESS),
    (NeedAction.RESOLVE, NeedStatus.IN_PROGRESS, NeedStatus.RESOLVED),
    (NeedAction.CONFIRM, NeedStatus.RESOLVED, NeedStatus.CONFIRMED),
]


def _move(actor, need, action, **kwargs):
    kwargs.setdefault("expected_version", need.version)
    return need_transition(actor=actor, need=need, action=action, channel="test", **kwargs)


def test_opening_a_need_sets_its_deadlines_and_timeline(worker_a, household_a):
    need = open_need(actor=worker_a, household=household_a, urgency="immediate")
    assert need.status == NeedStatus.OPEN
    assert need.owner == worker_a
    assert need.acknowledge_due_at - need.opened_at == dt.timedelta(hours=4)
    assert need.resolve_due_at - need.opened_at == dt.timedelta(hours=72)
    assert list(need.events.values_list("kind", flat=True)) == [NeedEventKind.OPENED]


def test_a_need_goes_from_open_to_confirmed_with_every_step_on_its_timeline(worker_a, household_a):
    need = open_need(actor=worker_a, household=household_a)
    for action, _source, target in PATH:
        need = _move(worker_a, need, action)
        assert need.status == target
    assert need.version == 5
    assert need.acknowledged_at and need.resolved_at and need.confirmed_at
    assert list(need.events.values_list("kind", "from_status", "to_status")) == [
        ("opened", "", "open"),
        ("acknowledged", "open", "acknowledged"),
        ("started", "acknowledged", "in_progress"),
        ("resolved", "in_progress", "resolved"),
        ("confirmed", "resolved", "confirmed"),
    ]


ALL_STATUSES = list(NeedStatus.values)


@pytest.mark.parametrize(
    ("action", "status"),
    [
        (action, status)
        for action, t in TRANSITIONS.items()
        for status in ALL_STATUSES
        if status not in t.sources
    ],
)
def test_an_invalid_transition_is_refused_with_a_message(worker_a, household_a, action, status):
    need = open_need(actor=worker_a, household=household_a)
    type(need).objects.filter(pk=need.pk).update(status=status)
    need.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        _move(worker_a, need, action, note="why")
    assert exc.value.message_dict["action"] == [str(TRANSITIONS[action].refused)]
    need.refresh_from_db()
    assert (need.status, need.version) == (status, 1)


def test_allowed_actions_follow_the_table(worker_a, household_a):
    need = open_need(actor=worker_a, household=household_a)
    assert allowed_actions(need) == [NeedAction.ACKNOWLEDGE]
    need.status = NeedStatus.RESOLVED
    assert allowed_actions(need) == [NeedAction.CONFIRM, NeedAction.REOPEN]


def test_reopening_needs_a_reason_and_starts_a_new_cycle(worker_a, household_a):
    need = open_need(actor=worker_a, household=household_a)
    for action, _s, _t in PATH[:3]:
        need = _move(worker_a, need, action)
    with pytest.raises(ValidationError):
        _move(worker_a, need, NeedAction.REOPEN)
    before = timezone.now()
    need = _move(worker_a, need, NeedAction.REOPEN, note="漏雨又开始了")
    assert (need.status, need.cycle, need.escalation_level) == (NeedStatus.REOPENED, 2, 0)
    assert need.resolved_at is None
    assert need.acknowledge_due_at >= before + dt.timedelta(hours=72)
    # A reopened need is acknowledged again.
    need = _move(worker_a, need, NeedAction.ACKNOWLEDGE)
    assert need.status == NeedStatus.ACKNOWLEDGED


def test_a_stale_version_is_a_conflict_naming_what_changed(worker_a, team_leader, household_a):
    need = open_need(actor=worker_a, household=household_a)
    stale = type(need).objects.get(pk=need.pk)
    need_update(
        actor=team_leader,
        need=need,
        expected_version=1,
        urgency="immediate",
        title="屋顶塌了",
        channel="test",
    )
    with pytest.raises(NeedConflict) as exc:
        need_update(actor=worker_a, need=stale, expected_version=1, title="x", channel="test")
    assert sorted(exc.value.changed_fields) == ["title", "urgency"]
    assert exc.value.current.version == 2
    with pytest.raises(NeedConflict):
        _move(worker_a, stale, NeedAction.ACKNOWLEDGE)
    stale.refresh_from_db()
    assert (stale.description, stale.status) == ("", NeedStatus.OPEN)


def test_changing_urgency_moves_the_deadlines(worker_a, household_a):
    need = open_need(actor=worker_a, household=household_a)
    need = need_update(
        actor=worker_a, need=need, expected_version=1, urgency="immediate", channel="test"
    )
    assert need.acknowledge_due_at - need.cycle_started_at == dt.timedelta(hours=4)
    assert need.events.filter(kind=NeedEventKind.UPDATED).exists()


def test_replaying_a_transition_does_it_once(worker_a, household_a):
    need = open_need(actor=worker_a, household=household_a)
    key = uuid.uuid4()
    first = _move(worker_a, need, NeedAction.ACKNOWLEDGE, client_id=key)
    again = _move(worker_a, need, NeedAction.ACKNOWLEDGE, client_id=key)
    assert first.version == again.version == 2
    assert need.events.filter(kind=NeedEventKind.ACKNOWLEDGED).count() == 1


def test_roles_without_casework_cannot_move_a_need(analyst, worker_a, household_a):
    need = open_need(actor=worker_a, household=household_a)
    with pytest.raises(PermissionDenied):
        _move(analyst, need, NeedAction.ACKNOWLEDGE)


def test_a_responder_cannot_work_on_a_need_not_referred_to_them(responder, worker_a, household_a):
    need = open_need(actor=worker_a, household=household_a)
    need = _move(worker_a, need, NeedAction.ACKNOWLEDGE)
    with pytest.raises(PermissionDenied):
        _move(responder, need, NeedAction.START)


def test_a_conflict_names_what_changed_since_the_version_the_caller_read(
    worker_a, team_leader, household_a
):
    """An API client holds only the version number, not the need it read."""
    need = open_need(actor=worker_a, household=household_a)
    need = _move(team_leader, need, NeedAction.ACKNOWLEDGE)
    need = need_update(
        actor=team_leader, need=need, expected_version=2, description="漏水", channel="test"
    )
    fresh = type(need).objects.get(pk=need.pk)  # loaded now, as an API handler does
    with pytest.raises(NeedConflict) as exc:
        need_update(actor=worker_a, need=fresh, expected_version=1, description="x", channel="test")
    assert exc.value.changed_fields == ["description", "status"]
