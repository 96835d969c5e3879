"""Demo data for the dashboards: summaries of the demo records (make run)."""

from __future__ import annotations

from doorstep.insights.rollup import NIGHTLY_DAYS, refresh_recent


def insights_demo_load() -> float:
    """Summarise the last 400 days of the demo's records; returns the seconds taken."""
    return refresh_recent(days=NIGHTLY_DAYS).seconds
