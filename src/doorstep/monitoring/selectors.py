"""Every monitoring read, scoped to the caller. Outside the scope is 404, never 403.

Who sees what: workers, team leaders, supervisors and administrators see the status,
proposals, steps, objections, help and reviews of the households they may read
(registry.selectors.households_visible_to), and the village notice of villages in
their area; analysts see the figures only, small counts suppressed; responders and
residents nothing here (a resident sees their own proposals through the portal form).
Single reads of a household's monitoring record are audited.
"""

from __future__ import annotations

import datetime as dt
import statistics

from django.db.models import Count, Min, QuerySet
from django.http import Http404
from django.utils import timezone

from doorstep.accounts.models import Role
from doorstep.areas.models import Area, AreaLevel
from doorstep.areas.selectors import area_for
from doorstep.insights.suppression import suppress, suppresses_for
from doorstep.livelihoods.models import HouseholdYear
from doorstep.monitoring import rules
from doorstep.monitoring.models import (
    Decision,
    HelpMeasure,
    HouseholdPoverty,
    MonitoringLine,
    MonitoringType,
    Objection,
    PovertyStatus,
    Proposal,
    ProposalKind,
    Review,
    Stage,
    StatusChange,
    Step,
)
from doorstep.privacy.models import AuditAction
from doorstep.privacy.services import audit_record
from doorstep.registry.models import Household, households_under
from doorstep.registry.selectors import household_for, households_visible_to

FIGURE_ROLES = frozenset({Role.WORKER, Role.TEAM_LEADER, Role.SUPERVISOR, Role.ADMIN, Role.ANALYST})


def can_read(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.can_read_registry)


def can_see_figures(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.area_id is not None
        and user.role in FIGURE_ROLES
    )


def proposals_visible_to(user) -> QuerySet[Proposal]:
    if not can_read(user):
        return Proposal.objects.none()
    return Proposal.objects.filter(household__in=households_visible_to(user).values("pk"))


def proposal_for(user, proposal_id: int, *, channel: str) -> Proposal:
    proposal = (
        proposals_visible_to(user)
        .select_related("household__area", "county", "proposed_by", "proposed_by_resident")
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None:
        raise Http404
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="monitoring.proposal",
        object_id=proposal.pk,
        household_id=proposal.household_id,
        channel=channel,
    )
    return proposal


def proposal_detail(proposal: Proposal) -> dict:
    return {
        "steps": list(proposal.steps.select_related("actor")),
        "objections": list(proposal.objections.order_by("received_on", "pk")),
    }


def household_record(user, household_id: int, *, channel: str) -> dict:
    """Everything the household's monitoring page shows (household_for audits it)."""
    household = household_for(user, household_id, channel=channel)
    return {"household": household, **household_monitoring(household)}


def household_monitoring(household: Household) -> dict:
    status = HouseholdPoverty.objects.filter(household=household).first()
    county = rules.county_of(household.area)
    years = list(HouseholdYear.objects.filter(household=household).order_by("year"))
    lines = (
        dict(
            MonitoringLine.objects.filter(
                county=county, year__in=[y.year for y in years]
            ).values_list("year", "amount")
        )
        if county
        else {}
    )
    figures = [
        {
            "year": y.year,
            "income_per_person": y.income_per_person,
            "medical_spending": y.medical_spending,
            "line": lines.get(y.year),
            "above": lines.get(y.year) is not None and y.income_per_person > lines[y.year],
        }
        for y in years
    ]
    return {
        "status": status,
        "status_value": status.status if status else PovertyStatus.NEVER,
        "history": list(
            StatusChange.objects.filter(household=household).select_related("changed_by")
        ),
        "proposals": list(
            Proposal.objects.filter(household=household).order_by("-created_at", "-pk")
        ),
        "measures": list(
            HelpMeasure.objects.filter(household=household).order_by("-started_on", "-pk")
        ),
        "reviews": list(Review.objects.filter(household=household).order_by("-reviewed_on")[:12]),
        "figures": figures,
        "county": county,
    }


def households_with_status(
    user, *, status: str = "", monitoring_type: str = "", area: Area | None = None
) -> QuerySet[Household]:
    """The caller's households filtered by poverty status and type, in list order."""
    qs = households_visible_to(user).select_related("area", "poverty")
    if area is not None:
        qs = qs.filter(households_under(area))
    if status == PovertyStatus.NEVER:
        qs = qs.exclude(poverty__status__in=[s for s in PovertyStatus.values if s != "never"])
    elif status:
        qs = qs.filter(poverty__status=status)
    if monitoring_type:
        qs = qs.filter(poverty__monitoring_type=monitoring_type)
    return qs.order_by("area_path", "household_no")


def notice_for(user, village_id: int) -> tuple[Area, list[Proposal]]:
    """A village's public notice: proposals on notice there. The page shows the head's
    name and the proposed status only."""
    if not can_read(user):
        raise Http404
    village = area_for(user, village_id)
    if village.level not in (AreaLevel.VILLAGE,):
        raise Http404
    proposals = list(
        Proposal.objects.filter(households_under(village, via="household__"), stage=Stage.NOTICE)
        .select_related("household")
        .order_by("household__household_no")
    )
    heads = dict(
        Household.objects.filter(pk__in=[p.household_id for p in proposals])
        .filter(residents__relationship="head")
        .values_list("pk", "residents__name")
    )
    for p in proposals:
        p.head_name = heads.get(p.household_id, "")
    return village, proposals


def figures_area(user, area_id: int | None) -> Area:
    if not can_see_figures(user):
        raise Http404
    if area_id is None:
        return user.area
    area = Area.objects.filter(pk=area_id).first()
    if area is None or not (area.pk == user.area_id or area.is_within(user.area)):
        raise Http404
    return area


def _median_days(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def raw_figures(area: Area, *, start: dt.date, end: dt.date) -> dict:
    """The monitoring figures of an area's subtree, unsuppressed: households by status
    and type today; decisions, returns and notices between start and end (inclusive).
    The monitoring page (`figures`) and insights' dashboards and assessment reports
    (insights/monitoring_link.py) both read this, so they cannot disagree. Never shown
    as is: callers pass it through insights.suppression."""
    under = households_under(area, via="household__")
    by_status = {s: 0 for s in PovertyStatus.values}
    by_type = {t: 0 for t in MonitoringType.values}
    for status, mtype, n in (
        HouseholdPoverty.objects.filter(under)
        .values_list("status", "monitoring_type")
        .annotate(n=Count("pk"))
    ):
        by_status[status] += n
        if status == PovertyStatus.MONITORED and mtype:
            by_type[mtype] += n
    total = Household.objects.filter(households_under(area)).count()
    by_status[PovertyStatus.NEVER] = total - sum(
        n for s, n in by_status.items() if s != PovertyStatus.NEVER
    )
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    approved = list(
        Proposal.objects.filter(
            under, stage=Stage.APPROVED, decided_at__gte=lo, decided_at__lt=hi
        ).values_list("pk", "kind", "created_at", "decided_at")
    )
    entered = [row for row in approved if row[1] == ProposalKind.ENTER]
    removed = [row for row in approved if row[1] == ProposalKind.REMOVE]
    to_decision = [(d - c).total_seconds() / 86400 for _pk, _k, c, d in approved]
    first_help = dict(
        HelpMeasure.objects.filter(proposal_id__in=[row[0] for row in entered])
        .values("proposal_id")
        .annotate(first=Min("started_on"))
        .values_list("proposal_id", "first")
    )
    to_help = [
        max((first_help[pk] - timezone.localtime(d).date()).days, 0)
        for pk, _k, _c, d in entered
        if pk in first_help
    ]
    # Every return by a level counts, also of a proposal amended and resubmitted since.
    refused = Step.objects.filter(
        households_under(area, via="proposal__household__"),
        decision=Decision.RETURN,
        at__gte=lo,
        at__lt=hi,
    ).count()
    with_objections = (
        Objection.objects.filter(
            proposal__in=Proposal.objects.filter(under),
            proposal__notice_starts_on__gte=start,
            proposal__notice_starts_on__lte=end,
        )
        .values("proposal_id")
        .distinct()
        .count()
    )
    return {
        "households": total,
        "by_status": by_status,
        "by_type": by_type,
        "decisions": len(approved),
        "new_monitored": len(entered),
        "risk_removed": len(removed),
        "refused": refused,
        "notices_with_objections": with_objections,
        "median_days_to_decision": _median_days(to_decision),
        "helped": len(to_help),
        "median_days_to_first_help": _median_days(to_help),
    }


def figures(user, area: Area, *, start: dt.date, end: dt.date) -> dict:
    """The monitoring figures of an area's subtree as the caller may see them
    (analysts' counts under five read "<5")."""
    active = suppresses_for(user)
    raw = raw_figures(area, start=start, end=end)

    def s(value, basis=None):
        return suppress(value, basis=basis, active=active)

    return {
        "area": area,
        "start": start,
        "end": end,
        "suppressed": active,
        "by_status": [
            {"status": st, "label": PovertyStatus(st).label, "count": s(raw["by_status"][st])}
            for st in PovertyStatus.values
        ],
        "by_type": [
            {"type": t, "label": MonitoringType(t).label, "count": s(raw["by_type"][t])}
            for t in MonitoringType.values
        ],
        "new_monitored": s(raw["new_monitored"]),
        "risk_removed": s(raw["risk_removed"]),
        "refused": s(raw["refused"]),
        "notices_with_objections": s(raw["notices_with_objections"]),
        "median_days_to_decision": s(raw["median_days_to_decision"], basis=raw["decisions"]),
        "median_days_to_first_help": s(raw["median_days_to_first_help"], basis=raw["helped"]),
        "children": _children(area, active),
    }


def _children(area: Area, active: bool) -> list[dict]:
    """Monitored households per child area (one query)."""
    children = list(Area.objects.filter(parent=area).order_by("code"))
    rows = []
    for child in children:
        rows.append({"area": child, "monitored": 0})
    counts = {}
    for path, n in (
        HouseholdPoverty.objects.filter(
            households_under(area, via="household__"), status=PovertyStatus.MONITORED
        )
        .values_list("household__area_path")
        .annotate(n=Count("pk"))
    ):
        counts[path] = counts.get(path, 0) + n
    for row in rows:
        prefix = row["area"].path
        row["monitored"] = suppress(
            sum(n for path, n in counts.items() if path.startswith(prefix)), active=active
        )
    return rows
