"""Who belongs to which unit: the one place that reads `UnitMember`.

A staff account may belong to several units (a responder answering for two
departments, a member of a twinned bureau). Other apps (notifications of a new
referral, the hotline, pairing) ask here rather than filtering the table themselves.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from doorstep.casework.models import UnitMember


def unit_ids_of(user) -> list[int]:
    """The units `user` belongs to now (empty for an inactive account). A retired unit
    still counts: its members finish the referrals it already holds."""
    if user is None or not user.is_active or user.pk is None:
        return []
    return list(
        UnitMember.objects.filter(user=user).order_by("unit_id").values_list("unit_id", flat=True)
    )


def unit_active_members(unit_id: int) -> QuerySet:
    """The active staff accounts of one unit: whom to tell about its new referrals."""
    return (
        get_user_model()
        .objects.filter(is_active=True, unit_memberships__unit_id=unit_id)
        .order_by("username")
    )


def members_by_unit(unit_ids) -> dict[int, list[int]]:
    """{unit id: [active member ids]} for many units in one query."""
    out: dict[int, list[int]] = {}
    for unit_id, user_id in UnitMember.objects.filter(
        unit_id__in=set(unit_ids), user__is_active=True
    ).values_list("unit_id", "user_id"):
        out.setdefault(unit_id, []).append(user_id)
    return out
