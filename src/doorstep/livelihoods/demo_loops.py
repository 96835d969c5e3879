"""Livelihoods' part of the loops in the demo (`manage.py demo`, after
livelihoods_demo_load): the demo placement answers an employment need of its
household and its 1-month follow-up says still employed, so demo_worker is asked to
resolve that need; the demo business answers an income need (a business opened asks at
once); its first month of income (7,000 yuan) is recorded by month and raises no flag."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from doorstep.casework.services import need_open
from doorstep.livelihoods import services
from doorstep.livelihoods.models import Business, Placement
from doorstep.livelihoods.services import loops
from doorstep.livelihoods.services.income import income_month_add

CHANNEL = "demo"


def livelihoods_loops_demo_load() -> int:
    """Returns the number of needs linked to help (0: nothing to do). The summaries
    written onto needs are in the site's language, as a worker there would write them."""
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        return _load()


def _load() -> int:
    placement = Placement.objects.select_related("household", "worker").order_by("pk").first()
    if placement is None or placement.worker is None:
        return 0
    worker = placement.worker
    linked = 0
    need = need_open(
        actor=worker,
        household=placement.household,
        category="employment",
        title="想找一份稳定的工作",
        channel=CHANNEL,
    )
    loops.help_link_needs(
        actor=worker, kind="placement", obj=placement, need_ids=[need.pk], channel=CHANNEL
    )
    linked += 1
    first = placement.follow_ups.filter(month=1, done_on__isnull=True).first()
    if first is not None and first.due_on <= timezone.localdate():
        services.follow_up_record(
            actor=worker,
            follow_up=first,
            still_employed=True,
            notes="工作稳定，老板满意",
            done_on=max(first.due_on, placement.started_on),
            channel=CHANNEL,
        )
    business = Business.objects.select_related("household").order_by("pk").first()
    if business is not None:
        income_need = need_open(
            actor=worker,
            household=business.household,
            category="income",
            title="开店增加收入",
            channel=CHANNEL,
        )
        loops.help_link_needs(
            actor=worker, kind="business", obj=business, need_ids=[income_need.pk], channel=CHANNEL
        )
        linked += 1
        today = timezone.localdate()
        income_month_add(
            actor=worker,
            household=business.household,
            year=today.year,
            month=today.month,
            source="business",
            amount=7000,
            channel=CHANNEL,
        )
    return linked
