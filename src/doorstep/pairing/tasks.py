"""Background work for pairing plans. Tasks take primary keys, never instances."""

from __future__ import annotations

from django_tasks import task


@task()
def compute_plan(plan_id: int) -> None:
    """Compute a queued plan (services.plan_compute claims it first, so a second run
    of the same task does nothing)."""
    from doorstep.pairing.services import plan_compute

    plan_compute(plan_id=plan_id)
