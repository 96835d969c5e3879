"""Background work for monitoring. Tasks take primary keys (or nothing)."""

from __future__ import annotations

from django_tasks import task


@task()
def watch_propose_nightly() -> int:
    """Nightly (core.periodic, apps.py), after the relapse watch: its open flags become
    proposals (never decisions). Safe to run twice: a household with a proposal since
    its earliest open flag is skipped."""
    from doorstep.monitoring.services import watch_propose

    return watch_propose()
