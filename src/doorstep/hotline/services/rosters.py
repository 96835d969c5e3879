"""Rosters: shifts planned per office (holiday rosters in advance), coverage gaps found
before they happen, swaps asked by staff and approved by the team leader, and who is on
duty now.

No person holds two shifts at once: every write that gives someone a shift locks that
person's account row first (SELECT ... FOR UPDATE), then checks for an overlap, so two
planners racing each other cannot both succeed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstep.hotline.models import (
    DutyShift,
    Holiday,
    Office,
    ShiftRole,
    ShiftSwap,
    SwapStatus,
)
from doorstep.hotline.services.common import ROSTER_ROLES, audit, require_role
from doorstep.privacy.models import AuditAction

MAX_SHIFT_HOURS = 24
MAX_GAP_WINDOW_DAYS = 62


def _lock_person(user) -> None:
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()


def _serves_office(user, office: Office) -> bool:
    if not user.is_active or user.area_id is None:
        return False
    return office.area.path.startswith(user.area.path) or user.area.path.startswith(
        office.area.path
    )


def _check_free(officer, starts_at, ends_at, *, field: str, exclude_pk=None) -> None:
    clash = DutyShift.objects.filter(
        officer=officer, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(
            {field: _("%(name)s is already on duty at that time.") % {"name": officer}}
        )


def _validate_times(starts_at, ends_at) -> None:
    if starts_at is None or ends_at is None:
        raise ValidationError({"starts_at": _("Give the start and the end of the shift.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("A shift must end after it starts.")})
    if ends_at - starts_at > dt.timedelta(hours=MAX_SHIFT_HOURS):
        raise ValidationError(
            {"ends_at": _("A shift lasts at most %(hours)s hours.") % {"hours": MAX_SHIFT_HOURS}}
        )


@transaction.atomic
def shift_plan(
    *,
    actor,
    office: Office,
    officer,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    role: str = ShiftRole.OFFICER,
    holiday: Holiday | None = None,
    channel: str,
) -> DutyShift:
    """`office` comes from hotline.selectors (inside the actor's scope)."""
    require_role(actor, ROSTER_ROLES)
    _validate_times(starts_at, ends_at)
    if role not in ShiftRole.values:
        raise ValidationError({"role": _("Choose a role from the list.")})
    if officer is None or not _serves_office(officer, office):
        raise ValidationError({"officer": _("This person does not work for this office.")})
    _lock_person(officer)
    _check_free(officer, starts_at, ends_at, field="officer")
    shift = DutyShift.objects.create(
        office=office,
        officer=officer,
        role=role,
        starts_at=starts_at,
        ends_at=ends_at,
        holiday=holiday,
        created_by=actor,
    )
    audit(actor, action=AuditAction.CREATE, object_type="duty_shift", pk=shift.pk, channel=channel)
    return shift


@transaction.atomic
def holiday_roster_plan(
    *,
    actor,
    office: Office,
    holiday: Holiday,
    officers: Sequence,
    leaders: Sequence = (),
    shift_hours: int = 8,
    channel: str,
) -> list[DutyShift]:
    """Cover every hour of the holiday, day and night: officers take turns in shifts of
    `shift_hours` (round robin), leaders take turns by the day. All or nothing."""
    require_role(actor, ROSTER_ROLES)
    if shift_hours not in (6, 8, 12, 24):
        raise ValidationError({"shift_hours": _("Shifts last 6, 8, 12 or 24 hours.")})
    if not officers:
        raise ValidationError({"officers": _("Choose at least one officer.")})
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(holiday.starts_on, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(holiday.ends_on + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    shifts = []
    slot, turn = start, 0
    while slot < end:
        # Staff rotate in turn; with fewer people than the rotation needs, one person's
        # shifts would touch back to back, which _check_free allows (end == next start).
        per_slot = max(1, office.min_officers)
        for k in range(per_slot):
            officer = officers[(turn + k) % len(officers)]
            shifts.append(
                shift_plan(
                    actor=actor,
                    office=office,
                    officer=officer,
                    starts_at=slot,
                    ends_at=slot + dt.timedelta(hours=shift_hours),
                    holiday=holiday,
                    channel=channel,
                )
            )
        turn += per_slot
        slot += dt.timedelta(hours=shift_hours)
    day = start
    for i in range(int((end - start).total_seconds() // 86400)):
        if leaders:
            shifts.append(
                shift_plan(
                    actor=actor,
                    office=office,
                    officer=leaders[i % len(leaders)],
                    starts_at=day,
                    ends_at=day + dt.timedelta(days=1),
                    role=ShiftRole.LEADER,
                    holiday=holiday,
                    channel=channel,
                )
            )
        day += dt.timedelta(days=1)
    return shifts


@dataclass(frozen=True)
class Gap:
    starts_at: dt.datetime
    ends_at: dt.datetime
    on_duty: int  # the fewest officers on duty at any hour of the gap
    needed: int


def coverage_gaps(
    *, office: Office, start: dt.datetime, end: dt.datetime, needed: int | None = None
) -> list[Gap]:
    """Hours of [start, end) (from `start`, hour by hour) not wholly covered by at
    least `needed` officers (default: the office's minimum). Consecutive short hours are
    merged into one gap. One query, whatever the period."""
    needed = office.min_officers if needed is None else needed
    if end <= start:
        raise ValidationError({"end": _("The end of the period must come after its start.")})
    if end - start > dt.timedelta(days=MAX_GAP_WINDOW_DAYS):
        raise ValidationError(
            {"end": _("Check at most %(days)s days at once.") % {"days": MAX_GAP_WINDOW_DAYS}}
        )
    shifts = list(
        DutyShift.objects.filter(
            office=office, role=ShiftRole.OFFICER, starts_at__lt=end, ends_at__gt=start
        ).values_list("starts_at", "ends_at")
    )
    gaps: list[Gap] = []
    hour = start
    while hour < end:
        nxt = min(hour + dt.timedelta(hours=1), end)
        count = sum(1 for s, e in shifts if s <= hour and e >= nxt)
        if count < needed:
            last = gaps[-1] if gaps else None
            if last is not None and last.ends_at == hour:
                gaps[-1] = Gap(last.starts_at, nxt, min(last.on_duty, count), needed)
            else:
                gaps.append(Gap(hour, nxt, count, needed))
        hour = nxt
    return gaps


def on_duty_now(offices: Iterable[Office] | None = None, *, now: dt.datetime | None = None):
    """Shifts running now (officers and leaders), with office and officer loaded."""
    now = now or timezone.now()
    qs = DutyShift.objects.filter(starts_at__lte=now, ends_at__gt=now)
    if offices is not None:
        qs = qs.filter(office__in=offices)
    return qs.select_related("office", "officer").order_by("office__name", "role", "starts_at")


def duty_leader_ids(*, now: dt.datetime) -> dict[int, int]:
    """office id → the duty leader on shift now (the earliest started, if several)."""
    leaders: dict[int, int] = {}
    for office_id, officer_id in (
        DutyShift.objects.filter(role=ShiftRole.LEADER, starts_at__lte=now, ends_at__gt=now)
        .order_by("starts_at", "pk")
        .values_list("office_id", "officer_id")
    ):
        leaders.setdefault(office_id, officer_id)
    return leaders


@transaction.atomic
def swap_request(
    *, actor, shift: DutyShift, replacement, reason: str = "", channel: str
) -> ShiftSwap:
    """The officer of `shift` asks `replacement` to take it; the team leader decides."""
    if shift.officer_id != actor.pk:
        raise PermissionDenied(_("Only the officer of a shift can ask to swap it."))
    if shift.ends_at <= timezone.now():
        raise ValidationError({"shift": _("This shift is over.")})
    if replacement is None or replacement.pk == actor.pk:
        raise ValidationError({"replacement": _("Choose a colleague to take the shift.")})
    if not _serves_office(replacement, shift.office):
        raise ValidationError({"replacement": _("This person does not work for this office.")})
    _check_free(replacement, shift.starts_at, shift.ends_at, field="replacement")
    if ShiftSwap.objects.filter(shift=shift, status=SwapStatus.REQUESTED).exists():
        raise ValidationError({"shift": _("A swap of this shift is already waiting.")})
    swap = ShiftSwap.objects.create(
        shift=shift, requested_by=actor, replacement=replacement, reason=(reason or "")[:200]
    )
    audit(actor, action=AuditAction.CREATE, object_type="shift_swap", pk=swap.pk, channel=channel)
    return swap


@transaction.atomic
def swap_decide(*, actor, swap: ShiftSwap, approve: bool, channel: str) -> ShiftSwap:
    """`swap` comes from hotline.selectors (its office inside the actor's scope)."""
    require_role(actor, ROSTER_ROLES)
    if actor.pk == swap.requested_by_id:
        raise PermissionDenied(_("Someone else must approve your own swap."))
    shift = DutyShift.objects.select_for_update().get(pk=swap.shift_id)
    now = timezone.now()
    if approve:
        _lock_person(swap.replacement)
        _check_free(swap.replacement, shift.starts_at, shift.ends_at, field="replacement")
    # One UPDATE ... WHERE status = requested: of two leaders deciding at once, one wins.
    won = ShiftSwap.objects.filter(pk=swap.pk, status=SwapStatus.REQUESTED).update(
        status=SwapStatus.APPROVED if approve else SwapStatus.REFUSED,
        decided_by=actor,
        decided_at=now,
    )
    if not won:
        raise ValidationError({"swap": _("This swap has already been decided.")})
    if approve:
        shift.officer = swap.replacement
        shift.save(update_fields=["officer"])
    audit(
        actor,
        action=AuditAction.UPDATE,
        object_type="shift_swap",
        pk=swap.pk,
        channel=channel,
        detail={"approved": approve},
    )
    swap.refresh_from_db()
    return swap
