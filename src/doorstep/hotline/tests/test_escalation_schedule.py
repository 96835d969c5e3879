"""The duty room's escalation runs through core's run_periodic, every minute."""

import datetime as dt

from django.utils import timezone

from doorstep.core import periodic
from doorstep.hotline import services, tasks
from doorstep.hotline.models import Call, CallEscalation


def test_escalation_is_registered_to_run_every_minute():
    registered = {p.name: p for p in periodic.registered()}
    entry = registered["hotline.escalate_breached_calls"]
    assert entry.task is tasks.escalate_breached_calls
    assert entry.every is not None and entry.every <= dt.timedelta(minutes=1)


def test_run_periodic_escalates_a_breached_call_once(worker_a, office, lift_company):
    call = services.call_take(
        actor=worker_a, office=office, category="lift_entrapment", channel="t"
    )
    past = timezone.now() - dt.timedelta(minutes=1)
    Call.objects.filter(pk=call.pk).update(acknowledge_due_at=past)
    # Tasks run immediately in tests: enqueueing is running.
    assert "hotline.escalate_breached_calls" in periodic.enqueue_due()
    assert CallEscalation.objects.filter(call=call, breach="acknowledge").count() == 1
    # Within the minute nothing is enqueued again; a minute later the run finds nothing new.
    assert "hotline.escalate_breached_calls" not in periodic.enqueue_due()
    later = timezone.now() + dt.timedelta(minutes=1, seconds=1)
    assert "hotline.escalate_breached_calls" in periodic.enqueue_due(now=later)
    assert CallEscalation.objects.filter(call=call).count() == 1
    call.refresh_from_db()
    assert call.escalated
