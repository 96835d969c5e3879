"""Background refresh of the summaries (registered with core.periodic in apps.py)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task


@task()
def refresh_recent_rollups() -> float:
    """Every 15 minutes: the last two weeks (late entries, answers to referrals)."""
    from doorstep.insights.rollup import refresh_recent

    return refresh_recent().seconds


@task()
def refresh_changed_rollups() -> float:
    """Every minute, and at once when a field app's outbox has delivered visits: the
    days of the contacts written since the last refresh (0.0 when there are none)."""
    from doorstep.insights.rollup import refresh_changed

    run = refresh_changed()
    return run.seconds if run is not None else 0.0


@task()
def refresh_all_rollups() -> float:
    """Nightly: the last 400 days, so that edits to older records reach the figures."""
    from doorstep.insights.rollup import NIGHTLY_DAYS, refresh_recent

    return refresh_recent(days=NIGHTLY_DAYS, today=timezone.localdate()).seconds
