"""The administration part of `manage.py demo`: the demo administrator reaches
Django's admin as a last resort, and a worker who left (account deactivated, one
household still paired) shows the team leader "needs a new worker". Kept small:
the office's units, duty rooms and responders are the general demo's."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Exists, OuterRef

from doorstep.accounts.models import Role, User
from doorstep.administration.django_admin import django_admin_sync
from doorstep.administration.services import StaffData, staff_create, staff_set_active
from doorstep.casework.models import Pairing
from doorstep.casework.services import pairing_create
from doorstep.registry.models import Household

CHANNEL = "demo"
LEAVER = "former_worker"


@transaction.atomic
def administration_demo_load() -> dict:
    admin = User.objects.filter(username="demo_admin").first()
    worker = User.objects.filter(username="demo_worker").select_related("area").first()
    if admin is None or worker is None:
        return {}
    django_admin_sync(admin)
    if User.objects.filter(username=LEAVER).exists():
        return {"leaver": 0}
    # A household of the demo team leader's township, paired with nobody and outside
    # the demo worker's own village (whose due list the demo keeps as it is).
    household = (
        Household.objects.within(worker.area.parent)
        .exclude(area_path__startswith=worker.area.path)
        .filter(~Exists(Pairing.objects.active().filter(household_id=OuterRef("pk"))))
        .select_related("area")
        .order_by("pk")
        .first()
    )
    if household is None:
        return {"leaver": 0}
    leaver = staff_create(
        actor=admin,
        username=LEAVER,
        data=StaffData(
            given_name="阿卜杜拉·艾买提",
            role=Role.WORKER,
            area_code=household.area.code,
            languages="ug,zh",
        ),
        channel=CHANNEL,
    )
    pairing_create(actor=admin, worker=leaver, household=household, channel=CHANNEL)
    staff_set_active(actor=admin, user=leaver, active=False, channel=CHANNEL)
    return {"leaver": 1}
