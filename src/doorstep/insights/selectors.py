"""Who may see which dashboard, and the few personal reads the dashboards make (map
points, the households and needs behind a figure). Everything outside the caller's
scope or role answers 404, as elsewhere.

- team leaders, supervisors, administrators: every area dashboard and report within
  their area, the dashboards of workers based there, the map with households and
  open needs, and the drill-down to household pages;
- analysts: the same area dashboards and reports, suppressed (suppression.py), with
  no worker, household or need, and a map of areas only;
- workers: their own dashboard;
- responders, residents: nothing here.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from doorstep.accounts.models import Role, User
from doorstep.areas.models import Area, AreaLevel
from doorstep.areas.selectors import area_for, areas_visible_to
from doorstep.casework.models import UNRESOLVED, Need
from doorstep.casework.selectors import needs_visible_to
from doorstep.insights.facts import LONG_OPEN_DAYS
from doorstep.registry.models import households_under
from doorstep.registry.selectors import households_visible_to

AREA_ROLES = frozenset({Role.TEAM_LEADER, Role.SUPERVISOR, Role.ADMIN, Role.ANALYST})
# Roles that may see a named worker's dashboard (their own is always theirs).
WORKER_VIEW_ROLES = frozenset({Role.TEAM_LEADER, Role.SUPERVISOR, Role.ADMIN})
WORKER_ROLES = frozenset({Role.WORKER, Role.TEAM_LEADER})
MAP_HOUSEHOLDS_MAX = 3000
# Levels at which dashboards list records (households on the map, long-open needs).
LIST_LEVELS = (AreaLevel.TOWNSHIP, AreaLevel.VILLAGE)
# Levels whose dashboard lists the teams below it with their reports: a county's
# supervisor downloads each team's report from the county's page.
TEAM_LIST_LEVELS = (AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.VILLAGE)
MAP_NEEDS_MAX = 2000


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def may_see_areas(user) -> bool:
    return _active(user) and user.role in AREA_ROLES and user.area_id is not None


def sees_records(user) -> bool:
    """Whether the dashboards may show this user households and needs (not analysts)."""
    return may_see_areas(user) and user.role != Role.ANALYST and user.can_read_registry


def dashboard_area_for(user, area_id: int | None) -> Area:
    """An area (village and above) in the caller's scope; their own by default."""
    if not may_see_areas(user):
        raise Http404
    area = user.area if area_id is None else area_for(user, area_id)
    if area.level == AreaLevel.GRID:
        raise Http404  # summaries stop at villages; a grid's households are the village's
    return area


def worker_for_dashboard(user, worker_id: int) -> User:
    if not _active(user):
        raise Http404
    if worker_id == user.pk and user.role in WORKER_ROLES:
        return user
    if user.role not in WORKER_VIEW_ROLES or user.area_id is None:
        raise Http404
    worker = (
        User.objects.filter(pk=worker_id, role__in=WORKER_ROLES, is_active=True)
        .filter(area__path__startswith=user.area.path)
        .select_related("area")
        .first()
    )
    if worker is None:
        raise Http404
    return worker


def workers_of(user, area: Area, *, limit: int = 200) -> list[User]:
    """Workers and team leaders based in `area` itself (a team), for links to their
    dashboards; nobody for analysts."""
    if not _active(user) or user.role not in WORKER_VIEW_ROLES:
        return []
    return list(
        User.objects.filter(area=area, role__in=WORKER_ROLES, is_active=True).order_by(
            "last_name", "first_name", "username"
        )[:limit]
    )


def ancestors_in_scope(user, area: Area) -> list[Area]:
    """The crumbs from the caller's own area down to `area` (one query)."""
    ids = [pk for pk in area.ancestor_ids[:-1]]
    if not ids:
        return []
    found = areas_visible_to(user).in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


# --- teams ------------------------------------------------------------------------------


def team_areas_within(area: Area) -> QuerySet[Area]:
    """Teams: the areas (village and above) where an active team leader is based.
    Areas are not personal data; callers have already checked the scope."""
    leaders = User.objects.filter(role=Role.TEAM_LEADER, is_active=True).values("area_id")
    return (
        Area.objects.within(area)
        .exclude(level=AreaLevel.GRID)
        .filter(pk__in=leaders)
        .order_by("path")
    )


def team_area_for(user, area_id: int) -> Area:
    area = dashboard_area_for(user, area_id)
    if not team_areas_within(area).filter(pk=area.pk).exists():
        raise Http404
    return area


def team_leaders_of(area: Area) -> list[User]:
    return list(
        User.objects.filter(role=Role.TEAM_LEADER, is_active=True, area=area).order_by(
            "last_name", "first_name", "username"
        )
    )


def county_of(area: Area) -> Area | None:
    if area.level == AreaLevel.COUNTY:
        return area
    return Area.objects.filter(pk__in=area.ancestor_ids, level=AreaLevel.COUNTY).first()


# --- the records behind the figures (never for analysts) --------------------------------


def long_open_needs(user, area: Area, *, now: dt.datetime | None = None, limit: int = 20):
    """The oldest needs of the area still open after LONG_OPEN_DAYS (open problems),
    for a township or below (a team's report, the drill-down): above that the list
    would be a few of hundreds of thousands, and cost half a second at region scale
    (docs/benchmarks.md, "Insights"); the count is on every dashboard."""
    if not sees_records(user) or area.level not in LIST_LEVELS:
        return []
    now = now or timezone.now()
    return list(
        needs_visible_to(user)
        .filter(households_under(area, via="household__"))
        .filter(status__in=UNRESOLVED, opened_at__lt=now - dt.timedelta(days=LONG_OPEN_DAYS))
        .select_related("household")
        .order_by("opened_at", "pk")[:limit]
    )


def map_households(user, area: Area) -> list[tuple]:
    """(id, number, lat, lng) of households with a position, for township level and
    below (a county holds tens of thousands: the map then shows areas)."""
    if not sees_records(user) or area.level not in LIST_LEVELS:
        return []
    return list(
        households_visible_to(user)
        .filter(households_under(area), latitude__isnull=False, longitude__isnull=False)
        .order_by("area_path", "household_no")
        .values_list("pk", "household_no", "latitude", "longitude")[:MAP_HOUSEHOLDS_MAX]
    )


def map_open_needs(user, area: Area) -> list[tuple]:
    """(need id, household id, category, lat, lng) of open needs, oldest first, for a
    township or below (above, the map shows areas with their open-need counts)."""
    if not sees_records(user) or area.level not in LIST_LEVELS:
        return []
    return list(
        Need.objects.filter(
            household_id__in=households_visible_to(user)
            .filter(households_under(area), latitude__isnull=False)
            .values("pk"),
            status__in=UNRESOLVED,
        )
        .order_by("opened_at", "pk")
        .values_list(
            "pk", "household_id", "category", "household__latitude", "household__longitude"
        )[:MAP_NEEDS_MAX]
    )
