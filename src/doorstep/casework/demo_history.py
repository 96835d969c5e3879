"""A year of visits and calls for the demo data set (`manage.py demo`), in bulk.

Every household of the demo areas that has a worker in its village is paired with one
(spread evenly), and gets a year of contacts at about its interval (the visit policy's,
or the shorter one of vulnerable households): most households were last contacted
within their interval, about one in eight is overdue, a few have not been seen for
months. Contacts and pairings are bulk-inserted through core.bulk (tens of thousands of
rows: the services write one row at a time, which would take minutes), then the contact
schedule is computed by the same service that keeps it on every write
(casework.services.schedule.schedule_refresh), so the due lists and dashboards read
exactly what real work would have left. Households already paired (the demo worker's,
the officials') keep their own history.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.db import connection, transaction
from django.utils import timezone

from doorstep.accounts.models import Role, User
from doorstep.casework.models import Contact, ContactKind, ContactSchedule, Pairing
from doorstep.casework.services.schedule import (
    DEFAULT_INTERVAL_DAYS,
    DEFAULT_VULNERABLE_INTERVAL_DAYS,
    schedule_refresh,
)
from doorstep.core.bulk import bulk_insert
from doorstep.registry.models import Household, HouseholdVulnerability

SEED = 2026
DAYS = 365
OVERDUE_SHARE = 0.12
NEVER_SEEN_SHARE = 0.02
NOTES = ("家里一切正常", "询问了身体情况", "了解了收入情况", "提醒冬季取暖安全", "")
BATCH = 2000
CONTACT_FIELDS = [
    "household",
    "worker",
    "kind",
    "occurred_at",
    "duration_minutes",
    "met_with",
    "notes",
    "needs_found",
    "checklist",
    "created_at",
]


def _pairings(today: dt.date, now: dt.datetime) -> list[Pairing]:
    """Pair unpaired households with a worker of their village, round robin."""
    workers: dict[int, list[int]] = defaultdict(list)
    for pk, area_id in (
        User.objects.filter(role=Role.WORKER, is_active=True, area__level="village")
        # The demo accounts keep the short, hand-made lists of casework/demo_pairings.py.
        .exclude(username__startswith="demo_")
        .order_by("pk")
        .values_list("pk", "area_id")
    ):
        workers[area_id].append(pk)
    paired = set(Pairing.objects.active().values_list("household_id", flat=True))
    rows = []
    turn: dict[int, int] = defaultdict(int)
    started = today - dt.timedelta(days=DAYS + 30)
    for pk, village_id in (
        Household.objects.exclude(pk__in=paired).order_by("pk").values_list("pk", "area__parent_id")
    ):
        staff = workers.get(village_id)
        if not staff:
            continue
        worker_id = staff[turn[village_id] % len(staff)]
        turn[village_id] += 1
        rows.append(Pairing(worker_id=worker_id, household_id=pk, started_on=started))
    bulk_insert(
        Pairing,
        ["worker", "household", "started_on", "created_at"],
        (
            (p.worker_id, p.household_id, started, connection.ops.adapt_datetimefield_value(now))
            for p in rows
        ),
    )
    return rows


def _contacts(pairings: list[Pairing], *, now: dt.datetime, r: random.Random) -> list[tuple]:
    """Rows for core.bulk.bulk_insert in CONTACT_FIELDS order."""
    stamp = connection.ops.adapt_datetimefield_value
    # The demo sets no visit policy: the default intervals apply (casework.services.schedule).
    vulnerable = set(HouseholdVulnerability.objects.values_list("household_id", flat=True))
    rows = []
    for pairing in pairings:
        interval = (
            DEFAULT_VULNERABLE_INTERVAL_DAYS
            if pairing.household_id in vulnerable
            else DEFAULT_INTERVAL_DAYS
        )
        roll = r.random()
        if roll < NEVER_SEEN_SHARE:
            continue
        # Days since the last contact: within the interval for most, beyond it for some.
        if roll < NEVER_SEEN_SHARE + OVERDUE_SHARE:
            gap = r.uniform(1.05, 2.0) * interval
        else:
            gap = r.uniform(0.05, 0.95) * interval
        at = now - dt.timedelta(days=gap, hours=r.randint(0, 8))
        while at > now - dt.timedelta(days=DAYS):
            rows.append(
                (
                    pairing.household_id,
                    pairing.worker_id,
                    ContactKind.VISIT if r.random() < 0.6 else ContactKind.CALL,
                    stamp(at.replace(hour=r.randint(9, 18))),
                    r.choice((10, 15, 20, 30, 45)),
                    "",
                    r.choice(NOTES),
                    "",
                    "{}",
                    stamp(now),
                )
            )
            at -= dt.timedelta(days=interval * r.uniform(0.6, 1.0))
    return rows


def history_demo_load(*, seed: int = SEED) -> int:
    """Returns the number of contacts written."""
    r = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        pairings = _pairings(today, now)
        ids = [p.household_id for p in pairings]
        contacts = _contacts(pairings, now=now, r=r)
        bulk_insert(Contact, CONTACT_FIELDS, contacts)
        # Households without a schedule row read their last contact (schedule_refresh).
        ContactSchedule.objects.filter(household_id__in=ids).delete()
        for start in range(0, len(ids), BATCH):
            schedule_refresh(household_ids=ids[start : start + BATCH], today=today)
    return len(contacts)
