"""The resident portal in the demo (`manage.py demo`): which phone number signs in, and
what that resident has done there — a need asked for, feedback on help received,
consent given, a correction asked for — written through the portal's services."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from doorstep.accounts.models import User
from doorstep.casework.models import Pairing
from doorstep.casework.services.needs import NeedAction, need_open, need_transition
from doorstep.portal.services import (
    resident_consent_set,
    resident_correction_ask,
    resident_feedback_give,
    resident_need_submit,
)
from doorstep.privacy.models import ConsentPurpose
from doorstep.registry.models import Relationship, Resident

CHANNEL = "demo"


def demo_resident() -> Resident | None:
    """A head of household whose mobile number belongs to that household alone."""
    candidates = list(
        Resident.objects.filter(relationship=Relationship.HEAD, phone__startswith="1")
        .order_by("id")
        .values_list("phone", flat=True)[:200]
    )
    shared = set(
        Resident.objects.filter(phone__in=candidates)
        .values("phone")
        .annotate(households=Count("household_id", distinct=True))
        .filter(households__gt=1)
        .values_list("phone", flat=True)
    )
    phone = next((p for p in candidates if p not in shared), None)
    if phone is None:
        return None
    return Resident.objects.filter(phone=phone, relationship=Relationship.HEAD).first()


@transaction.atomic
def portal_demo_load() -> int:
    """Returns the number of things the demo resident did (0: nothing to do)."""
    resident = demo_resident()
    if resident is None:
        return 0
    household = resident.household
    worker = (
        User.objects.filter(
            pk__in=Pairing.objects.active().filter(household=household).values("worker_id")
        ).first()
        or User.objects.filter(username="demo_worker").first()
    )
    resident_need_submit(
        resident=resident,
        category="elderly_care",
        title="想给母亲申请居家养老服务",
        description="母亲八十岁，白天家里没人。",
        channel=CHANNEL,
    )
    done = 1
    if worker is not None:
        # Help the household received, which the resident then rates in the portal.
        need = need_open(
            actor=worker,
            household=household,
            category="housing",
            title="冬季取暖煤不够",
            channel=CHANNEL,
        )
        for action in (NeedAction.ACKNOWLEDGE, NeedAction.START, NeedAction.RESOLVE):
            need.refresh_from_db()
            need_transition(
                actor=worker,
                need=need,
                action=action,
                expected_version=need.version,
                channel=CHANNEL,
            )
        need.refresh_from_db()
        resident_feedback_give(
            resident=resident,
            need=need,
            satisfaction=5,
            comment="送煤很及时，谢谢。",
            channel=CHANNEL,
        )
        done += 1
    resident_consent_set(
        resident=resident, purpose=ConsentPurpose.CONTACTS, given=True, channel=CHANNEL
    )
    resident_correction_ask(
        resident=resident, message="我的手机号码换了，请更新。", channel=CHANNEL
    )
    return done + 2


def demo_portal_line() -> str:
    resident = demo_resident()
    if resident is None:
        return ""
    phone = resident.phone
    return _(
        "Resident portal: /resident/ — sign in with %(phone)s; in development the code "
        "is printed by the server (DOORSTEP_SMS_BACKEND=console)."
    ) % {"phone": phone}
