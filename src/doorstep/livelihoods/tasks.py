"""Background work for livelihoods. Tasks take primary keys (or nothing)."""

from __future__ import annotations

from django_tasks import task


@task()
def relapse_watch_nightly() -> dict:
    """Nightly (core.periodic, apps.py): every rule over the whole region, set-based,
    then a need for each new flag. Safe to run twice."""
    from doorstep.livelihoods.services.relapse import relapse_watch_run

    return relapse_watch_run()
