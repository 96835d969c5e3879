"""Demo data (`manage.py demo`): the demo worker's households get a past, so that their
pages show a rich timeline (issue 17: the household page as the centre of the work).

Earlier demo steps give each of them its last contact, needs, referrals, income and the
monitoring procedure. This step adds, through the services the pages use: the visits
and calls of the year before that last contact, a small business with its micro-loan,
a training enrolment and a life event (which the relapse watch reads at once). Runs
after the livelihoods demo (its course sessions) and is idempotent (it does nothing when
the first household already has its earlier contacts); a household that already has a
business gets no second one.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from doorstep.accounts.models import User
from doorstep.casework.models import Contact, ContactKind, Pairing
from doorstep.casework.services import contact_log
from doorstep.livelihoods.models import Business, CourseSession, LifeEventKind
from doorstep.livelihoods.services.enterprise import business_create, loan_create
from doorstep.livelihoods.services.income import life_event_record
from doorstep.livelihoods.services.training import enrolment_create
from doorstep.registry.models import Relationship, Resident

CHANNEL = "demo"
WORKER = "demo_worker"
# Days before the household's last contact at which the earlier ones happened.
EARLIER_CONTACTS = (62, 125, 190, 250, 310)
NOTES = ("了解了家庭收入和就业情况", "询问了老人身体情况", "提醒冬季取暖安全", "核对了医保缴费", "")
BUSINESSES = (
    ("小卖部", "零售", "农商银行"),
    ("馕坑", "餐饮", "邮储银行"),
    ("缝纫铺", "裁缝", "农商银行"),
)


def household_history_demo_load() -> int:
    """Returns how many records it wrote."""
    worker = User.objects.filter(username=WORKER).first()
    if worker is None:
        return 0
    now = timezone.now()
    today = timezone.localdate()
    household_ids = list(
        Pairing.objects.active()
        .filter(worker=worker)
        .order_by("household__household_no")
        .values_list("household_id", flat=True)
    )
    if not household_ids or Contact.objects.filter(
        household_id=household_ids[0], worker=worker
    ).count() > len(EARLIER_CONTACTS):
        return 0  # loaded already
    with_business = set(
        Business.objects.filter(household_id__in=household_ids).values_list(
            "household_id", flat=True
        )
    )
    written = 0
    last = dict(
        Contact.objects.filter(household_id__in=household_ids, worker=worker)
        .order_by("household_id", "occurred_at")
        .values_list("household_id", "occurred_at")
    )
    heads = {
        r.household_id: r
        for r in Resident.objects.filter(
            household_id__in=household_ids, relationship=Relationship.HEAD
        ).select_related("household")
    }
    session = CourseSession.objects.filter(ends_on__gte=today).order_by("starts_on", "pk").first()
    for index, household_id in enumerate(household_ids):
        head = heads.get(household_id)
        if head is None:
            continue
        household = head.household
        since = last.get(household_id, now)
        for n, days in enumerate(EARLIER_CONTACTS):
            contact_log(
                actor=worker,
                household=household,
                kind=ContactKind.CALL if (index + n) % 3 == 0 else ContactKind.VISIT,
                occurred_at=since - dt.timedelta(days=days, hours=n),
                duration_minutes=15 + 5 * n,
                met_with=head.name,
                notes=NOTES[(index + n) % len(NOTES)],
                channel=CHANNEL,
                history=True,
            )
            written += 1
        if index < len(BUSINESSES) and household_id not in with_business:
            name, trade, bank = BUSINESSES[index]
            business = business_create(
                actor=worker,
                owner=head,
                name=name,
                trade=trade,
                started_on=today - dt.timedelta(days=200 + 30 * index),
                channel=CHANNEL,
            )
            loan_create(
                actor=worker,
                business=business,
                amount=20000 + 10000 * index,
                bank=bank,
                term_months=24,
                disbursed_on=today - dt.timedelta(days=180 + 30 * index),
                channel=CHANNEL,
            )
            written += 2
        if index % 4 == 1:
            life_event_record(
                actor=worker,
                household=household,
                kind=LifeEventKind.SERIOUS_ILLNESS,
                occurred_on=today - dt.timedelta(days=40 + index),
                note="住院治疗",
                channel=CHANNEL,
            )
            written += 1
        if session is not None and index % 3 == 0:
            try:
                enrolment_create(
                    actor=worker,
                    session=session,
                    resident=head,
                    resident_agreed=True,
                    channel=CHANNEL,
                )
            except ValidationError:
                pass  # over working age, or the session is full: no enrolment, no harm
            else:
                written += 1
    return written
