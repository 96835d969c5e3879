"""Pairing staff with households, by hand: one at a time, or many to one worker.

Rules, checked here and nowhere else:
- only team leaders, supervisors and administrators pair, and only households of
  their own area;
- a unit's staff (UnitMember) pair only with households of the unit's twinned
  villages; other staff only with households of their own area;
- a worker holds at most `pairing_capacity()` active pairings;
- a household has one active pairing at a time (also a partial unique index);
  re-pairing ends the old pairing on the day the new one starts, so the household's
  history is kept whole.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstep.areas.models import Area
from doorstep.casework.membership import unit_ids_of
from doorstep.casework.models import ContactSchedule, Pairing, Twinning
from doorstep.casework.services.common import (
    PAIRABLE_ROLES,
    PAIRING_ROLES,
    replayed,
    require_role,
)
from doorstep.casework.services.schedule import schedule_refresh
from doorstep.privacy.models import AuditAction
from doorstep.privacy.services import audit_record
from doorstep.registry.models import Household
from doorstep.registry.selectors import households_visible_to

DEFAULT_PAIRING_CAPACITY = 50


def pairing_capacity() -> int:
    """Active pairings one worker may hold; DOORSTEP_PAIRING_CAPACITY overrides."""
    return int(getattr(settings, "DOORSTEP_PAIRING_CAPACITY", DEFAULT_PAIRING_CAPACITY))


def _display(user) -> str:
    return user.get_full_name() or user.username


def _check_worker(worker) -> None:
    if worker is None or not worker.is_active or worker.role not in PAIRABLE_ROLES:
        raise ValidationError({"worker": _("Only workers and team leaders can be paired.")})


def ineligible_households(*, worker, households: list[Household]) -> list[Household]:
    """The households `worker` may not be paired with (twinning or area rule)."""
    unit_ids = unit_ids_of(worker)
    if unit_ids:
        # A member of several units serves the twinned villages of each.
        village_paths = list(
            Area.objects.filter(
                pk__in=Twinning.objects.filter(unit_id__in=unit_ids, ended_on__isnull=True).values(
                    "village_id"
                )
            ).values_list("path", flat=True)
        )
        return [h for h in households if not any(h.area.path.startswith(p) for p in village_paths)]
    if worker.area_id is None:
        return list(households)
    return [h for h in households if not h.area.is_within(worker.area)]


def _check_scope(actor, household_ids: list[int]) -> None:
    visible = set(
        households_visible_to(actor).filter(pk__in=household_ids).values_list("pk", flat=True)
    )
    if len(visible) != len(set(household_ids)):
        raise ValidationError({"household": _("That household is outside your own area.")})


def _check_capacity(worker, *, adding: int) -> None:
    held = Pairing.objects.active().filter(worker=worker).count()
    if held + adding > pairing_capacity():
        raise ValidationError(
            {
                "worker": _(
                    "%(name)s already has %(held)s households; at most %(max)s are allowed."
                )
                % {"name": _display(worker), "held": held, "max": pairing_capacity()}
            }
        )


def _audit_pairing(actor, pairing: Pairing, action: str, channel: str) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type="pairing",
        object_id=pairing.pk,
        household_id=pairing.household_id,
        channel=channel,
        detail={"worker": pairing.worker_id},
    )


@transaction.atomic
def pairing_create(
    *,
    actor,
    worker,
    household: Household,
    started_on: dt.date | None = None,
    replace: bool = False,
    client_id=None,
    channel: str,
) -> Pairing:
    """Pair `worker` with `household`. With `replace`, an active pairing with someone
    else ends the day this one starts; without it, that is an error."""
    require_role(actor, PAIRING_ROLES)
    if (earlier := replayed(Pairing, client_id=client_id, created_by=actor)) is not None:
        return earlier
    _check_worker(worker)
    _check_scope(actor, [household.pk])
    started_on = started_on or timezone.localdate()
    if started_on > timezone.localdate():
        raise ValidationError({"started_on": _("A pairing cannot start in the future.")})
    household = Household.objects.select_related("area").get(pk=household.pk)
    if ineligible_households(worker=worker, households=[household]):
        raise ValidationError(
            {
                "household": _(
                    "%(name)s cannot be paired with this household: it is outside "
                    "their area and the villages twinned with their unit."
                )
                % {"name": _display(worker)}
            }
        )
    current = Pairing.objects.select_for_update().active().filter(household=household).first()
    if current is not None:
        if current.worker_id == worker.pk:
            raise ValidationError(
                {
                    "worker": _("This household is already paired with %(name)s.")
                    % {"name": _display(worker)}
                }
            )
        if not replace:
            raise ValidationError(
                {
                    "household": _("This household is already paired with %(name)s.")
                    % {"name": _display(current.worker)}
                }
            )
        if started_on < current.started_on:
            raise ValidationError(
                {"started_on": _("A new pairing cannot start before the current one.")}
            )
        current.ended_on = started_on
        current.save(update_fields=["ended_on"])
        _audit_pairing(actor, current, AuditAction.UPDATE, channel)
    _check_capacity(worker, adding=1)
    pairing = Pairing(
        worker=worker,
        household=household,
        started_on=started_on,
        created_by=actor,
        client_id=client_id,
    )
    try:
        with transaction.atomic():
            pairing.save()
    except IntegrityError:
        # Someone paired the household between our check and our insert.
        raise ValidationError(
            {"household": _("This household was paired by someone else just now.")}
        ) from None
    schedule_refresh(household_ids=[household.pk])
    _audit_pairing(actor, pairing, AuditAction.CREATE, channel)
    return pairing


@transaction.atomic
def pairing_end(
    *, actor, pairing: Pairing, ended_on: dt.date | None = None, channel: str
) -> Pairing:
    require_role(actor, PAIRING_ROLES)
    _check_scope(actor, [pairing.household_id])
    ended_on = ended_on or timezone.localdate()
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": _("A pairing cannot end in the future.")})
    if ended_on < pairing.started_on:
        raise ValidationError({"ended_on": _("A pairing cannot end before it starts.")})
    updated = Pairing.objects.filter(pk=pairing.pk, ended_on__isnull=True).update(ended_on=ended_on)
    if not updated:
        raise ValidationError(_("This pairing has already ended."))
    ContactSchedule.objects.filter(household_id=pairing.household_id).update(worker=None)
    pairing.refresh_from_db()
    _audit_pairing(actor, pairing, AuditAction.UPDATE, channel)
    return pairing


@transaction.atomic
def pairings_bulk_assign(
    *,
    actor,
    worker,
    household_ids: Iterable[int],
    started_on: dt.date | None = None,
    channel: str,
) -> list[Pairing]:
    """Pair many households with one worker, all or nothing.

    Households already paired with someone else are re-paired; those already paired
    with `worker` are left as they are. Checks are set-based: a fixed number of
    queries however many households are assigned.
    """
    require_role(actor, PAIRING_ROLES)
    _check_worker(worker)
    ids = sorted(set(household_ids))
    if not ids:
        raise ValidationError({"household_ids": _("Choose at least one household.")})
    _check_scope(actor, ids)
    started_on = started_on or timezone.localdate()
    if started_on > timezone.localdate():
        raise ValidationError({"started_on": _("A pairing cannot start in the future.")})
    households = list(Household.objects.filter(pk__in=ids).select_related("area"))
    refused = ineligible_households(worker=worker, households=households)
    if refused:
        raise ValidationError(
            {
                "household_ids": _(
                    "%(name)s cannot be paired with these households (outside their area "
                    "and their unit's twinned villages): %(numbers)s"
                )
                % {
                    "name": _display(worker),
                    "numbers": ", ".join(h.household_no for h in refused[:20]),
                }
            }
        )
    current = list(Pairing.objects.select_for_update().active().filter(household_id__in=ids))
    mine = {p.household_id for p in current if p.worker_id == worker.pk}
    others = [p for p in current if p.worker_id != worker.pk]
    if any(p.started_on > started_on for p in others):
        raise ValidationError(
            {"started_on": _("A new pairing cannot start before the current one.")}
        )
    new_ids = [pk for pk in ids if pk not in mine]
    _check_capacity(worker, adding=len(new_ids))
    Pairing.objects.filter(pk__in=[p.pk for p in others]).update(ended_on=started_on)
    for p in others:
        p.ended_on = started_on
        _audit_pairing(actor, p, AuditAction.UPDATE, channel)
    try:
        with transaction.atomic():
            created = Pairing.objects.bulk_create(
                [
                    Pairing(worker=worker, household_id=pk, started_on=started_on, created_by=actor)
                    for pk in new_ids
                ]
            )
    except IntegrityError:
        raise ValidationError(
            {"household_ids": _("Some of these households were paired by someone else just now.")}
        ) from None
    if created and created[0].pk is None:  # backends that do not return ids on bulk insert
        created = list(Pairing.objects.active().filter(worker=worker, household_id__in=new_ids))
    schedule_refresh(household_ids=ids)
    for p in created:
        _audit_pairing(actor, p, AuditAction.CREATE, channel)
    return created
