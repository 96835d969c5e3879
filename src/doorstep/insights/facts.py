"""What each figure counts, written once as grouped querysets over the casework and
duty-room tables.

Every function returns a values() queryset of rows `(key, day, measure...)` for the
local days `start..end`: `key` is the household's own area when `by="area"` (the
rollup fans these out to every ancestor, see rollup.py) or the worker who did the
work when `by="worker"` (a worker's dashboard, read live). Because the rollup and the
worker's dashboard run the same querysets, a figure means the same thing at every
level.

Definitions (docs/architecture.md, "Insights"):
- contacts, visits: contacts by their date; calls are contacts minus visits;
- needs opened by opening date; needs resolved by the date of their (current)
  resolution; time to resolve from the start of the current cycle to its resolution;
- service-level breaches: first-level escalations, by the date they were raised;
- satisfaction: residents' feedback by the date it was recorded;
- referrals by the date they were sent, with the time the department took to answer
  (accept or decline) and whether it answered after the date it was asked for;
- duty-room calls by the date received, and the minutes from the call to each
  responder arriving on scene;
- coverage (as of a day): households whose last contact is within their interval
  (the schedule's next due date is not past); overdue: next due date past.
"""

# ruff: noqa: S611 - RawSQL here is built from model metadata and constants, no input

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncDate
from django.utils import timezone

from doorstep.casework.models import (
    UNRESOLVED,
    Assistance,
    Breach,
    Contact,
    ContactKind,
    ContactSchedule,
    Escalation,
    Feedback,
    Need,
    Referral,
    ReferralStatus,
)
from doorstep.hotline.models import Call, Dispatch
from doorstep.registry.models import Household

# No filter: the default of every fact (a module-level Q, not one built per call).
EVERYTHING = Q()
# A need open longer than this is an open problem in reports and on the dashboard.
LONG_OPEN_DAYS = 30
# Histogram buckets of the time to resolve (hours): every hour below two days, every
# day below 90 days, then one bucket.
HOURLY_BELOW = 48
LAST_BUCKET = 90 * 24


def resolve_bucket(hours: int) -> int:
    """Python twin of the SQL bucket (tests and the worker's dashboard agree with it)."""
    if hours < 0:
        return 0
    if hours < HOURLY_BELOW:
        return hours
    if hours < LAST_BUCKET:
        return hours // 24 * 24
    return LAST_BUCKET


def seconds_between(later: str, earlier: str) -> str:
    """SQL for whole seconds from `earlier` to `later` (quoted column references)."""
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(EPOCH FROM ({later} - {earlier})) AS BIGINT)"
    return f"CAST(ROUND((julianday({later}) - julianday({earlier})) * 86400) AS INTEGER)"


def _col(table: str, column: str) -> str:
    q = connection.ops.quote_name
    return f"{q(table)}.{q(column)}"


def bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[local midnight of start, local midnight after end)."""
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def _day(field: str) -> TruncDate:
    return TruncDate(field, tzinfo=timezone.get_current_timezone())


def _window(field: str, start: dt.date, end: dt.date) -> Q:
    low, high = bounds(start, end)
    return Q(**{f"{field}__gte": low, f"{field}__lt": high})


def _key(by: str, area_path: str, worker_path: str) -> F:
    return F(area_path if by == "area" else worker_path)


# --- what happened on each day (AreaDay) ----------------------------------------------


def contacts(start, end, *, by="area", where=EVERYTHING) -> QuerySet:
    return (
        Contact.objects.filter(_window("occurred_at", start, end), where)
        .values(key=_key(by, "household__area_id", "worker_id"), day=_day("occurred_at"))
        .annotate(
            contacts=Count("pk"),
            visits=Count("pk", filter=Q(kind=ContactKind.VISIT)),
        )
        .order_by()
    )


def needs_opened(start, end, *, by="area", where=EVERYTHING) -> QuerySet:
    return (
        Need.objects.filter(_window("opened_at", start, end), where)
        .values(key=_key(by, "household__area_id", "owner_id"), day=_day("opened_at"))
        .annotate(needs_opened=Count("pk"))
        .order_by()
    )


def needs_resolved(start, end, *, by="area", where=EVERYTHING) -> QuerySet:
    return (
        Need.objects.filter(_window("resolved_at", start, end), where)
        .values(key=_key(by, "household__area_id", "owner_id"), day=_day("resolved_at"))
        .annotate(needs_resolved=Count("pk"))
        .order_by()
    )


def breaches(start, end, *, by="area", where=EVERYTHING) -> QuerySet:
    return (
        Escalation.objects.filter(_window("escalated_at", start, end), where, level=1)
        .values(
            key=_key(by, "need__household__area_id", "need__owner_id"), day=_day("escalated_at")
        )
        .annotate(
            breaches_acknowledge=Count("pk", filter=Q(breach=Breach.ACKNOWLEDGE)),
            breaches_resolve=Count("pk", filter=Q(breach=Breach.RESOLVE)),
        )
        .order_by()
    )


def feedback(start, end, *, by="area", where=EVERYTHING) -> QuerySet:
    return (
        Feedback.objects.filter(_window("recorded_at", start, end), where)
        .values(key=_key(by, "need__household__area_id", "need__owner_id"), day=_day("recorded_at"))
        .annotate(feedback=Count("pk"), feedback_satisfaction_sum=Sum("satisfaction"))
        .order_by()
    )


def referrals(start, end, *, by="area", where=EVERYTHING) -> QuerySet:
    return (
        Referral.objects.filter(_window("created_at", start, end), where)
        .values(key=_key(by, "need__household__area_id", "need__owner_id"), day=_day("created_at"))
        .annotate(referrals=Count("pk"))
        .order_by()
    )


def assistance(start, end, *, by="area", where=EVERYTHING) -> QuerySet:
    return (
        Assistance.objects.filter(where, given_on__gte=start, given_on__lte=end)
        .values(key=_key(by, "need__household__area_id", "need__owner_id"), day=F("given_on"))
        .annotate(assistance=Count("pk"), assistance_amount=Sum("amount", default=0))
        .order_by()
    )


def calls(start, end, *, by="area", where=EVERYTHING) -> QuerySet:
    return (
        Call.objects.filter(_window("received_at", start, end), where)
        .values(key=_key(by, "office__area_id", "taken_by_id"), day=_day("received_at"))
        .annotate(calls=Count("pk"))
        .order_by()
    )


def call_arrivals(start, end, *, by="area", where=EVERYTHING) -> QuerySet:
    minutes = RawSQL(
        seconds_between(_col("hotline_dispatch", "arrived_at"), _col("hotline_call", "received_at"))
        + " / 60",
        [],
    )
    return (
        Dispatch.objects.filter(
            _window("call__received_at", start, end), where, arrived_at__isnull=False
        )
        .values(
            key=_key(by, "call__office__area_id", "call__taken_by_id"),
            day=_day("call__received_at"),
        )
        .annotate(call_arrivals=Count("pk"), call_arrival_minutes=Sum(minutes))
        .order_by()
    )


DAY_FACTS = [
    contacts,
    needs_opened,
    needs_resolved,
    breaches,
    feedback,
    referrals,
    assistance,
    calls,
    call_arrivals,
]
# Facts with no meaning per worker (the duty room is an office's, not a worker's).
AREA_ONLY_FACTS = {calls, call_arrivals}


# --- the time to resolve (AreaDayResolve) and referrals per department (AreaDayUnit) ---


def resolve_hours(start, end, *, by="area", where=EVERYTHING) -> QuerySet:
    seconds = seconds_between(
        _col("casework_need", "resolved_at"), _col("casework_need", "cycle_started_at")
    )
    hours = f"({seconds}) / 3600"
    bucket = RawSQL(
        f"CASE WHEN {hours} < 0 THEN 0 WHEN {hours} < {HOURLY_BELOW} THEN {hours} "
        f"WHEN {hours} < {LAST_BUCKET} THEN ({hours}) / 24 * 24 ELSE {LAST_BUCKET} END",
        [],
    )
    return (
        Need.objects.filter(_window("resolved_at", start, end), where)
        .values(
            key=_key(by, "household__area_id", "owner_id"), day=_day("resolved_at"), hours=bucket
        )
        .annotate(needs=Count("pk"))
        .order_by()
    )


def referrals_by_unit(start, end, *, by="area", where=EVERYTHING) -> QuerySet:
    answered = Q(responded_at__isnull=False)
    minutes = RawSQL(
        f"CASE WHEN {_col('casework_referral', 'responded_at')} IS NULL THEN 0 ELSE "
        + seconds_between(
            _col("casework_referral", "responded_at"), _col("casework_referral", "created_at")
        )
        + " / 60 END",
        [],
    )
    return (
        Referral.objects.filter(_window("created_at", start, end), where)
        .values(
            "unit_id",
            key=_key(by, "need__household__area_id", "need__owner_id"),
            day=_day("created_at"),
        )
        .annotate(
            referrals=Count("pk"),
            answered=Count("pk", filter=answered),
            answered_late=Count("pk", filter=answered & Q(responded_at__gt=F("due_at"))),
            declined=Count("pk", filter=Q(status=ReferralStatus.DECLINED)),
            answer_minutes=Sum(minutes),
        )
        .order_by()
    )


# --- where things stand on a day (AreaSnapshot) -----------------------------------------


def snapshot_facts(
    today: dt.date,
    now: dt.datetime,
    *,
    by="area",
    where_schedule=EVERYTHING,
    where_need=EVERYTHING,
    where_referral=EVERYTHING,
) -> list[QuerySet]:
    """The querysets of a snapshot taken at `now` on `today` (the refresh's own day)."""
    long_open = now - dt.timedelta(days=LONG_OPEN_DAYS)
    # The household's own area, not the schedule's copy of it: the copy is only as
    # current as the last schedule refresh (and absent on rows written in bulk).
    schedule_key = _key(by, "household__area_id", "worker_id")
    parts = [
        ContactSchedule.objects.filter(where_schedule)
        .values(key=schedule_key)
        .annotate(
            covered=Count("pk", filter=Q(last_contact_at__isnull=False, next_due_on__gte=today)),
            overdue=Count("pk", filter=Q(next_due_on__lt=today)),
            **({"households": Count("pk")} if by == "worker" else {}),
        )
        .order_by(),
        Need.objects.filter(where_need, status__in=UNRESOLVED)
        .values(key=_key(by, "household__area_id", "owner_id"))
        .annotate(
            open_needs=Count("pk"),
            long_open_needs=Count("pk", filter=Q(opened_at__lt=long_open)),
        )
        .order_by(),
        Referral.objects.filter(
            where_referral,
            status__in=[ReferralStatus.SENT, ReferralStatus.ACCEPTED],
            due_at__lt=now,
        )
        .values(key=_key(by, "need__household__area_id", "need__owner_id"))
        .annotate(referrals_overdue=Count("pk"))
        .order_by(),
    ]
    if by == "area":
        # Every household of the area counts, paired or not: coverage is of the area.
        parts.append(
            Household.objects.values(key=F("area_id")).annotate(households=Count("pk")).order_by()
        )
    return parts


SNAPSHOT_MEASURES = [
    "households",
    "covered",
    "overdue",
    "open_needs",
    "long_open_needs",
    "referrals_overdue",
]
DAY_MEASURES = [
    "contacts",
    "visits",
    "needs_opened",
    "needs_resolved",
    "breaches_acknowledge",
    "breaches_resolve",
    "feedback",
    "feedback_satisfaction_sum",
    "referrals",
    "assistance",
    "assistance_amount",
    "calls",
    "call_arrivals",
    "call_arrival_minutes",
]
UNIT_MEASURES = ["referrals", "answered", "answered_late", "declined", "answer_minutes"]
