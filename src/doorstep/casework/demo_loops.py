"""The loops in the demo data set (`manage.py demo`), so each can be walked at once:

- the county civil-affairs bureau takes referrals, with demo_responder as its member;
- demo_worker's first paired households: one need referred and waiting (the bureau's
  members have a "new referral" notification), one accepted (in progress) and completed
  with its outcome (demo_worker is asked to resolve it, the form prefilled), one
  declined with the reason (back with demo_worker);
- the portal's demo household (demo_portal_line): a need resolved and waiting for the
  resident to confirm or dispute it, and a correction request answered.
Through the services, as people would do it; a few rows, so the demo stays fast."""

from __future__ import annotations

from django.db import transaction

from doorstep.accounts.models import User
from doorstep.casework.models import Pairing, Unit, UnitKind, UnitMember
from doorstep.casework.services import (
    need_open,
    need_transition,
    referral_accept,
    referral_create,
    referral_decline,
    referral_record_action,
)

CHANNEL = "demo"


def _portal_household_id() -> int | None:
    """The household of portal.demo.demo_portal_line (the same choice)."""
    from doorstep.registry.models import Relationship, Resident

    phones = list(
        Resident.objects.filter(relationship=Relationship.HEAD, phone__startswith="1")
        .order_by("id")
        .values_list("phone", "household_id")[:200]
    )
    counts: dict[str, set] = {}
    for phone, household_id in Resident.objects.filter(
        phone__in=[p for p, _ in phones]
    ).values_list("phone", "household_id"):
        counts.setdefault(phone, set()).add(household_id)
    return next((h for p, h in phones if len(counts.get(p, ())) == 1), None)


def loops_demo_load() -> int:
    """Returns the number of needs opened (0: nothing to do); texts in the site's
    language."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        return _load()


def _load() -> int:
    worker = User.objects.filter(username="demo_worker").first()
    leader = User.objects.filter(username="demo_leader").first()
    responder = User.objects.filter(username="demo_responder").first()
    if worker is None or leader is None or responder is None:
        return 0
    if (
        UnitMember.objects.filter(user=responder).exists()
        or Unit.objects.filter(name="县民政局").exists()
    ):
        return 0
    bureau = Unit.objects.create(
        name="县民政局",
        kind=UnitKind.CIVIL_AFFAIRS,
        area=responder.area,
        accepts_referrals=True,
    )
    UnitMember.objects.create(user=responder, unit=bureau)
    households = list(
        Pairing.objects.active()
        .filter(worker=worker)
        .select_related("household")
        .order_by("household_id")[:3]
    )
    opened = 0
    stories = [
        ("income", "申请最低生活保障", "sent"),
        ("medical_costs", "大病救助申请", "completed"),
        ("housing", "危房改造", "declined"),
    ]
    for pairing, (category, title, end) in zip(households, stories, strict=False):
        need = need_open(
            actor=worker,
            household=pairing.household,
            category=category,
            title=title,
            urgency="high",
            channel=CHANNEL,
        )
        opened += 1
        referral = referral_create(
            actor=worker, need=need, unit=bureau, note=title, channel=CHANNEL
        )
        if end == "completed":
            referral_accept(actor=responder, referral=referral, channel=CHANNEL)
            referral_record_action(
                actor=responder,
                referral=referral,
                note="大病救助已审批，8,000 元将于本月发放",
                completed=True,
                channel=CHANNEL,
            )
        elif end == "declined":
            referral_decline(
                actor=responder,
                referral=referral,
                reason="危房改造由住建局办理，请转介住建局",
                channel=CHANNEL,
            )

    household_id = _portal_household_id()
    if household_id is not None:
        from doorstep.registry.models import Household

        household = Household.objects.get(pk=household_id)
        need = need_open(
            actor=leader,
            household=household,
            category="elderly_care",
            title="老人助行器",
            channel=CHANNEL,
        )
        opened += 1
        owner = (
            need.owner if need.owner and need.owner.role in ("worker", "team_leader") else leader
        )
        for action in ("acknowledge", "start", "resolve"):
            need = need_transition(
                actor=owner,
                need=need,
                action=action,
                note="助行器已送到家中" if action == "resolve" else "",
                channel=CHANNEL,
            )
        _answered_correction(household, leader)
    return opened


def _answered_correction(household, leader) -> None:
    from doorstep.privacy.models import CorrectionStatus
    from doorstep.privacy.services import correction_request_create, correction_request_resolve
    from doorstep.registry.models import Relationship

    head = household.residents.filter(relationship=Relationship.HEAD).first()
    if head is None:
        return
    request = correction_request_create(
        resident=head, message="我家的人口数登记有误", channel=CHANNEL
    )
    correction_request_resolve(
        actor=leader,
        request=request,
        status=CorrectionStatus.CORRECTED,
        answer="已按户口本更正，谢谢告知。",
        channel=CHANNEL,
    )
