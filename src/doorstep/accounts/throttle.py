"""Sign-in throttling: failed sign-ins are counted per username and per client
address in the database (LoginThrottle), so that every gunicorn worker and every
server share one count. A key that reaches its limit within the window is locked
for DOORSTEP_LOGIN_LOCKOUT_SECONDS; the lock lifts by itself then, or earlier when
an administrator deletes the row (admin, `manage.py login_unlock`).

A locked key refuses even the right password: otherwise guessing could go on and
only the success would be slowed. The per-address limit is higher than the
per-username one because an office shares one address behind its router.

Enforced in the authentication backend (accounts.backends), so the sign-in page,
the admin's sign-in page and any other caller of authenticate() are all covered.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from doorstep.accounts.models import LoginThrottle

log = logging.getLogger(__name__)


def _keys(*, username: str | None, ip: str | None) -> list[tuple[str, int]]:
    keys = []
    if username:
        keys.append(
            (f"user:{username.strip().casefold()}"[:200], settings.DOORSTEP_LOGIN_MAX_FAILURES)
        )
    if ip:
        keys.append((f"ip:{ip}"[:200], settings.DOORSTEP_LOGIN_MAX_FAILURES_PER_IP))
    return keys


def login_locked_until(*, username: str | None, ip: str | None) -> dt.datetime | None:
    """When the lock on this username or address lifts; None if neither is locked."""
    keys = [key for key, _ in _keys(username=username, ip=ip)]
    if not keys:
        return None
    return (
        LoginThrottle.objects.filter(key__in=keys, locked_until__gt=timezone.now())
        .order_by("-locked_until")
        .values_list("locked_until", flat=True)
        .first()
    )


@transaction.atomic
def login_failure_record(*, username: str | None, ip: str | None) -> dt.datetime | None:
    """Count one failed sign-in; returns when the lock lifts if this failure locked a key."""
    now = timezone.now()
    window = dt.timedelta(seconds=settings.DOORSTEP_LOGIN_WINDOW_SECONDS)
    lockout = dt.timedelta(seconds=settings.DOORSTEP_LOGIN_LOCKOUT_SECONDS)
    locked = None
    for key, limit in _keys(username=username, ip=ip):
        row = LoginThrottle.objects.select_for_update().filter(key=key).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = LoginThrottle.objects.create(key=key, failures=0, window_started_at=now)
            except IntegrityError:  # another worker created it first: lock theirs
                row = LoginThrottle.objects.select_for_update().get(key=key)
        if row.locked_until is not None and row.locked_until > now:
            locked = max(locked or row.locked_until, row.locked_until)
            continue
        if row.locked_until is not None or now - row.window_started_at > window:
            # A lock that has lifted, or a window that has passed: count afresh.
            row.failures, row.window_started_at, row.locked_until = 0, now, None
        row.failures += 1
        if row.failures >= limit:
            row.locked_until = now + lockout
            locked = max(locked or row.locked_until, row.locked_until)
            log.warning("sign-in locked for %s until %s", key, row.locked_until.isoformat())
        row.save(update_fields=["failures", "window_started_at", "locked_until"])
    return locked


def login_success_record(*, username: str) -> None:
    """A right password clears the username's count (not the address's, which other
    accounts may be guessing from)."""
    key = _keys(username=username, ip=None)[0][0]
    LoginThrottle.objects.filter(key=key, locked_until__isnull=True).delete()


def login_lock_lift(*, username: str | None = None, ip: str | None = None) -> int:
    """An administrator lifts a lock early. Returns the number of keys cleared."""
    keys = [key for key, _ in _keys(username=username, ip=ip)]
    deleted, _ = LoginThrottle.objects.filter(key__in=keys).delete()
    return deleted
