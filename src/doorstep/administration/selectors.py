"""Who may administer whom. Staff accounts are read through here by the
administration pages and API; an account outside the caller's reach answers 404.

- An administrator manages every account whose area lies in their own subtree (a
  county administrator: that county's staff only), and may grant every role.
- A supervisor manages workers and team leaders of their own subtree, and may grant
  only those two roles.
- Everyone else manages nobody.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from doorstep.accounts.models import Role, User
from doorstep.areas.models import Area, subtree_range

GRANTS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(Role.values),
    Role.SUPERVISOR: frozenset({Role.WORKER, Role.TEAM_LEADER}),
}


def roles_grantable_by(actor) -> frozenset[str]:
    if actor is None or not actor.is_active or actor.area_id is None:
        return frozenset()
    return GRANTS.get(actor.role, frozenset())


def can_manage_staff(actor) -> bool:
    return bool(roles_grantable_by(actor))


def can_set_up_offices(actor) -> bool:
    """Units, twinnings, duty offices and responders: administrators only."""
    return roles_grantable_by(actor) == GRANTS[Role.ADMIN]


def staff_managed_by(actor) -> QuerySet[User]:
    roles = roles_grantable_by(actor)
    if not roles:
        return User.objects.none()
    low, high = subtree_range(actor.area.path)
    return User.objects.filter(
        role__in=roles, area__path__gte=low, area__path__lt=high, is_superuser=False
    )


def staff_for(actor, user_id: int) -> User:
    user = staff_managed_by(actor).select_related("area").filter(pk=user_id).first()
    if user is None:
        raise Http404
    return user


def areas_for_staff(actor) -> QuerySet[Area]:
    """Areas the caller may place an account in: their own subtree."""
    if not can_manage_staff(actor):
        return Area.objects.none()
    return Area.objects.within(actor.area)


# --- office set-up (administrators only) ----------------------------------------------


def units_for_setup(actor):
    """Units are not personal data and have no owner area: an administrator sees all."""
    from doorstep.casework.models import Unit

    if not can_set_up_offices(actor):
        return Unit.objects.none()
    return Unit.objects.select_related("area").order_by("name")


def unit_for_setup(actor, unit_id: int):
    unit = units_for_setup(actor).filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    return unit


def offices_for_setup(actor):
    """Duty offices whose area lies in the administrator's subtree, retired ones too."""
    from doorstep.hotline.models import Office

    if not can_set_up_offices(actor):
        return Office.objects.none()
    low, high = subtree_range(actor.area.path)
    return (
        Office.objects.filter(area__path__gte=low, area__path__lt=high)
        .select_related("area")
        .order_by("-is_active", "name")
    )


def office_for_setup(actor, office_id: int):
    office = offices_for_setup(actor).filter(pk=office_id).first()
    if office is None:
        raise Http404
    return office


def responder_for_setup(actor, responder_id: int):
    from doorstep.hotline.models import Responder

    responder = (
        Responder.objects.filter(office__in=offices_for_setup(actor), pk=responder_id)
        .select_related("office")
        .first()
    )
    if responder is None:
        raise Http404
    return responder


def may_set_service_levels(actor) -> bool:
    """Service levels hold for the whole installation: administrators of a top-level
    area (the region) only, never a county administrator."""
    return can_set_up_offices(actor) and actor.area.parent_id is None
