"""Refreshing the summaries: set-based SQL that runs on SQLite and PostgreSQL.

For a window of days, each table's rows are deleted and rebuilt in one statement:

    INSERT INTO insights_areaday (area_id, day, contacts, ...)
    SELECT link.ancestor_id, u.d, SUM(u.m_contacts), ...
    FROM (<facts.contacts> UNION ALL <facts.needs_opened> UNION ALL ...) u
    JOIN insights_arealink link ON link.area_id = u.k
    GROUP BY link.ancestor_id, u.d

The inner queries are facts.py's querysets (the ORM writes each backend's local-date
and interval SQL); the outer statement only sums and fans out to ancestors. Nothing
is read into Python. The whole refresh is one transaction: readers see the old rows
until it commits. A refresh also takes the day's snapshot (coverage, open needs).

Who calls it: tasks.py (every 15 minutes for the last two weeks, nightly for the last
400 days) and `manage.py insights_refresh`.
"""

# ruff: noqa: S608 - SQL here is assembled from model metadata and %s placeholders only

from __future__ import annotations

import datetime as dt
import time

from django.db import connection, transaction
from django.db.models import Count, Max, Min, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from doorstep.areas.models import Area, AreaLevel
from doorstep.casework.models import Contact
from doorstep.core.bulk import bulk_insert
from doorstep.insights import facts
from doorstep.insights.models import (
    AreaDay,
    AreaDayResolve,
    AreaDayUnit,
    AreaLink,
    AreaMonth,
    AreaMonthResolve,
    AreaSnapshot,
    RollupRun,
)
from doorstep.insights.periods import month_end

RECENT_DAYS = 14
NIGHTLY_DAYS = 400
_LOCK_ID = 7_202_611  # pg_advisory_xact_lock key: one refresh at a time


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def areas_signature() -> str:
    agg = Area.objects.aggregate(n=Count("pk"), top=Max("pk"))
    return f"{agg['n']}:{agg['top'] or 0}"


def links_rebuild() -> int:
    """Every area with each ancestor that is not a grid (itself included)."""
    rows = list(Area.objects.values_list("pk", "path", "level"))
    grids = {pk for pk, _path, level in rows if level == AreaLevel.GRID}
    AreaLink.objects.all().delete()
    links = (
        (pk, int(part))
        for pk, path, _level in rows
        for part in path.strip("/").split("/")
        if part and int(part) not in grids
    )
    return bulk_insert(AreaLink, ["area_id", "ancestor_id"], links)


def _union(querysets: list[QuerySet], keys: list[str], measures: list[str]) -> tuple[str, list]:
    parts, params = [], []
    for qs in querysets:
        sql, qparams = qs.query.sql_with_params()
        have = set(qs.query.annotation_select)
        cols = [f"f.{_q('key')} AS k"]
        cols += [f"f.{_q(k)} AS {_q('g_' + k)}" for k in keys]
        cols += [(f"f.{_q(m)}" if m in have else "0") + f" AS {_q('m_' + m)}" for m in measures]
        parts.append(f"SELECT {', '.join(cols)} FROM ({sql}) f")
        params += list(qparams)
    return " UNION ALL ".join(parts), params


def _insert(
    model, querysets: list[QuerySet], *, keys: list[str], measures: list[str], day=None
) -> int:
    """INSERT the fanned-out sums of `querysets` into `model`'s table. `keys` are the
    grouping columns after the area (e.g. day, unit); with `day` given, every row
    gets that day (a snapshot)."""
    union, params = _union(querysets, keys, measures)
    columns = {"day": "day", "unit_id": "unit_id", "hours": "hours"}
    target = ["area_id", *(columns[k] for k in keys)] + (["day"] if day is not None else [])
    target += measures
    select = ["link.ancestor_id", *(f"u.{_q('g_' + k)}" for k in keys)]
    head_params: list = []
    if day is not None:
        select.append("%s")
        head_params.append(day)
    select += [f"SUM(u.{_q('m_' + m)})" for m in measures]
    group = ["link.ancestor_id", *(f"u.{_q('g_' + k)}" for k in keys)]
    sql = (
        f"INSERT INTO {_q(model._meta.db_table)} ({', '.join(_q(c) for c in target)}) "
        f"SELECT {', '.join(select)} FROM ({union}) u "
        f"JOIN {_q(AreaLink._meta.db_table)} link ON link.{_q('area_id')} = u.k "
        f"GROUP BY {', '.join(group)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, head_params + params)
        return cursor.rowcount


def months_rebuild(first: dt.date, last: dt.date) -> None:
    """AreaMonth and AreaMonthResolve for the months first..last, from the day rows
    (INSERT ... SELECT of the ORM's grouped query)."""
    window = {"month__gte": first, "month__lte": last}
    AreaMonth.objects.filter(**window).delete()
    AreaMonthResolve.objects.filter(**window).delete()
    days = {"day__gte": first, "day__lte": last}
    for model, source, keys, measures in (
        (AreaMonth, AreaDay, [], facts.DAY_MEASURES),
        (AreaMonthResolve, AreaDayResolve, ["hours"], ["needs"]),
    ):
        qs = (
            source.objects.filter(**days)
            .values("area_id", *keys, month=TruncMonth("day"))
            .annotate(**{f"s_{m}": Sum(m) for m in measures})
            .order_by()
        )
        sql, params = qs.query.sql_with_params()
        columns = ["area_id", *keys, "month", *measures]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {_q(model._meta.db_table)} ({', '.join(_q(c) for c in columns)}) "
                f"SELECT * FROM ({sql}) m",
                params,
            )


def refresh(
    *,
    first_day: dt.date,
    last_day: dt.date,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> RollupRun:
    """Rebuild the daily rows of `first_day..last_day` and take today's snapshot.
    Safe to run twice or at once (the second waits for the first on PostgreSQL)."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    started = time.monotonic()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_ID])
        signature = areas_signature()
        last = RollupRun.objects.order_by("-pk").first()
        if last is None or last.areas_signature != signature or not AreaLink.objects.exists():
            links_rebuild()
        window = {"day__gte": first_day, "day__lte": last_day}
        AreaDay.objects.filter(**window).delete()
        AreaDayResolve.objects.filter(**window).delete()
        AreaDayUnit.objects.filter(**window).delete()
        AreaSnapshot.objects.filter(day=today).delete()
        span = (first_day, last_day)
        _insert(
            AreaDay,
            [fact(*span) for fact in facts.DAY_FACTS],
            keys=["day"],
            measures=facts.DAY_MEASURES,
        )
        _insert(
            AreaDayResolve, [facts.resolve_hours(*span)], keys=["day", "hours"], measures=["needs"]
        )
        _insert(
            AreaDayUnit,
            [facts.referrals_by_unit(*span)],
            keys=["day", "unit_id"],
            measures=facts.UNIT_MEASURES,
        )
        months_rebuild(first_day.replace(day=1), month_end(last_day))
        _insert(
            AreaSnapshot,
            facts.snapshot_facts(today, now),
            keys=[],
            measures=facts.SNAPSHOT_MEASURES,
            day=today,
        )
        return RollupRun.objects.create(
            started_at=now,
            finished_at=timezone.now(),
            first_day=first_day,
            last_day=last_day,
            seconds=round(time.monotonic() - started, 3),
            areas_signature=signature,
        )


def refresh_recent(*, days: int = RECENT_DAYS, today: dt.date | None = None) -> RollupRun:
    today = today or timezone.localdate()
    return refresh(first_day=today - dt.timedelta(days=days - 1), last_day=today, today=today)


# A contact inserted just before a refresh began may commit after it read: the next
# look for new contacts starts this much before the last refresh began.
CHANGE_OVERLAP = dt.timedelta(seconds=10)


def contacts_since_last_run(*, worker=None) -> dt.datetime | None:
    """When the earliest contact written since the last refresh happened (None: no
    such contact, or no refresh yet — the 15-minute refresh builds the first)."""
    last = last_run()
    if last is None:
        return None
    contacts = Contact.objects.filter(created_at__gt=last.started_at - CHANGE_OVERLAP)
    if worker is not None:
        contacts = contacts.filter(worker=worker)
    return contacts.aggregate(first=Min("occurred_at"))["first"]


def refresh_changed(*, now: dt.datetime | None = None) -> RollupRun | None:
    """Refresh the days of the contacts written since the last refresh (at most the
    recent window; older edits wait for the night), or nothing when there are none."""
    first = contacts_since_last_run()
    if first is None:
        return None
    now = now or timezone.now()
    today = timezone.localdate(now)
    first_day = max(timezone.localdate(first), today - dt.timedelta(days=RECENT_DAYS - 1))
    return refresh(first_day=min(first_day, today), last_day=today, today=today, now=now)


def last_run() -> RollupRun | None:
    return RollupRun.objects.filter(finished_at__isnull=False).order_by("-finished_at").first()
