"""Demo data for `make run`: the demo worker's own households, so that signing in as
demo_worker shows a real due list (overdue, due this week, later), not an empty page.

Written through the services the pages use (pairing, contact logging), so the contact
schedule and the audit log are what they would be after real work. Runs before the
welfare-round demo so that its checks go to the paired worker.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from doorstep.accounts.models import Role, User
from doorstep.casework.models import ContactKind
from doorstep.casework.services import contact_log, pairings_bulk_assign
from doorstep.registry.models import Household

# (worker, who pairs them): the Lintao worker is paired by the synthetic team leader of
# their township (there is no demo_* leader in Gansu).
DEMO_PAIRINGS = (("demo_worker", "demo_leader"), ("demo_worker_lintao", None))
HOUSEHOLDS_EACH = 12
CHANNEL = "demo"
# Days since the last contact, in the order of the worker's households: with the
# default 60-day policy the first four are overdue and the next three due this week;
# the others were seen recently.
LAST_CONTACT_DAYS = (75, 68, 64, 61, 57, 55, 54, 30, 21, 14, 7, 3)


def casework_demo_load() -> int:
    """Pair the demo worker with households of their own village (by their team leader)
    and log their last contacts; returns how many households were paired."""
    now = timezone.now()
    paired = 0
    for username, leader in DEMO_PAIRINGS:
        worker = User.objects.filter(username=username).select_related("area").first()
        actor = (
            User.objects.filter(username=leader).first()
            if leader
            else User.objects.filter(
                role=Role.TEAM_LEADER, area_id=worker.area.parent_id if worker else None
            ).first()
        )
        if worker is None or worker.area is None or actor is None:
            continue
        households = list(
            Household.objects.within(worker.area).order_by("household_no")[:HOUSEHOLDS_EACH]
        )
        if not households:
            continue
        pairings_bulk_assign(
            actor=actor,
            worker=worker,
            household_ids=[h.pk for h in households],
            started_on=(now - dt.timedelta(days=120)).date(),
            channel=CHANNEL,
        )
        for household, days in zip(households, LAST_CONTACT_DAYS, strict=False):
            contact_log(
                actor=worker,
                household=household,
                kind=ContactKind.VISIT if days % 2 else ContactKind.CALL,
                occurred_at=now - dt.timedelta(days=days),
                duration_minutes=20,
                channel=CHANNEL,
            )
        paired += len(households)
    return paired
