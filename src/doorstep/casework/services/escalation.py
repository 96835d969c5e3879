"""Breached service levels go to the team leader, then to the supervisor.

Set-based and idempotent: each pass selects breached needs that lack the escalation it
would add (NOT EXISTS on the unique (need, cycle, breach, level) key), in batches
claimed with SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL, so two workers running
the task never escalate the same need twice and a second run finds nothing to do.

Level 1 (team leader) is added as soon as a deadline passes. Level 2 (supervisor) is
added when level 1 is older than the service level's `supervisor_after_hours` and the
need is still breached; a single run therefore never jumps a need straight to level 2.
An escalation shows on the pages of every team leader and supervisor whose area holds
the household (casework.selectors.escalated_needs_visible_to).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from doorstep.casework.models import (
    AWAITING_ACKNOWLEDGEMENT,
    UNRESOLVED,
    Breach,
    Escalation,
    EscalationLevel,
    Need,
    NeedEvent,
    NeedEventKind,
    ServiceLevel,
)

BATCH_SIZE = 1000
DEFAULT_SUPERVISOR_AFTER_HOURS = 24

_BREACHES = (
    (Breach.ACKNOWLEDGE, AWAITING_ACKNOWLEDGEMENT, "acknowledge_due_at"),
    (Breach.RESOLVE, UNRESOLVED, "resolve_due_at"),
)


def _breached(breach: str, statuses, due_field: str, now: dt.datetime):
    return Need.objects.filter(status__in=statuses, **{f"{due_field}__lt": now})


def _escalation(breach: str, level: int, **extra):
    return Escalation.objects.filter(
        need_id=OuterRef("pk"), cycle=OuterRef("cycle"), breach=breach, level=level, **extra
    )


def _claim(qs) -> list[tuple[int, int, str, str]]:
    return list(
        qs.select_for_update(skip_locked=True, of=("self",))
        .order_by("pk")
        .values_list("pk", "cycle", "category", "urgency")[:BATCH_SIZE]
    )


def _apply(rows, *, breach: str, level: int, now: dt.datetime) -> int:
    hours = {(s.category, s.urgency): s.supervisor_after_hours for s in ServiceLevel.objects.all()}
    escalations = [
        Escalation(
            need_id=pk,
            cycle=cycle,
            breach=breach,
            level=level,
            escalated_at=now,
            supervisor_due_at=(
                now
                + dt.timedelta(hours=hours.get((category, urgency), DEFAULT_SUPERVISOR_AFTER_HOURS))
                if level == EscalationLevel.TEAM_LEADER
                else None
            ),
        )
        for pk, cycle, category, urgency in rows
    ]
    Escalation.objects.bulk_create(escalations, ignore_conflicts=True)
    NeedEvent.objects.bulk_create(
        [
            NeedEvent(
                need_id=pk,
                kind=NeedEventKind.ESCALATED,
                at=now,
                detail={"level": level, "breach": breach, "cycle": cycle},
            )
            for pk, cycle, _category, _urgency in rows
        ]
    )
    # Escalation is not an edit: it leaves `version` alone, so nobody editing the need
    # at that moment gets a conflict from a background job.
    Need.objects.filter(pk__in=[r[0] for r in rows], escalation_level__lt=level).update(
        escalation_level=level
    )
    return len(rows)


def needs_escalate(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Escalate every breached need one level. Returns counts per level."""
    now = now or timezone.now()
    counts = {"team_leader": 0, "supervisor": 0}
    for breach, statuses, due_field in _BREACHES:
        breached = _breached(breach, statuses, due_field, now)
        passes = (
            (
                EscalationLevel.TEAM_LEADER,
                "team_leader",
                breached.filter(~Exists(_escalation(breach, EscalationLevel.TEAM_LEADER))),
            ),
            (
                EscalationLevel.SUPERVISOR,
                "supervisor",
                breached.filter(
                    Exists(
                        _escalation(breach, EscalationLevel.TEAM_LEADER, supervisor_due_at__lte=now)
                    ),
                    ~Exists(_escalation(breach, EscalationLevel.SUPERVISOR)),
                ),
            ),
        )
        for level, label, qs in passes:
            while True:
                with transaction.atomic():
                    rows = _claim(qs)
                    if not rows:
                        break
                    counts[label] += _apply(rows, breach=breach, level=level, now=now)
    return counts
