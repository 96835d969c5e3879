"""The duty room's part of `manage.py demo` (issue #13): the demo worker's community
gets a duty office, one call that is both a power cut and a person trapped in a lift,
and a patrol under way, so the board, the call page and the hazards page show them."""

from __future__ import annotations

from doorstep.accounts.models import User
from doorstep.hotline.models import Office
from doorstep.hotline.services.calls import call_take
from doorstep.hotline.services.patrols import patrol_start

DEMO_WORKER = "demo_worker"
CHANNEL = "demo"


def hotline_demo_load() -> int:
    """Returns the number of calls taken (0 without the demo worker)."""
    worker = User.objects.filter(username=DEMO_WORKER).select_related("area").first()
    if worker is None or worker.area is None:
        return 0
    office, _created = Office.objects.get_or_create(
        code="demo-duty",
        defaults={
            "name": f"{worker.area.name}值班室",
            "area": worker.area,
            "phone": "0997-2123456",
        },
    )
    call_take(
        actor=worker,
        office=office,
        category="power",
        also_categories=["lift_entrapment"],
        description="小区停电，3号楼电梯有人被困",
        building="3",
        unit="1",
        channel=CHANNEL,
    )
    patrol_start(actor=worker, office=office, route="1-6号楼, 沿街商铺", channel=CHANNEL)
    return 1
