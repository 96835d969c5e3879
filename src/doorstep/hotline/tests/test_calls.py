import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from doorstep.hotline import selectors, services
from doorstep.hotline.models import (
    Call,
    CallEscalation,
    CallStatus,
    SafetyStep,
    ShiftRole,
    Urgency,
)

CH = "test"


def take(actor, office, **kw):
    kw.setdefault("category", "lift_entrapment")
    return services.call_take(actor=actor, office=office, channel=CH, **kw)


def test_life_safety_call_is_immediate_with_its_check_list(worker_a, office):
    call = take(worker_a, office, urgency="normal", caller_phone="138 0013 8000")
    assert call.urgency == Urgency.IMMEDIATE
    assert call.caller_phone == "13800138000"
    codes = list(SafetyStep.objects.filter(call=call).values_list("code", flat=True))
    assert "lift_company" in codes
    services.safety_step_done(actor=worker_a, call=call, code="lift_company", channel=CH)
    assert SafetyStep.objects.get(call=call, code="lift_company").done_by == worker_a
    with pytest.raises(ValidationError):
        services.safety_step_done(actor=worker_a, call=call, code="nonsense", channel=CH)


@pytest.mark.parametrize(
    ("field", "kw"),
    [
        ("category", {"category": "burglary"}),
        ("caller_phone", {"caller_phone": "12345"}),
        ("latitude", {"latitude": "north", "longitude": 80}),
        ("longitude", {"latitude": 41, "longitude": 500}),
        ("urgency", {"urgency": "yesterday"}),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(worker_a, office, field, kw):
    with pytest.raises(ValidationError) as exc:
        take(worker_a, office, **kw)
    assert field in exc.value.message_dict
    assert Call.objects.count() == 0


def test_caller_is_found_by_phone_only_inside_the_officers_scope(worker_a, worker_b, household_a):
    resident = household_a.residents.first()
    resident.phone = "13800138000"
    resident.save()
    assert selectors.callers_matching(worker_a, phone="+86 138 0013 8000", channel=CH) == [resident]
    assert selectors.callers_matching(worker_b, phone="13800138000", channel=CH) == []


def test_full_life_of_a_call(worker_a, responder, office, lift_company):
    call = take(worker_a, office)
    dispatch = services.call_dispatch(actor=worker_a, call=call, responder=lift_company, channel=CH)
    call.refresh_from_db()
    assert call.status == CallStatus.DISPATCHED
    with pytest.raises(ValidationError):
        services.dispatch_step(actor=responder, dispatch=dispatch, step="resolve", channel=CH)
    for step, status in [
        ("acknowledge", CallStatus.ACKNOWLEDGED),
        ("arrive", CallStatus.ON_SCENE),
        ("resolve", CallStatus.RESOLVED),
    ]:
        dispatch = services.dispatch_step(actor=responder, dispatch=dispatch, step=step, channel=CH)
        call.refresh_from_db()
        assert call.status == status
    assert dispatch.acknowledged_at <= dispatch.arrived_at <= dispatch.resolved_at
    call = services.call_callback(
        actor=worker_a, call=call, outcome="not_fixed", note="还是停", channel=CH
    )
    assert call.status == CallStatus.REOPENED and call.cycle == 2
    dispatch = services.call_dispatch(actor=worker_a, call=call, responder=lift_company, channel=CH)
    for step in ("acknowledge", "arrive", "resolve"):
        services.dispatch_step(actor=responder, dispatch=dispatch, step=step, channel=CH)
    call = services.call_callback(actor=worker_a, call=call, outcome="confirmed", channel=CH)
    assert call.status == CallStatus.CLOSED and call.closed_at is not None
    kinds = list(call.events.values_list("kind", flat=True))
    assert kinds[0] == "taken" and kinds[-1] == "closed" and "reopened" in kinds


def test_responder_outside_the_dispatch_cannot_act(worker_a, office, lift_company, analyst):
    call = take(worker_a, office)
    dispatch = services.call_dispatch(actor=worker_a, call=call, responder=lift_company, channel=CH)
    with pytest.raises(PermissionDenied):
        services.dispatch_step(actor=analyst, dispatch=dispatch, step="acknowledge", channel=CH)


def test_dispatch_refuses_a_responder_that_does_not_handle_the_category(
    worker_a, office, lift_company
):
    call = take(worker_a, office, category="water")
    with pytest.raises(ValidationError) as exc:
        services.call_dispatch(actor=worker_a, call=call, responder=lift_company, channel=CH)
    assert "responder" in exc.value.message_dict


def test_breach_escalates_once_to_the_duty_leader(worker_a, team_leader, office):
    now = timezone.now()
    services.shift_plan(
        actor=team_leader,
        office=office,
        officer=team_leader,
        role=ShiftRole.LEADER,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=10),
        channel=CH,
    )
    call = take(worker_a, office)
    assert call.acknowledge_due_at == call.received_at + dt.timedelta(minutes=5)
    assert services.calls_escalate(now=now + dt.timedelta(minutes=1)) == {
        "acknowledge": 0,
        "arrive": 0,
        "resolve": 0,
    }
    later = now + dt.timedelta(minutes=31)
    assert services.calls_escalate(now=later) == {"acknowledge": 1, "arrive": 1, "resolve": 0}
    assert services.calls_escalate(now=later) == {"acknowledge": 0, "arrive": 0, "resolve": 0}
    call.refresh_from_db()
    assert call.escalated
    assert set(CallEscalation.objects.values_list("duty_leader", flat=True)) == {team_leader.pk}


def test_escalation_task_runs(worker_a, office):
    from doorstep.hotline.tasks import escalate_breached_calls

    take(worker_a, office)
    result = escalate_breached_calls.enqueue()
    assert result.return_value == {"acknowledge": 0, "arrive": 0, "resolve": 0}


def test_call_becomes_a_need_on_the_household_case(worker_a, office, household_a):
    call = take(worker_a, office, category="person_in_danger", description="老人不开门")
    need = services.call_open_need(
        actor=worker_a, call=call, household=household_a, title="独居老人需要照看", channel=CH
    )
    call.refresh_from_db()
    assert call.need == need and need.household == household_a
    assert need.category == "elderly_care"
    with pytest.raises(ValidationError):
        services.call_open_need(
            actor=worker_a, call=call, household=household_a, title="x", channel=CH
        )


def test_scoping_of_calls(
    worker_a, worker_b, team_leader, analyst, responder, office, lift_company
):
    call = take(worker_a, office)
    assert selectors.call_for(team_leader, call.pk, channel=CH) == call
    for outsider in (worker_b, analyst, responder):
        with pytest.raises(Exception) as exc:
            selectors.call_for(outsider, call.pk, channel=CH)
        assert exc.typename == "Http404"
    services.call_dispatch(actor=worker_a, call=call, responder=lift_company, channel=CH)
    assert selectors.call_for(responder, call.pk, channel=CH) == call
