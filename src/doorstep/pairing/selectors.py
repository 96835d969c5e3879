"""Every pairing read, scoped to the caller; outside the scope answers 404.

- plans: team leaders, supervisors and administrators, for plans of areas inside
  their own (a plan's changes name households and workers of that area);
- routes: a worker reads their own; a team leader (supervisor, administrator) reads
  the route of staff of their area;
- work-team proposals: supervisors and administrators (and team leaders, for their
  area) over villages inside their area.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet, Sum
from django.http import Http404

from doorstep.accounts.models import Role, User
from doorstep.areas.models import Area, AreaLevel
from doorstep.casework.services.common import PAIRING_ROLES
from doorstep.pairing.models import PairingPlan, PlanCellFigure, PlanChange

TEAM_ROLES = frozenset({Role.TEAM_LEADER, Role.SUPERVISOR, Role.ADMIN})
ROUTE_ROLES = frozenset({Role.WORKER, Role.TEAM_LEADER, Role.SUPERVISOR, Role.ADMIN})


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def may_plan(user) -> bool:
    return _active(user) and user.role in PAIRING_ROLES and user.area_id is not None


def plans_visible_to(user) -> QuerySet[PairingPlan]:
    if not may_plan(user):
        return PairingPlan.objects.none()
    return PairingPlan.objects.filter(area__path__startswith=user.area.path)


def plan_for(user, plan_id: int) -> PairingPlan:
    plan = plans_visible_to(user).select_related("area", "created_by").filter(pk=plan_id).first()
    if plan is None:
        raise Http404
    return plan


def plan_area_for(user, area_id: int) -> Area:
    """An area the caller may plan for."""
    if not may_plan(user):
        raise Http404
    area = Area.objects.filter(pk=area_id, path__startswith=user.area.path).first()
    if area is None:
        raise Http404
    return area


@dataclass
class AreaRow:
    area_id: int
    name: str
    households: int = 0
    kept: int = 0
    added: int = 0
    moved: int = 0
    ended: int = 0
    unserved: int = 0
    paired_before: int = 0
    distance_before: int = 0
    distance_after: int = 0
    language_households: int = 0
    language_before: int = 0
    language_after: int = 0

    @property
    def language_before_share(self) -> float:
        return self.language_before / self.language_households if self.language_households else 0

    @property
    def language_after_share(self) -> float:
        return self.language_after / self.language_households if self.language_households else 0

    @property
    def km_before(self) -> float:
        return self.distance_before / 1000

    @property
    def km_after(self) -> float:
        return self.distance_after / 1000


_SUMMED = [
    "households",
    "kept",
    "added",
    "moved",
    "ended",
    "unserved",
    "paired_before",
    "distance_before",
    "distance_after",
    "language_households",
    "language_before",
    "language_after",
]


def plan_preview(plan: PairingPlan, *, parent: Area | None = None) -> list[AreaRow]:
    """The plan's before and after per child area of `parent` (the plan's area by
    default): the cells' figures added up, one row per child with households."""
    parent = parent or plan.area
    children = list(Area.objects.filter(parent=parent).only("pk", "name", "path"))
    if parent.level in (AreaLevel.VILLAGE, AreaLevel.GRID) or not children:
        children = [parent]
    rows = []
    for child in children:
        agg = PlanCellFigure.objects.filter(plan=plan, cell__path__startswith=child.path).aggregate(
            **{f: Sum(f) for f in _SUMMED}
        )
        if not agg["households"]:
            continue
        rows.append(AreaRow(area_id=child.pk, name=child.name, **{f: agg[f] or 0 for f in _SUMMED}))
    return rows


def plan_changes(plan: PairingPlan, *, area: Area | None = None) -> QuerySet[PlanChange]:
    qs = PlanChange.objects.filter(plan=plan).select_related(
        "household", "cell", "old_worker", "new_worker"
    )
    if area is not None:
        qs = qs.filter(cell__path__startswith=area.path)
    return qs.order_by("pk")


def route_worker_for(user, worker_id: int | None) -> User:
    """Whose route the caller may see: their own, or a staff member of their area."""
    if not _active(user) or user.role not in ROUTE_ROLES:
        raise Http404
    if worker_id is None or worker_id == user.pk:
        return user
    if user.role not in PAIRING_ROLES or user.area_id is None:
        raise Http404
    worker = User.objects.filter(
        pk=worker_id, is_active=True, area__path__startswith=user.area.path
    ).first()
    if worker is None:
        raise Http404
    return worker


def team_area_for(user, area_id: int | None) -> Area:
    if not _active(user) or user.role not in TEAM_ROLES or user.area_id is None:
        raise Http404
    if area_id is None:
        return user.area
    area = Area.objects.filter(pk=area_id, path__startswith=user.area.path).first()
    if area is None:
        raise Http404
    return area
