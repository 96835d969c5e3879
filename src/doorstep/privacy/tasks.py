"""Background work of the privacy app (django-tasks; run_periodic enqueues it)."""

from __future__ import annotations

from django_tasks import task

from doorstep.privacy.retention import anonymise_expired


@task()
def anonymise_expired_task() -> dict[str, int]:
    """Nightly: anonymise households and closed cases past the retention period."""
    return anonymise_expired()
