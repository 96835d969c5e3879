"""Reads of welfare-check rounds, scoped to the caller (404 outside the scope).

Who sees what:
- team leaders, supervisors, administrators: the rounds whose area overlaps their
  own (a round over their area or below it, or a larger round that covers their
  area); a round's coverage, map and residents are limited to the part of the round
  inside their own area;
- workers (and anyone else a check is given to): their own checks, with what the
  visit needs (the resident's name, the household's address and phone);
- analysts and responders: nothing here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from doorstep.accounts.models import Role, User
from doorstep.areas.models import Area
from doorstep.casework.due_items import DueItem
from doorstep.casework.models import (
    WelfareCheck,
    WelfareCheckStatus,
    WelfareRound,
    WelfareRoundStatus,
)
from doorstep.casework.services.common import PAIRABLE_ROLES
from doorstep.casework.services.welfare import ROUND_ROLES
from doorstep.privacy.models import AuditAction
from doorstep.privacy.services import audit_record

# Above this many checks under the area shown, the map shows villages with their
# counts instead of households (a region round holds hundreds of thousands).
MAP_HOUSEHOLDS_MAX = 3000
# The due list shows at most this many checks (a worker has a handful in practice).
DUE_ITEMS_MAX = 200
OPEN_STATUSES = (WelfareCheckStatus.PENDING, WelfareCheckStatus.NOT_REACHED)


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _manager(user) -> bool:
    return _active(user) and user.role in ROUND_ROLES and user.area_id is not None


# --- rounds -------------------------------------------------------------------------------


def rounds_visible_to(user) -> QuerySet[WelfareRound]:
    if not _manager(user):
        return WelfareRound.objects.none()
    area = user.area
    return WelfareRound.objects.filter(
        Q(area__path__startswith=area.path) | Q(area_id__in=area.ancestor_ids)
    )


def round_for(user, round_id: int) -> WelfareRound:
    welfare_round = (
        rounds_visible_to(user).select_related("area", "created_by").filter(pk=round_id).first()
    )
    if welfare_round is None:
        raise Http404
    return welfare_round


def round_root(user, welfare_round: WelfareRound) -> Area:
    """The part of the round the caller sees: the deeper of its area and theirs."""
    if welfare_round.area.is_within(user.area):
        return welfare_round.area
    return user.area


def round_area_for(user, welfare_round: WelfareRound, area_id: int | None) -> Area:
    """The area a drill-down shows: the caller's root of the round or an area below it."""
    root = round_root(user, welfare_round)
    if area_id is None or area_id == root.pk:
        return root
    area = Area.objects.within(root).filter(pk=area_id).first()
    if area is None:
        raise Http404
    return area


# --- coverage -----------------------------------------------------------------------------


@dataclass
class Tally:
    done: int = 0
    not_reached: int = 0
    pending: int = 0

    @property
    def total(self) -> int:
        return self.done + self.not_reached + self.pending

    @property
    def done_percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    def add(self, status: str, count: int) -> None:
        setattr(self, status, getattr(self, status) + count)

    def as_dict(self) -> dict[str, int]:
        return {
            "done": self.done,
            "not_reached": self.not_reached,
            "pending": self.pending,
            "total": self.total,
        }


@dataclass
class AreaTally:
    area: Area
    tally: Tally


@dataclass
class Coverage:
    area: Area  # the area shown
    total: Tally
    children: list[AreaTally] = field(default_factory=list)
    # Checks of households living in `area` itself (a village's own, outside its grids).
    here: Tally = field(default_factory=Tally)
    # Per area of a household (the GROUP BY's rows): the map's aggregated view reads it.
    by_area: dict[int, Tally] = field(default_factory=dict)


def _checks_under(welfare_round: WelfareRound, area: Area) -> QuerySet[WelfareCheck]:
    qs = WelfareCheck.objects.filter(round=welfare_round)
    if area.pk != welfare_round.area_id:
        # Below the round's area: the households' areas in the subtree.
        qs = qs.filter(area_id__in=Area.objects.within(area).values("pk"))
    return qs


def round_coverage(welfare_round: WelfareRound, area: Area) -> Coverage:
    """Done, not reached after a try, not yet tried: in `area` (from round_area_for) and
    per child area. Three queries: one GROUP BY on the (round, area, status) index, the
    paths of the areas it names, the child areas' names."""
    rows = list(
        _checks_under(welfare_round, area)
        .values_list("area_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_area: dict[int, Tally] = {}
    for area_id, status, n in rows:
        by_area.setdefault(area_id, Tally()).add(status, n)
    paths = dict(Area.objects.filter(pk__in=list(by_area)).values_list("pk", "path"))
    depth = len(area.ancestor_ids)
    total, here = Tally(), Tally()
    per_child: dict[int, Tally] = {}
    for area_id, tally in by_area.items():
        ids = [int(part) for part in paths[area_id].strip("/").split("/")]
        target = here if len(ids) <= depth else per_child.setdefault(ids[depth], Tally())
        for status in ("done", "not_reached", "pending"):
            total.add(status, getattr(tally, status))
            target.add(status, getattr(tally, status))
    children = [
        AreaTally(child, per_child[child.pk])
        for child in Area.objects.filter(pk__in=list(per_child)).order_by("code")
    ]
    return Coverage(area=area, total=total, children=children, here=here, by_area=by_area)


def round_totals(rounds: list[WelfareRound]) -> dict[int, Tally]:
    """Whole-round totals for a page of rounds, one GROUP BY (lists and the API)."""
    totals: dict[int, Tally] = {r.pk: Tally() for r in rounds}
    for round_id, status, n in (
        WelfareCheck.objects.filter(round_id__in=list(totals))
        .values_list("round_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        totals[round_id].add(status, n)
    return totals


def round_totals_for(user, rounds: list[WelfareRound]) -> dict[int, Tally]:
    """Totals of the part of each round the caller sees."""
    whole = [r for r in rounds if r.area.is_within(user.area)]
    totals = round_totals(whole)
    for r in rounds:
        if r.pk not in totals:
            totals[r.pk] = round_coverage(r, user.area).total
    return totals


# --- the map --------------------------------------------------------------------------------

# Worst first: a household shows the status of its least reached resident.
_RANK = {
    WelfareCheckStatus.NOT_REACHED: 0,
    WelfareCheckStatus.PENDING: 1,
    WelfareCheckStatus.DONE: 2,
}


def round_map(welfare_round: WelfareRound, coverage: Coverage) -> dict:
    """Points for the round's map under `coverage.area`: one per household while they
    are few, else one per village with its counts. Households without a location are
    counted, not placed."""
    area = coverage.area
    if coverage.total.total <= MAP_HOUSEHOLDS_MAX:
        households: dict[int, dict] = {}
        for household_id, number, lat, lon, status in _checks_under(
            welfare_round, area
        ).values_list(
            "household_id",
            "household__household_no",
            "household__latitude",
            "household__longitude",
            "status",
        ):
            point = households.get(household_id)
            if point is None:
                households[household_id] = {
                    "lat": lat,
                    "lng": lon,
                    "label": number,
                    "status": status,
                    "count": 1,
                }
            else:
                point["count"] += 1
                if _RANK[status] < _RANK[point["status"]]:
                    point["status"] = status
        placed = [p for p in households.values() if p["lat"] is not None and p["lng"] is not None]
        return {
            "kind": "households",
            "points": placed,
            "unplaced": len(households) - len(placed),
        }
    # Villages (depth 5) or the areas holding the households if shallower.
    paths = dict(Area.objects.filter(pk__in=list(coverage.by_area)).values_list("pk", "path"))
    villages: dict[int, Tally] = {}
    for area_id, tally in coverage.by_area.items():
        ids = [int(part) for part in paths[area_id].strip("/").split("/")]
        village = villages.setdefault(ids[min(len(ids), 5) - 1], Tally())
        for status in ("done", "not_reached", "pending"):
            village.add(status, getattr(tally, status))
    points, unplaced = [], 0
    for village in Area.objects.filter(pk__in=list(villages)).only(
        "pk", "name", "latitude", "longitude"
    ):
        tally = villages[village.pk]
        if village.latitude is None or village.longitude is None:
            unplaced += tally.total
            continue
        status = (
            WelfareCheckStatus.NOT_REACHED
            if tally.not_reached
            else WelfareCheckStatus.PENDING
            if tally.pending
            else WelfareCheckStatus.DONE
        )
        points.append(
            {
                "lat": village.latitude,
                "lng": village.longitude,
                "label": village.name,
                "status": status,
                "count": tally.total,
                **tally.as_dict(),
            }
        )
    return {"kind": "areas", "points": points, "unplaced": unplaced}


# --- checks ----------------------------------------------------------------------------------


def checks_managed_by(user, welfare_round: WelfareRound) -> QuerySet[WelfareCheck]:
    """The round's checks under the caller's area (reassigning, the escalation list)."""
    if not _manager(user):
        return WelfareCheck.objects.none()
    return _checks_under(welfare_round, round_root(user, welfare_round))


def checks_to_escalate(
    user, welfare_round: WelfareRound, area: Area, *, status: str = WelfareCheckStatus.NOT_REACHED
) -> QuerySet[WelfareCheck]:
    """Residents not reached (or not yet tried) under `area`, most tries first."""
    if not _manager(user):
        return WelfareCheck.objects.none()
    return (
        _checks_under(welfare_round, area)
        .filter(status=status)
        .select_related("resident", "household", "worker")
        .order_by("-attempts", "pk")
    )


def my_checks(user) -> QuerySet[WelfareCheck]:
    """The caller's checks still to do, in open rounds, soonest deadline first."""
    if not _active(user):
        return WelfareCheck.objects.none()
    return (
        WelfareCheck.objects.filter(
            # The open rounds first: the (round, worker, status) index answers per round.
            round_id__in=WelfareRound.objects.filter(status=WelfareRoundStatus.OPEN).values("pk"),
            worker=user,
            status__in=OPEN_STATUSES,
        )
        .select_related("round", "resident", "household", "household__area")
        .order_by("round__ends_on", "round_id", "household_id", "pk")
    )


def check_for(user, check_id: int, *, channel: str) -> WelfareCheck:
    """A check the caller may read and record: given to them, or under their area for
    team leaders, supervisors and administrators. Audited (it shows a resident)."""
    if not _active(user):
        raise Http404
    scope = Q(worker=user)
    if _manager(user):
        scope |= Q(area__path__startswith=user.area.path)
    check = (
        WelfareCheck.objects.filter(scope, pk=check_id)
        .select_related("round", "round__area", "resident", "household", "household__area")
        .select_related("worker", "need")
        .first()
    )
    if check is None:
        raise Http404
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="welfare_check",
        object_id=check.pk,
        household_id=check.household_id,
        channel=channel,
    )
    return check


def reassignable_workers_for(user) -> QuerySet[User]:
    """Workers and team leaders of the caller's area."""
    if not _manager(user):
        return User.objects.none()
    return User.objects.filter(
        is_active=True,
        role__in=PAIRABLE_ROLES,
        area_id__in=Area.objects.within(user.area).values("pk"),
    ).order_by("username")


def worker_for_reassignment(user, worker_id: int) -> User:
    worker = reassignable_workers_for(user).select_related("area").filter(pk=worker_id).first()
    if worker is None:
        from django.core.exceptions import ValidationError

        raise ValidationError({"worker": _("Choose a worker or team leader of your area.")})
    return worker


# --- the due list -------------------------------------------------------------------------------


def welfare_due_probe(worker, today: dt.date) -> QuerySet[WelfareCheck] | None:
    """casework.due_items probe: rows exactly when welfare_due_items has items."""
    if not _active(worker) or worker.role == Role.ANALYST:
        return None
    return my_checks(worker)


def welfare_due_items(worker, today: dt.date) -> list[DueItem]:
    """casework.due_items provider (registered in apps.py): the worker's open checks,
    pinned above the contact schedule. One query."""
    if not _active(worker) or worker.role == Role.ANALYST:
        return []
    items = []
    for check in my_checks(worker)[:DUE_ITEMS_MAX]:
        if check.status == WelfareCheckStatus.NOT_REACHED:
            detail = _("Not reached yet (%(n)s tries)") % {"n": check.attempts}
        else:
            detail = check.household.address
        items.append(
            DueItem(
                kind="welfare_check",
                label=_("Welfare check: %(round)s") % {"round": check.round.name},
                due_on=check.round.ends_on,
                url=reverse("casework:welfare_check", args=[check.pk]),
                household_id=check.household_id,
                household_no=check.household.household_no,
                head_name=check.resident.name,
                detail=detail,
                pinned=True,
            )
        )
    return items
