"""Demo data for the field app: the demo worker's caseload already comes from casework's
demo (12 paired households with their last contacts, a welfare round); this adds what
the app newly records, so it shows on the cards: a stay of three days in the village,
and a call entered today for yesterday. Written through the contact service."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from doorstep.accounts.models import User
from doorstep.casework.models import ContactKind, Pairing
from doorstep.casework.services import contact_log

CHANNEL = "demo"


def fieldapp_demo_load() -> int:
    """Returns how many contacts were logged (none without the demo worker's pairings)."""
    worker = User.objects.filter(username="demo_worker").first()
    if worker is None:
        return 0
    households = [
        p.household
        for p in Pairing.objects.active()
        .filter(worker=worker)
        .select_related("household")
        .order_by("household__household_no")[:12]
    ]
    if len(households) < 12:
        return 0
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    start = now - dt.timedelta(days=9, hours=2)
    contact_log(
        actor=worker,
        household=households[7],
        kind=ContactKind.VISIT,
        occurred_at=start,
        ended_at=start + dt.timedelta(days=3),
        met_with="全家",
        notes="驻村三天：帮忙修缮牲畜圈，了解孩子上学情况",
        channel=CHANNEL,
    )
    contact_log(
        actor=worker,
        household=households[9],
        kind=ContactKind.CALL,
        occurred_at=now - dt.timedelta(days=1, hours=3),
        duration_minutes=10,
        met_with="户主",
        notes="昨天电话回访，身体已好转",
        channel=CHANNEL,
    )
    return 2
