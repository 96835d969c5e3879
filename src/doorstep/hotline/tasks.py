"""Background work for the duty room. Tasks take primary keys (or nothing)."""

from __future__ import annotations

from django_tasks import task


@task()
def escalate_breached_calls() -> dict[str, int]:
    """Run every minute (db_worker + a scheduler); safe to run twice or in parallel."""
    from doorstep.hotline.services.escalation import calls_escalate

    return calls_escalate()
