"""accounts' hourly housekeeping (registered in AccountsConfig.ready): sign-in
counts whose window and lock have ended, and API rate counts of past windows."""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from doorstep.accounts.models import LoginThrottle, RateCounter


@task()
def throttle_counts_delete_expired() -> int:
    now = timezone.now()
    window_start = now - dt.timedelta(seconds=settings.DOORSTEP_LOGIN_WINDOW_SECONDS)
    logins, _ = (
        LoginThrottle.objects.filter(window_started_at__lt=window_start)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .delete()
    )
    oldest = int(time.time()) - 2 * settings.DOORSTEP_API_RATE_WINDOW_SECONDS
    rates, _ = RateCounter.objects.filter(window_start__lt=oldest).delete()
    return logins + rates
