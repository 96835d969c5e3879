"""Breached call service levels go to the duty leader on shift.

Set-based and idempotent: each pass selects calls past a deadline that lack an
escalation for (call, cycle, breach) (NOT EXISTS on the unique key), claims a batch
with SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL, inserts the escalations with
ignore_conflicts and flags the calls. A second run, or a second worker, finds nothing.
The board shows escalated calls first; the duty leader sees them named on the call.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from doorstep.hotline.models import (
    Call,
    CallBreach,
    CallEscalation,
    CallEvent,
    CallEventKind,
    CallStatus,
)
from doorstep.hotline.services.rosters import duty_leader_ids

BATCH_SIZE = 500

_NOT_ACKNOWLEDGED = (CallStatus.NEW, CallStatus.REOPENED, CallStatus.DISPATCHED)
_NOT_ARRIVED = (*_NOT_ACKNOWLEDGED, CallStatus.ACKNOWLEDGED)
_NOT_RESOLVED = (*_NOT_ARRIVED, CallStatus.ON_SCENE)

BREACHES = (
    (CallBreach.ACKNOWLEDGE, _NOT_ACKNOWLEDGED, "acknowledge_due_at"),
    (CallBreach.ARRIVE, _NOT_ARRIVED, "arrive_due_at"),
    (CallBreach.RESOLVE, _NOT_RESOLVED, "resolve_due_at"),
)


def calls_escalate(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Escalate every breach not escalated yet in the call's current cycle."""
    now = now or timezone.now()
    counts = {str(breach): 0 for breach, _s, _f in BREACHES}
    leaders = duty_leader_ids(now=now)
    for breach, statuses, due_field in BREACHES:
        qs = Call.objects.filter(status__in=statuses, **{f"{due_field}__lt": now}).filter(
            ~Exists(
                CallEscalation.objects.filter(
                    call_id=OuterRef("pk"), cycle=OuterRef("cycle"), breach=breach
                )
            )
        )
        while True:
            with transaction.atomic():
                rows = list(
                    qs.select_for_update(skip_locked=True, of=("self",))
                    .order_by("pk")
                    .values_list("pk", "cycle", "office_id")[:BATCH_SIZE]
                )
                if not rows:
                    break
                CallEscalation.objects.bulk_create(
                    [
                        CallEscalation(
                            call_id=pk,
                            cycle=cycle,
                            breach=breach,
                            escalated_at=now,
                            duty_leader_id=leaders.get(office_id),
                        )
                        for pk, cycle, office_id in rows
                    ],
                    ignore_conflicts=True,
                )
                CallEvent.objects.bulk_create(
                    [
                        CallEvent(
                            call_id=pk,
                            kind=CallEventKind.ESCALATED,
                            at=now,
                            detail={"breach": str(breach), "cycle": cycle},
                        )
                        for pk, cycle, _office in rows
                    ]
                )
                Call.objects.filter(pk__in=[r[0] for r in rows]).update(escalated=True)
                counts[str(breach)] += len(rows)
    return counts
