"""Background work for casework. Tasks take primary keys (or nothing), never instances.

This module imports the services it runs; services never import it (a task a
service enqueues, `schedules_refresh_area_task`, lives beside it in
services/schedule.py and is named here for the queue's older rows)."""

from __future__ import annotations

from django_tasks import task

from doorstep.casework.services.escalation import needs_escalate
from doorstep.casework.services.notifications import referral_reminders_send
from doorstep.casework.services.schedule import (
    schedules_recompute_all,
    schedules_refresh_area_task,
)

__all__ = [
    "escalate_breached_needs",
    "remind_overdue_referrals",
    "schedules_recompute_nightly",
    "schedules_refresh_area_task",
]


@task()
def escalate_breached_needs() -> dict[str, int]:
    """Every five minutes (core.periodic, registered in apps.py); safe to run twice or
    in parallel."""
    return needs_escalate()


@task()
def remind_overdue_referrals() -> int:
    """Hourly (core.periodic): one in-app reminder a day per overdue referral and person."""
    return referral_reminders_send()


@task()
def schedules_recompute_nightly() -> int:
    """Nightly (core.periodic): vulnerabilities changed in the registry, rounds that
    started or ended. See docs/decisions/0002-schedule-recomputation.md."""
    return schedules_recompute_all()
