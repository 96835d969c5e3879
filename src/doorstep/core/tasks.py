"""core's periodic housekeeping (registered in CoreConfig.ready)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from doorstep.core.models import IdempotencyKey

# A client resends an unanswered write within minutes or hours; after two days a
# replay is a new write. Also the bound on the table's size.
IDEMPOTENCY_KEYS_KEPT = dt.timedelta(hours=48)


@task()
def idempotency_keys_delete_expired() -> int:
    """One DELETE ... WHERE created_at < cutoff (nothing points at these rows)."""
    cutoff = timezone.now() - IDEMPOTENCY_KEYS_KEPT
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
