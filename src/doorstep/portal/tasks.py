"""Housekeeping of the portal's sign-in data (core.periodic, hourly)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from doorstep.portal.models import PortalSession, SignInCode

# Codes count towards the hourly throttle, so they are kept a day; sessions a day
# after they end (expired or revoked), for support questions.
CODES_KEPT = dt.timedelta(days=1)
SESSIONS_KEPT = dt.timedelta(days=1)


def portal_housekeeping(*, now: dt.datetime | None = None) -> tuple[int, int]:
    now = now or timezone.now()
    codes, _ = SignInCode.objects.filter(created_at__lt=now - CODES_KEPT).delete()
    sessions, _ = PortalSession.objects.filter(expires_at__lt=now - SESSIONS_KEPT).delete()
    revoked, _ = PortalSession.objects.filter(revoked_at__lt=now - SESSIONS_KEPT).delete()
    return codes, sessions + revoked


@task()
def portal_housekeeping_task() -> list[int]:
    return list(portal_housekeeping())
