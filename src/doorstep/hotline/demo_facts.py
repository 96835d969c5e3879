"""Issue #13 in the demo, after hotline.demo made the duty offices: at the demo team
leader's office, one call that is both a power cut and a person trapped in a lift, and
a patrol under way, so the board, the call page and the hazards page show them."""

from __future__ import annotations

from doorstep.accounts.models import User
from doorstep.hotline.models import Office
from doorstep.hotline.services.calls import call_take
from doorstep.hotline.services.patrols import patrol_start

DEMO_LEADER = "demo_leader"
CHANNEL = "demo"


def hotline_facts_demo_load() -> int:
    """Returns the number of calls taken (0 without the demo leader or an office)."""
    leader = User.objects.filter(username=DEMO_LEADER).select_related("area").first()
    if leader is None or leader.area is None:
        return 0
    office = (
        Office.objects.filter(area__path__startswith=leader.area.path, is_active=True)
        .order_by("pk")
        .first()
    )
    if office is None:
        return 0
    call_take(
        actor=leader,
        office=office,
        category="power",
        also_categories=["lift_entrapment"],
        description="小区停电，3号楼电梯有人被困",
        building="3",
        unit="1",
        channel=CHANNEL,
    )
    patrol_start(actor=leader, office=office, route="1-6号楼, 沿街商铺", channel=CHANNEL)
    return 1
