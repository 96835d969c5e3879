"""Every hotline read, scoped to the caller. A record outside the scope answers 404.

Who sees what:
- workers, team leaders, supervisors, administrators: the offices whose area lies in
  their subtree, with those offices' calls, rosters, patrols and hazards;
- members of a responder (a lift company's engineer, a grid worker): the calls
  dispatched to it, and nothing else;
- everyone signed in: who is on duty now, in every office (the duty phone is public);
- analysts: no call (calls hold callers' names and phones).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from doorstep.hotline.models import (
    OPEN_STATUSES,
    Call,
    CallEscalation,
    Dispatch,
    DispatchStatus,
    DutyShift,
    Hazard,
    Office,
    Patrol,
    Responder,
    ShiftSwap,
)
from doorstep.hotline.services.common import DUTY_ROLES
from doorstep.privacy.models import AuditAction
from doorstep.privacy.services import audit_record
from doorstep.registry.models import Resident
from doorstep.registry.selectors import residents_named, residents_visible_to
from doorstep.registry.validators import normalize_phone

BOARD_SIZE = 200


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _on_duty_staff(user) -> bool:
    return _active(user) and user.role in DUTY_ROLES and user.area_id is not None


def offices_visible_to(user) -> QuerySet[Office]:
    if not _on_duty_staff(user):
        return Office.objects.none()
    return Office.objects.filter(area__path__startswith=user.area.path)


def office_for(user, office_id: int) -> Office:
    office = offices_visible_to(user).select_related("area").filter(pk=office_id).first()
    if office is None:
        raise Http404
    return office


def responders_of(user) -> QuerySet[Responder]:
    if not _active(user):
        return Responder.objects.none()
    return Responder.objects.filter(members=user, is_active=True)


def calls_visible_to(user) -> QuerySet[Call]:
    if not _active(user):
        return Call.objects.none()
    dispatched = Q(
        pk__in=Dispatch.objects.filter(responder__in=responders_of(user)).values("call_id")
    )
    if _on_duty_staff(user):
        return Call.objects.filter(Q(office__in=offices_visible_to(user)) | dispatched)
    return Call.objects.filter(dispatched)


def call_for(user, call_id: int, *, channel: str) -> Call:
    call = (
        calls_visible_to(user)
        .select_related("office", "office__area", "taken_by", "place_area", "need")
        .filter(pk=call_id)
        .first()
    )
    if call is None:
        raise Http404
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="call",
        object_id=call.pk,
        household_id=None,
        channel=channel,
    )
    return call


# The columns the board shows (page and API). Loading only these, and the dispatches by
# a plain `call_id IN (...)` instead of prefetch_related, cut the board's Python time per
# refresh about threefold with 200 open calls (docs/benchmarks.md, "Duty room"): a full
# Call row is ~35 columns, and prefetching by model instances costs per instance.
BOARD_FIELDS = (
    "id",
    "office_id",
    "status",
    "category",
    "categories",
    "urgency",
    "received_at",
    "resolve_due_at",
    "escalated",
    "cycle",
    "building",
    "unit",
    "address",
    "place_area__name",
)


def board_calls(user, *, office: Office | None = None) -> list[Call]:
    """The duty room's board: open calls, escalated first, then the soonest deadline.
    Two queries whatever the number of calls (calls with their compound, then their
    dispatches with the responder's name, as `call.board_dispatches`), and a third when
    some are escalated (`call.board_escalations` of the current cycle, and
    `call.escalated_to_ids`, the duty leaders told). Only BOARD_FIELDS are loaded:
    reading another field of these calls costs a query each."""
    qs = calls_visible_to(user).filter(status__in=OPEN_STATUSES)
    if office is not None:
        qs = qs.filter(office=office)
    calls = list(
        qs.select_related("place_area")
        .only(*BOARD_FIELDS)
        .order_by("-escalated", "resolve_due_at", "pk")[:BOARD_SIZE]
    )
    by_id = {c.pk: c for c in calls}
    for c in calls:
        c.board_dispatches = []
    for c in calls:
        c.board_escalations = []
        c.escalated_to_ids = set()
    escalated = [c.pk for c in calls if c.escalated]
    if escalated:
        # What was breached in the current cycle and which duty leader was told: the
        # board shows these at the top, marked for the leader named (see _board_rows).
        for e in CallEscalation.objects.filter(call_id__in=escalated).order_by("escalated_at"):
            call = by_id[e.call_id]
            if e.cycle == call.cycle:
                call.board_escalations.append(e)
                if e.duty_leader_id:
                    call.escalated_to_ids.add(e.duty_leader_id)
    if by_id:
        dispatches = (
            Dispatch.objects.filter(call_id__in=list(by_id))
            .select_related("responder")
            .only("id", "call_id", "status", "responder__name")
            .order_by("pk")
        )
        for d in dispatches:
            by_id[d.call_id].board_dispatches.append(d)
    return calls


def dispatches_for_responder(user) -> QuerySet[Dispatch]:
    """The responder's view: what was sent to the responders they belong to, not done."""
    return (
        Dispatch.objects.filter(responder__in=responders_of(user))
        .exclude(status__in=[DispatchStatus.RESOLVED, DispatchStatus.WITHDRAWN])
        .select_related("call", "call__place_area", "responder")
        .order_by("call__resolve_due_at", "pk")
    )


def dispatch_for(user, dispatch_id: int) -> Dispatch:
    dispatch = (
        Dispatch.objects.filter(call__in=calls_visible_to(user))
        .select_related("call", "responder")
        .filter(pk=dispatch_id)
        .first()
    )
    if dispatch is None:
        raise Http404
    return dispatch


def shifts_visible_to(user) -> QuerySet[DutyShift]:
    return DutyShift.objects.filter(office__in=offices_visible_to(user))


def shift_for(user, shift_id: int) -> DutyShift:
    shift = (
        shifts_visible_to(user).select_related("office", "office__area").filter(pk=shift_id).first()
    )
    if shift is None:
        raise Http404
    return shift


def swaps_visible_to(user) -> QuerySet[ShiftSwap]:
    return ShiftSwap.objects.filter(shift__office__in=offices_visible_to(user))


def swap_for(user, swap_id: int) -> ShiftSwap:
    swap = (
        swaps_visible_to(user)
        .select_related("shift", "shift__office", "replacement", "requested_by")
        .filter(pk=swap_id)
        .first()
    )
    if swap is None:
        raise Http404
    return swap


def patrols_visible_to(user) -> QuerySet[Patrol]:
    return Patrol.objects.filter(office__in=offices_visible_to(user))


def patrol_for(user, patrol_id: int) -> Patrol:
    patrol = (
        patrols_visible_to(user).select_related("office", "walker").filter(pk=patrol_id).first()
    )
    if patrol is None:
        raise Http404
    return patrol


def open_patrol_of(user, office: Office | None = None) -> Patrol | None:
    """The caller's own patrol under way (of `office`, if given)."""
    qs = patrols_visible_to(user).filter(walker_id=user.pk, ended_at__isnull=True)
    if office is not None:
        qs = qs.filter(office=office)
    return qs.order_by("-started_at").first()


def hazards_visible_to(user) -> QuerySet[Hazard]:
    return Hazard.objects.filter(office__in=offices_visible_to(user))


def hazard_for(user, hazard_id: int) -> Hazard:
    hazard = (
        hazards_visible_to(user).select_related("office", "place_area").filter(pk=hazard_id).first()
    )
    if hazard is None:
        raise Http404
    return hazard


def callers_matching(
    user, *, phone: str = "", name: str = "", channel: str, limit: int = 10
) -> list[Resident]:
    """Residents the officer may read (registry scope) with this phone, then those
    whose name matches `name` (part of it, its pinyin or initials, its Latin
    spelling: registry.selectors.residents_named), at most `limit` in all; each one
    returned is audited. No match means a member of the public."""
    digits = normalize_phone(phone or "")
    found: list[Resident] = []
    if digits:
        found = list(
            residents_visible_to(user)
            .filter(Q(phone=digits) | Q(household__phone=digits))
            .select_related("household", "household__area")
            .order_by("household_id", "pk")[:limit]
        )
    if name.strip() and len(found) < limit:
        found += list(
            residents_named(user, name)
            .exclude(pk__in=[r.pk for r in found])
            .select_related("household", "household__area")
            .order_by("household_id", "pk")[: limit - len(found)]
        )
    for resident in found:
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            object_type="resident",
            object_id=resident.pk,
            household_id=resident.household_id,
            channel=channel,
        )
    return found


def resident_caller_for(user, resident_id: int) -> Resident:
    resident = residents_visible_to(user).filter(pk=resident_id).first()
    if resident is None:
        raise Http404
    return resident
