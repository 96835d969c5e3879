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
def refresh_all_rollups() -> float:
    """Nightly: the last 400 days, so that edits to older records reach the figures."""
    from doorstep.insights.rollup import NIGHTLY_DAYS, refresh_recent

    return refresh_recent(days=NIGHTLY_DAYS, today=timezone.localdate()).seconds
