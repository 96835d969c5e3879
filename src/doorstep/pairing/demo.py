"""Demo data for the work-team proposal: development needs of some villages of the
demo supervisor's county, and skills of some of its staff (`manage.py demo`)."""

from __future__ import annotations

import random

from django.db import transaction

from doorstep.accounts.models import Role, User
from doorstep.areas.models import Area, AreaLevel
from doorstep.pairing.models import DevelopmentNeed, MemberSkill, VillageNeed

DEMO_VILLAGES = 12
DEMO_MEMBERS = 24


@transaction.atomic
def pairing_demo_load(*, seed: int = 7) -> int:
    """Returns the number of village needs written (0 when there is no demo county)."""
    supervisor = User.objects.filter(username="demo_supervisor").select_related("area").first()
    if supervisor is None or supervisor.area_id is None:
        return 0
    r = random.Random(seed)
    needs = [n.value for n in DevelopmentNeed]
    villages = list(
        Area.objects.filter(path__startswith=supervisor.area.path, level=AreaLevel.VILLAGE)
        .filter(households__isnull=False)
        .distinct()
        .order_by("code")[:DEMO_VILLAGES]
    )
    rows = [
        VillageNeed(village=v, need=n, priority=r.randint(1, 3))
        for v in villages
        for n in r.sample(needs, r.randint(1, 3))
    ]
    VillageNeed.objects.bulk_create(rows, ignore_conflicts=True)
    members = list(
        User.objects.filter(
            area__path__startswith=supervisor.area.path,
            role__in=[Role.WORKER, Role.TEAM_LEADER],
            is_active=True,
        ).order_by("pk")[:DEMO_MEMBERS]
    )
    MemberSkill.objects.bulk_create(
        [
            MemberSkill(member=m, skill=s, years=r.randint(0, 12))
            for m in members
            for s in r.sample(needs, r.randint(1, 2))
        ],
        ignore_conflicts=True,
    )
    return len(rows)
