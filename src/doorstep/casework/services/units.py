"""The administrator's management of units, their twinned villages and their members.

Plain rows, but each change is audited and checked here so that the page (and any
later API) share the rules: only administrators, only within their own area, a
twinning is with a village, a staff account belongs to a unit once (and to as many
units as it serves).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstep.accounts.models import Role
from doorstep.areas.models import Area, AreaLevel
from doorstep.casework.models import Twinning, Unit, UnitKind, UnitMember
from doorstep.casework.services.common import require_role
from doorstep.privacy.models import AuditAction
from doorstep.privacy.services import audit_record

UNIT_ROLES = frozenset({Role.ADMIN})


def _audit(actor, action: str, object_type: str, pk, channel: str, **detail) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=pk,
        channel=channel,
        detail=detail or None,
    )


def _check_area(actor, area: Area | None, field: str) -> None:
    if area is not None and (actor.area_id is None or not area.is_within(actor.area)):
        raise ValidationError({field: _("That area is outside your own area.")})


@transaction.atomic
def unit_save(
    *,
    actor,
    unit: Unit | None = None,
    name: str,
    kind: str,
    area: Area | None = None,
    accepts_referrals: bool = False,
    is_active: bool = True,
    channel: str,
) -> Unit:
    """Create a unit (`unit` None) or change one."""
    require_role(actor, UNIT_ROLES)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the unit a name.")})
    if kind not in UnitKind.values:
        raise ValidationError({"kind": _("Choose the kind of unit.")})
    _check_area(actor, area, "area")
    creating = unit is None
    unit = unit or Unit()
    unit.name, unit.kind, unit.area = name[:120], kind, area
    unit.accepts_referrals, unit.is_active = accepts_referrals, is_active
    unit.save()
    _audit(actor, AuditAction.CREATE if creating else AuditAction.UPDATE, "unit", unit.pk, channel)
    return unit


@transaction.atomic
def twinning_add(
    *, actor, unit: Unit, village: Area, started_on: dt.date | None = None, channel: str
) -> Twinning:
    require_role(actor, UNIT_ROLES)
    if village.level != AreaLevel.VILLAGE:
        raise ValidationError({"village": _("A unit is twinned with a village or community.")})
    _check_area(actor, village, "village")
    started_on = started_on or timezone.localdate()
    try:
        with transaction.atomic():
            twinning = Twinning.objects.create(unit=unit, village=village, started_on=started_on)
    except IntegrityError:
        raise ValidationError(
            {
                "village": _("%(unit)s is already twinned with %(village)s.")
                % {"unit": unit.name, "village": village.name}
            }
        ) from None
    _audit(actor, AuditAction.CREATE, "twinning", twinning.pk, channel, village=village.pk)
    return twinning


@transaction.atomic
def twinning_end(
    *, actor, twinning: Twinning, ended_on: dt.date | None = None, channel: str
) -> Twinning:
    """End a twinning. Pairings already made with its households stay as they are:
    the team leader re-pairs them (an ended twinning only stops new pairings)."""
    require_role(actor, UNIT_ROLES)
    ended_on = ended_on or timezone.localdate()
    if ended_on < twinning.started_on:
        raise ValidationError({"ended_on": _("A twinning cannot end before it starts.")})
    if not Twinning.objects.filter(pk=twinning.pk, ended_on__isnull=True).update(ended_on=ended_on):
        raise ValidationError({"ended_on": _("This twinning has already ended.")})
    twinning.refresh_from_db()
    _audit(actor, AuditAction.UPDATE, "twinning", twinning.pk, channel, ended_on=str(ended_on))
    return twinning


@transaction.atomic
def unit_member_add(*, actor, unit: Unit, user, channel: str) -> UnitMember:
    require_role(actor, UNIT_ROLES)
    if user is None or not user.is_active:
        raise ValidationError({"user": _("There is no active staff account with this name.")})
    duplicate = ValidationError(
        {
            "user": _("%(user)s already belongs to %(unit)s.")
            % {"user": user.username, "unit": unit.name}
        }
    )
    if UnitMember.objects.filter(user=user, unit=unit).exists():
        raise duplicate
    try:
        with transaction.atomic():
            member = UnitMember.objects.create(user=user, unit=unit)
    except IntegrityError:
        raise duplicate from None
    _audit(actor, AuditAction.CREATE, "unit_member", member.pk, channel, unit=unit.pk)
    return member


@transaction.atomic
def unit_member_remove(*, actor, member: UnitMember, channel: str) -> None:
    """Remove a member. Their pairings stay; a responder stops seeing the unit's
    referrals except those they answered themselves (casework.selectors)."""
    require_role(actor, UNIT_ROLES)
    pk, unit_id = member.pk, member.unit_id
    member.delete()
    _audit(actor, AuditAction.DELETE, "unit_member", pk, channel, unit=unit_id)
