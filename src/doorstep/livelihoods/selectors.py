"""Every livelihoods read, scoped to the caller. Outside the scope is 404, never 403.

Who sees what:
- workers, team leaders, supervisors, administrators: the job seekers, placements,
  enrolments, businesses, income and flags of the households they may read
  (registry.selectors.households_visible_to), and the employers, openings, course
  sessions and cooperatives of their county (their "reach": a village worker places
  people with the county's employers, not only the village's);
- analysts: the relapse summary and the outcome figures, counts under 5 hidden;
- responders: nothing here.
Single reads of a person's record are audited.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from doorstep.accounts.models import Role
from doorstep.areas.models import Area, AreaLevel, subtree_range
from doorstep.insights.suppression import (
    suppress_count,
    suppress_group,
    suppress_rows,
    suppresses_for,
)
from doorstep.livelihoods import matching
from doorstep.livelihoods.models import (
    Business,
    ClearReason,
    Cooperative,
    CooperativeMember,
    Course,
    CourseSession,
    Employer,
    Enrolment,
    EnrolmentStatus,
    FlagStatus,
    HouseholdYear,
    IncomeRecord,
    JobOpening,
    JobSeeker,
    LifeEvent,
    MicroLoan,
    Placement,
    PlacementFollowUp,
    Proposal,
    RelapseFlag,
    RelapseRule,
    Skill,
    TrainingOutcome,
)
from doorstep.privacy.models import AuditAction
from doorstep.privacy.services import audit_record
from doorstep.registry.models import Household, households_under
from doorstep.registry.selectors import household_for, households_visible_to

SUMMARY_ROLES = frozenset({Role.TEAM_LEADER, Role.SUPERVISOR, Role.ADMIN, Role.ANALYST})
# Aggregates shown to analysts hide counts this small (docs/data-inventory.md).
SUPPRESS_BELOW = 5
_BELOW_COUNTY = {AreaLevel.TOWNSHIP, AreaLevel.VILLAGE, AreaLevel.GRID}


def can_read(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.can_read_registry)


def _audit(user, obj, *, household_id: int | None, channel: str) -> None:
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type=f"livelihoods.{type(obj).__name__.lower()}",
        object_id=obj.pk,
        household_id=household_id,
        channel=channel,
    )


def _one(qs: QuerySet, pk: int):
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


# --- reach: the county of the caller -------------------------------------------------------


def reach_area(user) -> Area | None:
    """The county a worker, team leader or township staff works in; the caller's own
    area from county level up."""
    if not can_read(user):
        return None
    cached = getattr(user, "_livelihoods_reach", None)
    if cached is not None:
        return cached
    area = user.area
    if area.level in _BELOW_COUNTY:
        county = next((a for a in area.ancestors() if a.level == AreaLevel.COUNTY), None)
        area = county or area
    user._livelihoods_reach = area
    return area


def _in_reach(user, model) -> QuerySet:
    area = reach_area(user)
    if area is None:
        return model.objects.none()
    low, high = subtree_range(area.path)
    return model.objects.filter(area_path__gte=low, area_path__lt=high)


def skills() -> QuerySet[Skill]:
    return Skill.objects.filter(is_active=True).order_by("code")


def employers_visible_to(user) -> QuerySet[Employer]:
    return _in_reach(user, Employer)


def employer_for(user, employer_id: int) -> Employer:
    return _one(employers_visible_to(user).select_related("area"), employer_id)


def openings_visible_to(user) -> QuerySet[JobOpening]:
    return _in_reach(user, JobOpening)


def opening_for(user, opening_id: int) -> JobOpening:
    return _one(
        openings_visible_to(user).select_related("employer", "area").prefetch_related("skills"),
        opening_id,
    )


def sessions_visible_to(user) -> QuerySet[CourseSession]:
    return _in_reach(user, CourseSession)


def session_for(user, session_id: int) -> CourseSession:
    return _one(sessions_visible_to(user).select_related("course__skill", "area"), session_id)


def courses_visible_to(user) -> QuerySet[Course]:
    """The catalogue of courses is shared; sessions are local."""
    if not can_read(user):
        return Course.objects.none()
    return Course.objects.select_related("skill")


def course_for(user, course_id: int) -> Course:
    return _one(courses_visible_to(user), course_id)


def cooperatives_visible_to(user) -> QuerySet[Cooperative]:
    return _in_reach(user, Cooperative)


def cooperative_for(user, cooperative_id: int) -> Cooperative:
    return _one(cooperatives_visible_to(user).select_related("area"), cooperative_id)


def members_visible_to(user, cooperative: Cooperative) -> QuerySet[CooperativeMember]:
    """Members are people: only those of households the caller may read."""
    return cooperative.members.filter(
        household_id__in=households_visible_to(user).values("pk")
    ).select_related("resident")


# --- personal records, scoped by household ----------------------------------------------------


def _by_household(user, model) -> QuerySet:
    if not can_read(user):
        return model.objects.none()
    return model.objects.filter(household_id__in=households_visible_to(user).values("pk"))


def seekers_visible_to(user) -> QuerySet[JobSeeker]:
    return _by_household(user, JobSeeker)


def seeker_for(user, seeker_id: int, *, channel: str) -> JobSeeker:
    seeker = _one(seekers_visible_to(user).select_related("resident", "household"), seeker_id)
    _audit(user, seeker, household_id=seeker.household_id, channel=channel)
    return seeker


def proposals_visible_to(user) -> QuerySet[Proposal]:
    return _by_household(user, Proposal)


def proposal_for(user, proposal_id: int, *, channel: str) -> Proposal:
    proposal = _one(
        proposals_visible_to(user).select_related("opening__employer", "seeker__resident"),
        proposal_id,
    )
    _audit(user, proposal, household_id=proposal.household_id, channel=channel)
    return proposal


def placements_visible_to(user) -> QuerySet[Placement]:
    return _by_household(user, Placement)


def placement_for(user, placement_id: int, *, channel: str) -> Placement:
    placement = _one(
        placements_visible_to(user).select_related(
            "opening__employer", "seeker__resident", "household", "worker"
        ),
        placement_id,
    )
    _audit(user, placement, household_id=placement.household_id, channel=channel)
    return placement


def follow_up_for(user, follow_up_id: int, *, channel: str) -> PlacementFollowUp:
    follow_up = _one(
        PlacementFollowUp.objects.filter(
            placement__in=placements_visible_to(user).values("pk")
        ).select_related("placement"),
        follow_up_id,
    )
    _audit(user, follow_up, household_id=follow_up.placement.household_id, channel=channel)
    return follow_up


def enrolments_visible_to(user) -> QuerySet[Enrolment]:
    return _by_household(user, Enrolment)


def enrolment_for(user, enrolment_id: int, *, channel: str) -> Enrolment:
    enrolment = _one(
        enrolments_visible_to(user).select_related("session__course", "resident"), enrolment_id
    )
    _audit(user, enrolment, household_id=enrolment.household_id, channel=channel)
    return enrolment


def businesses_visible_to(user) -> QuerySet[Business]:
    return _by_household(user, Business)


def business_for(user, business_id: int, *, channel: str) -> Business:
    business = _one(businesses_visible_to(user).select_related("owner", "skill"), business_id)
    _audit(user, business, household_id=business.household_id, channel=channel)
    return business


def loan_for(user, loan_id: int, *, channel: str) -> MicroLoan:
    loan = _one(
        MicroLoan.objects.filter(
            business__in=businesses_visible_to(user).values("pk")
        ).select_related("business"),
        loan_id,
    )
    _audit(user, loan, household_id=loan.business.household_id, channel=channel)
    return loan


def flags_visible_to(user) -> QuerySet[RelapseFlag]:
    return _by_household(user, RelapseFlag)


def flag_for(user, flag_id: int, *, channel: str) -> RelapseFlag:
    flag = _one(
        flags_visible_to(user).select_related("rule", "event", "household", "need"), flag_id
    )
    _audit(user, flag, household_id=flag.household_id, channel=channel)
    return flag


def rules_for(user) -> QuerySet[RelapseRule]:
    if not getattr(user, "is_authenticated", False) or user.role not in SUMMARY_ROLES:
        return RelapseRule.objects.none()
    return RelapseRule.objects.order_by("pk")


def rule_for(user, rule_id: int) -> RelapseRule:
    return _one(rules_for(user), rule_id)


# --- a household's livelihood page ----------------------------------------------------------


@dataclass
class HouseholdLivelihood:
    household: Household
    years: list[HouseholdYear]
    income: dict[int, dict[str, IncomeRecord]]
    events: list[LifeEvent]
    flags: list[RelapseFlag]
    seekers: list[JobSeeker]
    placements: list[Placement]
    enrolments: list[Enrolment]
    businesses: list[Business]


def household_livelihood(user, household_id: int, *, channel: str) -> HouseholdLivelihood:
    household = household_for(user, household_id, channel=channel)  # 404 and audit
    income: dict[int, dict[str, IncomeRecord]] = defaultdict(dict)
    for record in IncomeRecord.objects.filter(household=household).order_by("year", "source"):
        income[record.year][record.source] = record
    return HouseholdLivelihood(
        household=household,
        years=list(HouseholdYear.objects.filter(household=household).order_by("year")),
        income=dict(income),
        events=list(LifeEvent.objects.filter(household=household).order_by("-occurred_on")[:50]),
        flags=list(
            RelapseFlag.objects.filter(household=household)
            .select_related("rule", "event", "need")
            .order_by("-raised_at")[:50]
        ),
        seekers=list(
            JobSeeker.objects.filter(household=household)
            .select_related("resident")
            .prefetch_related("skills")
        ),
        placements=list(
            Placement.objects.filter(household=household)
            .select_related("opening__employer", "seeker__resident")
            .order_by("-started_on")
        ),
        enrolments=list(
            Enrolment.objects.filter(household=household)
            .select_related("session__course", "resident")
            .order_by("-enrolled_on")
        ),
        businesses=list(
            Business.objects.filter(household=household)
            .select_related("owner")
            .prefetch_related("loans")
        ),
    )


# --- matching -------------------------------------------------------------------------------


def match_area(user, opening: JobOpening, area: Area | None = None) -> Area:
    """Where to look for seekers: the area asked for (areas.selectors already checked
    it), else the opening's county narrowed to the caller's own area."""
    if area is not None:
        return area
    county = opening.area
    if county.level in _BELOW_COUNTY:
        county = next((a for a in county.ancestors() if a.level == AreaLevel.COUNTY), county)
    if county.is_within(user.area):
        return county
    return user.area


def matches_for_opening(
    user,
    opening: JobOpening,
    *,
    area: Area | None = None,
    today=None,
    limit: int = 50,
    channel: str = "",
) -> list[matching.Match]:
    """Seekers ranked for `opening`: names and households, so a read of personal data
    that writes one audit event listing the households shown (issue 18)."""
    if not can_read(user):
        raise Http404
    matches = matching.seekers_for_opening(
        opening, area=match_area(user, opening, area), today=today, limit=limit
    )
    if channel and matches:
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            object_type="opening_matches",
            object_id=opening.pk,
            channel=channel,
            detail={"households": sorted({m.household_id for m in matches})},
        )
    return matches


def matches_for_seeker(user, seeker: JobSeeker, *, today=None, limit: int = 50):
    return matching.openings_for_seeker(seeker, openings_visible_to(user), today=today, limit=limit)


# --- summaries -----------------------------------------------------------------------------


def _require_summary(user, area: Area) -> None:
    if not getattr(user, "is_authenticated", False) or user.role not in SUMMARY_ROLES:
        raise Http404
    if user.area_id is None or not area.is_within(user.area):
        raise Http404


def _children(area: Area) -> list[Area]:
    return list(Area.objects.filter(parent=area).order_by("code"))


def _child_of(paths_to_children: list[tuple[str, Area]], path: str) -> Area | None:
    for prefix, child in paths_to_children:
        if path.startswith(prefix):
            return child
    return None


def _suppress(user, value):
    # The one rule (insights.suppression): a count under five is hidden from analysts.
    return suppress_count(value, active=suppresses_for(user))


@dataclass
class RelapseSummary:
    area: Area
    rows: list[dict] = field(default_factory=list)  # one per child area
    by_rule: list[dict] = field(default_factory=list)
    months: list[str] = field(default_factory=list)
    raised: list[int | None] = field(default_factory=list)
    cleared: list[int | None] = field(default_factory=list)
    open_total: int | None = 0
    without_need: int | None = 0


def relapse_summary(user, area: Area, *, today: dt.date | None = None) -> RelapseSummary:
    """Open flags by child area and by rule, and flags raised and cleared per month
    over the last 12 months, for `area` (from areas.selectors). Four grouped queries."""
    _require_summary(user, area)
    today = today or timezone.localdate()
    flags = RelapseFlag.objects.filter(households_under(area, via="household__"))
    children = _children(area)
    prefixes = [(c.path, c) for c in children]
    per_child: dict[int, dict] = {c.pk: {"area": c, "open": 0, "helped": 0} for c in children}
    for path, status, reason, n in (
        flags.values_list("household__area_path", "status", "clear_reason")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        child = _child_of(prefixes, path)
        if child is None:
            continue
        if status == FlagStatus.OPEN:
            per_child[child.pk]["open"] += n
        elif reason == ClearReason.RESOLVED:
            per_child[child.pk]["helped"] += n
    result = RelapseSummary(area=area)
    analyst = suppresses_for(user)
    # Columns add up to the totals below: complementary suppression per column.
    result.rows = [dict(r) for r in per_child.values()]
    suppress_rows(result.rows, ("open", "helped"), active=analyst)
    rule_names = {r.pk: r.get_kind_display() for r in RelapseRule.objects.all()}
    result.by_rule = [
        {"rule": rule_names.get(rule_id, ""), "open": n}
        for rule_id, n in flags.filter(status=FlagStatus.OPEN)
        .values_list("rule_id")
        .annotate(n=Count("pk"))
        .order_by("rule_id")
    ]
    suppress_rows(result.by_rule, ("open",), active=analyst)
    start = (today.replace(day=1) - dt.timedelta(days=335)).replace(day=1)
    months = []
    cursor = start
    while cursor <= today:
        months.append(cursor)
        cursor = (cursor + dt.timedelta(days=32)).replace(day=1)
    raised = {
        m.date() if hasattr(m, "date") else m: n
        for m, n in flags.filter(raised_at__date__gte=start)
        .annotate(m=TruncMonth("raised_at"))
        .values_list("m")
        .annotate(n=Count("pk"))
        .order_by()
    }
    cleared = {
        m.date() if hasattr(m, "date") else m: n
        for m, n in flags.filter(cleared_at__date__gte=start)
        .annotate(m=TruncMonth("cleared_at"))
        .values_list("m")
        .annotate(n=Count("pk"))
        .order_by()
    }
    result.months = [m.strftime("%Y-%m") for m in months]
    result.raised = suppress_group([raised.get(m, 0) for m in months], active=analyst)
    result.cleared = suppress_group([cleared.get(m, 0) for m in months], active=analyst)
    open_flags = flags.filter(status=FlagStatus.OPEN)
    result.open_total = _suppress(user, open_flags.count())
    result.without_need = _suppress(user, open_flags.filter(need__isnull=True).count())
    return result


@dataclass
class OutcomeRow:
    label: str
    placements: int | None = 0
    held_6_months: int | None = 0
    trainees_completed: int | None = 0
    trainees_employed: int | None = 0
    income_before: float | None = None
    income_after: float | None = None
    flagged: int | None = 0
    helped: int | None = 0


def outcomes(user, area: Area, *, year: int | None = None) -> dict:
    """Per child area and per team (the worker's own area, as casework counts teams):
    placements started in `year` and those still held at six months, trainees who
    completed in `year` and those employed within six months, average income per
    person in the year before and in `year`, families flagged and helped."""
    _require_summary(user, area)
    year = year or timezone.localdate().year
    children = _children(area)
    prefixes = [(c.path, c) for c in children]
    rows: dict[int, OutcomeRow] = {c.pk: OutcomeRow(label=c.name) for c in children}
    teams: dict[str, OutcomeRow] = {}

    def bump(path: str, attr: str, n: int) -> None:
        child = _child_of(prefixes, path)
        if child is not None:
            setattr(rows[child.pk], attr, getattr(rows[child.pk], attr) + n)

    def bump_team(name: str | None, attr: str, n: int) -> None:
        row = teams.setdefault(name or "—", OutcomeRow(label=name or "—"))
        setattr(row, attr, getattr(row, attr) + n)

    placements = Placement.objects.filter(
        households_under(area, via="household__"), started_on__year=year
    )
    for path, team, held, n in (
        placements.values_list("household__area_path", "worker__area__name")
        .annotate(
            held=Count(
                "follow_ups",
                filter=Q(follow_ups__month=6, follow_ups__still_employed=True),
            ),
            n=Count("pk", distinct=True),
        )
        .order_by()
    ):
        bump(path, "placements", n)
        bump(path, "held_6_months", held)
        bump_team(team, "placements", n)
        bump_team(team, "held_6_months", held)
    trainees = Enrolment.objects.filter(
        households_under(area, via="household__"),
        status=EnrolmentStatus.COMPLETED,
        completed_on__year=year,
    )
    for path, team, employed, n in (
        trainees.values_list("household__area_path", "enrolled_by__area__name")
        .annotate(
            employed=Count("pk", filter=Q(outcome=TrainingOutcome.EMPLOYED)),
            n=Count("pk"),
        )
        .order_by()
    ):
        bump(path, "trainees_completed", n)
        bump(path, "trainees_employed", employed)
        bump_team(team, "trainees_completed", n)
        bump_team(team, "trainees_employed", employed)
    flags = RelapseFlag.objects.filter(
        households_under(area, via="household__"), raised_at__year=year
    )
    for path, flagged, helped in (
        flags.values_list("household__area_path")
        .annotate(
            flagged=Count("household_id", distinct=True),
            helped=Count(
                "household_id", distinct=True, filter=Q(clear_reason=ClearReason.RESOLVED)
            ),
        )
        .order_by()
    ):
        bump(path, "flagged", flagged)
        bump(path, "helped", helped)
    # Income per person, before and after: the village averages weighted back up.
    sums: dict[tuple[int, int], list[float]] = defaultdict(lambda: [0.0, 0])
    for path, y, avg, n in (
        HouseholdYear.objects.filter(
            households_under(area, via="household__"), year__in=[year - 1, year], sources__gt=0
        )
        .values_list("household__area_path", "year")
        .annotate(avg=Avg("income_per_person"), n=Count("pk"))
        .order_by()
    ):
        child = _child_of(prefixes, path)
        if child is not None:
            sums[(child.pk, y)][0] += float(avg or 0) * n
            sums[(child.pk, y)][1] += n
    for (child_id, y), (total, n) in sums.items():
        if n >= (SUPPRESS_BELOW if user.role == Role.ANALYST else 1):
            value = round(total / n, 0)
            if y == year:
                rows[child_id].income_after = value
            else:
                rows[child_id].income_before = value
    counted = (
        "placements",
        "held_6_months",
        "trainees_completed",
        "trainees_employed",
        "flagged",
        "helped",
    )
    # Areas add up to the area's totals, and teams too: complementary suppression
    # per column of each table.
    analyst = suppresses_for(user)
    suppress_rows(list(rows.values()), counted, active=analyst, attr=True)
    suppress_rows(list(teams.values()), counted, active=analyst, attr=True)
    return {
        "year": year,
        "areas": list(rows.values()),
        "teams": sorted(teams.values(), key=lambda r: r.label),
    }


def course_rates(course_ids) -> dict[int, dict]:
    """Outcome rates of each course among trainees who completed it: employed,
    started a business, neither, and not yet known. One grouped query."""
    rates: dict[int, dict] = {}
    for course_id, outcome, n in (
        Enrolment.objects.filter(
            session__course_id__in=list(course_ids), status=EnrolmentStatus.COMPLETED
        )
        .values_list("session__course_id", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        entry = rates.setdefault(
            course_id, {"completed": 0, "employed": 0, "business": 0, "neither": 0, "unknown": 0}
        )
        entry["completed"] += n
        entry[outcome or "unknown"] += n
    for entry in rates.values():
        total = entry["completed"]
        for key in ("employed", "business", "neither"):
            entry[f"{key}_rate"] = round(100 * entry[key] / total) if total else 0
    return rates
