"""Reads that assemble the route and the work-team proposal from the database,
through the selectors' scope (pairing.selectors, casework.selectors)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from doorstep.accounts.models import User
from doorstep.areas.models import Area, AreaLevel
from doorstep.casework.selectors import due_list_for
from doorstep.pairing import route as route_mod
from doorstep.pairing import teams as teams_mod
from doorstep.pairing.models import MemberSkill, VillageNeed

MAX_STOPS = 25


@dataclass
class RouteStop:
    household_id: int
    household_no: str
    head_name: str
    next_due_on: object
    latitude: float
    longitude: float
    leg_m: int = 0


@dataclass
class WorkerRoute:
    worker: User
    base: tuple[float, float] | None
    stops: list[RouteStop] = field(default_factory=list)
    unlocated: list = field(default_factory=list)  # due households with no location
    length_m: int = 0
    due_order_length_m: int = 0
    method: str = "due_order"
    more: int = 0  # due visits beyond MAX_STOPS, left for another day


def _base(worker: User) -> tuple[float, float] | None:
    if worker.latitude is not None and worker.longitude is not None:
        return (worker.latitude, worker.longitude)
    if worker.area_id is not None:
        for area in reversed([*worker.area.ancestors(), worker.area]):
            if area.latitude is not None and area.longitude is not None:
                return (area.latitude, area.longitude)
    return None


def worker_route(worker: User, *, today=None) -> WorkerRoute:
    """Overdue and this week's visits (the due list's order), shortest path first."""
    today = today or timezone.localdate()
    due = due_list_for(worker, today=today)
    rows = [*due.overdue, *due.due_this_week]
    result = WorkerRoute(worker=worker, base=_base(worker))
    located = []
    for row in rows:
        h = row.household
        lat, lon = h.latitude, h.longitude
        if lat is None or lon is None:
            lat, lon = h.area.latitude, h.area.longitude
        if lat is None or lon is None:
            result.unlocated.append(row)
            continue
        located.append(RouteStop(h.pk, h.household_no, row.head_name, row.next_due_on, lat, lon))
    result.more = max(0, len(located) - MAX_STOPS)
    located = located[:MAX_STOPS]
    if not located:
        return result
    base = result.base or (located[0].latitude, located[0].longitude)
    points = [(s.latitude, s.longitude) for s in located]
    r = route_mod.shortest_route(base, points)
    here = base
    for i in r.order:
        stop = located[i]
        stop.leg_m = route_mod.haversine_m(here, (stop.latitude, stop.longitude))
        here = (stop.latitude, stop.longitude)
        result.stops.append(stop)
    result.length_m, result.due_order_length_m, result.method = (
        r.length_m,
        r.due_order_length_m,
        r.method,
    )
    return result


def team_proposal(area: Area, *, team_max: int) -> teams_mod.TeamProposal:
    """Villages of `area` that stated needs; candidates: staff of `area` with skills."""
    villages: dict[int, teams_mod.Village] = {}
    for need in VillageNeed.objects.filter(
        village__path__startswith=area.path, village__level=AreaLevel.VILLAGE
    ).select_related("village"):
        v = villages.get(need.village_id)
        if v is None:
            v = villages[need.village_id] = teams_mod.Village(
                need.village_id,
                need.village.name,
                {},
                need.village.latitude,
                need.village.longitude,
            )
        v.needs[need.need] = need.priority
    members: dict[int, teams_mod.Member] = {}
    for skill in MemberSkill.objects.filter(
        member__is_active=True, member__area__path__startswith=area.path
    ).select_related("member"):
        m = members.get(skill.member_id)
        if m is None:
            u = skill.member
            m = members[u.pk] = teams_mod.Member(
                u.pk, u.get_full_name() or u.username, {}, u.latitude, u.longitude
            )
        m.skills[skill.skill] = skill.years
    return teams_mod.propose(
        sorted(villages.values(), key=lambda v: v.id),
        sorted(members.values(), key=lambda m: m.id),
        team_max=team_max,
    )
