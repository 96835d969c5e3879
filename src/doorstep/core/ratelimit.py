"""Rate limits on the API: requests per caller (API token or signed-in user) and per
client address, counted in fixed windows. Over the limit, 429 with Retry-After and
the API's error shape.

The count must be shared by every gunicorn worker and every server, so it lives in
the database by default (accounts.RateCounter, one upsert per request for both keys)
or, with DOORSTEP_API_RATE_BACKEND=cache, in Django's cache, which is Redis when
DOORSTEP_CACHE_URL points at one (a process-local cache would let each worker count
alone). Settings are read on every request so that tests can change them.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import JsonResponse
from django.utils.translation import gettext as _


def client_ip(request) -> str:
    """The caller's address: REMOTE_ADDR, or the header a trusted proxy sets
    (DOORSTEP_CLIENT_IP_HEADER, e.g. X-Real-IP or X-Forwarded-For, whose last entry
    is the address the proxy saw)."""
    header = settings.DOORSTEP_CLIENT_IP_HEADER
    if header:
        value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        if value:
            return value.split(",")[-1].strip()[:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


def _caller_key(request) -> str | None:
    authorization = request.META.get("HTTP_AUTHORIZATION", "")
    if authorization[:7].lower() == "bearer ":
        # Per token, without a database lookup: a digest of what was sent. Unknown
        # tokens still count against the address.
        return "tok:" + hashlib.sha256(authorization[7:].strip().encode()).hexdigest()[:32]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


def _count_database(keys: list[str], window_start: int) -> dict[str, int]:
    from doorstep.accounts.models import RateCounter

    q = connection.ops.quote_name
    table = q(RateCounter._meta.db_table)
    key, start, n = q("key"), q("window_start"), q("count")
    rows = ", ".join(["(%s, %s, 1)"] * len(keys))
    params: list = []
    for name in sorted(keys):  # one order everywhere: concurrent upserts cannot deadlock
        params += [name, window_start]
    sql = (
        f"INSERT INTO {table} ({key}, {start}, {n}) VALUES {rows} "  # noqa: S608 - names are ours
        f"ON CONFLICT ({key}, {start}) DO UPDATE SET {n} = {table}.{n} + 1 "
        f"RETURNING {key}, {n}"
    )
    # Only when the count is a transaction of its own: SET LOCAL inside a caller's
    # transaction would make the caller's writes asynchronous too.
    relaxed = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if relaxed:
            # A rate count need not survive a database crash (the worst case is a limit
            # briefly laxer), so its commit does not wait for the WAL flush: 8 ms → 0.2 ms
            # per request on these machines (docs/decisions/0005-commits-off-the-hot-path.md).
            cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def _count_cache(keys: list[str], window_start: int, window: int) -> dict[str, int]:
    counts = {}
    for key in keys:
        cache_key = f"doorstep:rate:{key}:{window_start}"
        cache.add(cache_key, 0, timeout=window + 5)
        try:
            counts[key] = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=window + 5)
            counts[key] = 1
    return counts


def count(keys: list[str], *, window: int, now: float | None = None) -> tuple[dict[str, int], int]:
    """Add one request to each key; returns the counts and the seconds left in the window."""
    now = time.time() if now is None else now
    window_start = int(now // window * window)
    if settings.DOORSTEP_API_RATE_BACKEND == "cache":
        counts = _count_cache(keys, window_start, window)
    else:
        counts = _count_database(keys, window_start)
    return counts, max(1, math.ceil(window_start + window - now))


class RateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(tuple(settings.DOORSTEP_API_RATE_PREFIXES)):
            return self.get_response(request)
        limits = {}
        caller = _caller_key(request)
        if caller is not None and settings.DOORSTEP_API_RATE_PER_CALLER > 0:
            limits[caller] = settings.DOORSTEP_API_RATE_PER_CALLER
        if settings.DOORSTEP_API_RATE_PER_IP > 0:
            limits["ip:" + client_ip(request)] = settings.DOORSTEP_API_RATE_PER_IP
        if not limits:
            return self.get_response(request)
        counts, retry_after = count(list(limits), window=settings.DOORSTEP_API_RATE_WINDOW_SECONDS)
        if any(counts[key] > limit for key, limit in limits.items()):
            response = JsonResponse(
                {
                    "detail": _("Too many requests. Wait %(seconds)s seconds and try again.")
                    % {"seconds": retry_after},
                    "errors": [],
                },
                status=429,
            )
            response["Retry-After"] = str(retry_after)
            return response
        return self.get_response(request)
