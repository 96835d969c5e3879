"""Periodic work on top of django-tasks, which has no scheduler of its own.

Apps register a task with an interval (or a daily local hour) in their
AppConfig.ready(); `manage.py run_periodic` wakes up every few seconds and enqueues
each registered task whose time has come; `db_worker` then runs it like any other
task. core knows nothing of the apps that register here.

Two runners never enqueue the same run twice: the last enqueue time lives in one
PeriodicRun row per task, and a runner enqueues only after winning the claim, one
`UPDATE ... SET last_enqueued_at = now WHERE name = ... AND last_enqueued_at < threshold`
that the database applies to at most one of them. The enqueue is in the same
transaction as the claim, so a crash between the two loses nothing and doubles
nothing (with the database task backend, the task row commits with the claim).
Registered tasks must be safe to run twice anyway, in case a run overlaps the next.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from doorstep.core.models import PeriodicRun


@dataclass(frozen=True)
class Periodic:
    name: str
    task: object  # a django_tasks Task taking no arguments
    every: dt.timedelta | None = None
    # Once a day, from this local hour on (e.g. 2 for "nightly, after 02:00").
    daily_at_hour: int | None = None

    def threshold(self, now: dt.datetime) -> dt.datetime | None:
        """Enqueue when the last run is older than this; None: not yet today."""
        if self.every is not None:
            return now - self.every
        local = timezone.localtime(now)
        start = local.replace(hour=self.daily_at_hour, minute=0, second=0, microsecond=0)
        return start if local >= start else None


_REGISTRY: dict[str, Periodic] = {}


def register(
    name: str,
    task,
    *,
    every: dt.timedelta | None = None,
    daily_at_hour: int | None = None,
) -> None:
    """Called from an AppConfig.ready(); registering the same name again replaces it."""
    if (every is None) == (daily_at_hour is None):
        raise ValueError("give exactly one of every= and daily_at_hour=")
    if daily_at_hour is not None and not 0 <= daily_at_hour <= 23:
        raise ValueError("daily_at_hour is 0..23")
    _REGISTRY[name] = Periodic(name, task, every, daily_at_hour)


def registered() -> list[Periodic]:
    return sorted(_REGISTRY.values(), key=lambda p: p.name)


def enqueue_due(*, now: dt.datetime | None = None) -> list[str]:
    """Enqueue every registered task whose time has come; returns their names."""
    now = now or timezone.now()
    periodic = registered()
    PeriodicRun.objects.bulk_create(
        [PeriodicRun(name=p.name) for p in periodic], ignore_conflicts=True
    )
    enqueued = []
    for p in periodic:
        threshold = p.threshold(now)
        if threshold is None:
            continue
        with transaction.atomic():
            claimed = (
                PeriodicRun.objects.filter(name=p.name)
                .filter(Q(last_enqueued_at__isnull=True) | Q(last_enqueued_at__lte=threshold))
                .update(last_enqueued_at=now)
            )
            if claimed:
                p.task.enqueue()
                enqueued.append(p.name)
    return enqueued
