"""Every casework read, scoped to the caller. A record outside the caller's scope
answers 404 (never 403); single-record reads of personal data are audited.

Who sees what:
- workers, team leaders, supervisors, administrators: the households of their area
  subtree (registry.selectors), plus the households they are paired with outside it
  (a unit's staff are paired with twinned villages far from where they work);
- department responders: only needs referred to their unit, and those referrals;
- analysts: the overdue summary (counts), never a household, need or contact.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstep.accounts.models import Role, User
from doorstep.areas.models import Area, subtree_range
from doorstep.casework.due_items import DueItem, due_items_for
from doorstep.casework.models import (
    Contact,
    ContactSchedule,
    Feedback,
    Need,
    NeedEvent,
    Notification,
    Pairing,
    Referral,
    ReferralStatus,
    Twinning,
    Unit,
    VisitPolicy,
)
from doorstep.casework.services.common import CASEWORK_ROLES, PAIRABLE_ROLES, PAIRING_ROLES
from doorstep.casework.services.needs import responder_unit_ids
from doorstep.casework.services.schedule import (
    DEFAULT_INTERVAL_DAYS,
    DEFAULT_VULNERABLE_INTERVAL_DAYS,
)
from doorstep.core.pagination import Page, decode_cursor, encode_cursor
from doorstep.core.suppression import suppress_rows
from doorstep.privacy.models import AuditAction
from doorstep.privacy.services import audit_list_view, audit_record
from doorstep.registry.models import Household, Relationship, Resident, households_under
from doorstep.registry.selectors import households_visible_to

SUMMARY_ROLES = frozenset({Role.TEAM_LEADER, Role.SUPERVISOR, Role.ADMIN, Role.ANALYST})
# Referrals a responder still sees the need of (a declined one is handed back).
_RESPONDER_STATUSES = [ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED]


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _audit_view(user, *, object_type: str, pk, household_id: int, channel: str) -> None:
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type=object_type,
        object_id=pk,
        household_id=household_id,
        channel=channel,
    )


def page_newest_first(qs: QuerySet, *, cursor: str | None, size: int) -> Page:
    """Keyset page on `id` descending (newest first); core.pagination pages ascending."""
    before = decode_cursor(cursor, width=1)[0] if cursor else None
    if before is not None:
        qs = qs.filter(pk__lt=before)
    rows = list(qs.order_by("-pk")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return Page(
        items=rows,
        next_cursor=encode_cursor([rows[-1].pk]) if more and rows else None,
        has_previous=before is not None,
    )


# --- households -----------------------------------------------------------------------


def households_reachable_by(user) -> QuerySet[Household]:
    """The registry's scope, which includes the households actively paired with `user`
    (casework.scope registers that with registry.selectors in apps.py)."""
    if not _active(user):
        return Household.objects.none()
    return households_visible_to(user)


def household_reachable_for(user, household_id: int, *, channel: str) -> Household:
    household = households_reachable_by(user).select_related("area").filter(pk=household_id).first()
    if household is None:
        raise Http404
    _audit_view(
        user, object_type="household", pk=household.pk, household_id=household.pk, channel=channel
    )
    return household


# --- pairings and contacts --------------------------------------------------------------


def pairings_visible_to(user) -> QuerySet[Pairing]:
    if not _active(user) or user.role not in CASEWORK_ROLES:
        return Pairing.objects.none()
    return Pairing.objects.filter(household_id__in=households_reachable_by(user).values("pk"))


def pairing_for(user, pairing_id: int) -> Pairing:
    pairing = (
        pairings_visible_to(user)
        .select_related("worker", "household")
        .filter(pk=pairing_id)
        .first()
    )
    if pairing is None:
        raise Http404
    return pairing


def contacts_visible_to(user) -> QuerySet[Contact]:
    if not _active(user) or user.role not in CASEWORK_ROLES:
        return Contact.objects.none()
    return Contact.objects.filter(household_id__in=households_reachable_by(user).values("pk"))


# --- needs ---------------------------------------------------------------------------


def needs_visible_to(user) -> QuerySet[Need]:
    if not _active(user):
        return Need.objects.none()
    if user.role == Role.RESPONDER:
        return Need.objects.filter(
            pk__in=_responder_referrals(user)
            .filter(status__in=_RESPONDER_STATUSES)
            .values("need_id")
        )
    if user.role not in CASEWORK_ROLES:
        return Need.objects.none()
    return Need.objects.filter(household_id__in=households_reachable_by(user).values("pk"))


def need_for(user, need_id: int, *, channel: str) -> Need:
    need = (
        needs_visible_to(user)
        .select_related("household", "household__area", "owner")
        .filter(pk=need_id)
        .first()
    )
    if need is None:
        raise Http404
    _audit_view(
        user, object_type="need", pk=need.pk, household_id=need.household_id, channel=channel
    )
    return need


def need_timeline(need: Need) -> list[NeedEvent]:
    """Every step of a need, oldest first (one query)."""
    return list(
        NeedEvent.objects.filter(need=need)
        .select_related("actor", "referral__unit")
        .order_by("at", "pk")
    )


def escalated_needs_visible_to(user) -> QuerySet[Need]:
    """What a team leader (level 1 and up) or a supervisor (level 2) must look at."""
    if not _active(user):
        return Need.objects.none()
    level = {Role.TEAM_LEADER: 1, Role.ADMIN: 1, Role.SUPERVISOR: 2}.get(user.role)
    if level is None:
        return Need.objects.none()
    return needs_visible_to(user).filter(escalation_level__gte=level)


# --- referrals and units -----------------------------------------------------------------


def _responder_referrals(user) -> QuerySet[Referral]:
    """A responder sees every referral of the units they belong to now, and, after
    leaving a unit (moved to another department), the referrals they answered
    themselves there: their own work stays readable, while the old unit's other and
    new referrals go to its present members. Acting on a referral still needs
    membership of its unit (services.referrals)."""
    unit_ids = responder_unit_ids(user)
    return Referral.objects.filter(Q(unit_id__in=unit_ids) | Q(responded_by=user))


def referrals_visible_to(user) -> QuerySet[Referral]:
    if not _active(user):
        return Referral.objects.none()
    if user.role == Role.RESPONDER:
        return _responder_referrals(user)
    if user.role not in CASEWORK_ROLES:
        return Referral.objects.none()
    return Referral.objects.filter(need_id__in=needs_visible_to(user).values("pk"))


def referral_for(user, referral_id: int, *, channel: str) -> Referral:
    referral = (
        referrals_visible_to(user)
        .select_related("need", "need__household", "unit")
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        raise Http404
    _audit_view(
        user,
        object_type="referral",
        pk=referral.pk,
        household_id=referral.need.household_id,
        channel=channel,
    )
    return referral


def units_taking_referrals() -> QuerySet[Unit]:
    """Units are not personal data: every staff account may refer to any of them."""
    return Unit.objects.filter(accepts_referrals=True, is_active=True).order_by("name")


def unit_for_referral(unit_id: int) -> Unit:
    unit = units_taking_referrals().filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    return unit


# --- the due list --------------------------------------------------------------------


@dataclass
class DueList:
    overdue: list[ContactSchedule] = field(default_factory=list)
    due_this_week: list[ContactSchedule] = field(default_factory=list)
    later: list[ContactSchedule] = field(default_factory=list)
    # Work owned by other apps (welfare checks, placement follow-ups): see due_items.py.
    items: list[DueItem] = field(default_factory=list)

    def household_ids(self) -> list[int]:
        rows = self.overdue + self.due_this_week + self.later
        return [r.household_id for r in rows] + [i.household_id for i in self.items]


def due_bucket(next_due_on: dt.date, today: dt.date) -> str:
    if next_due_on < today:
        return "overdue"
    if next_due_on < today + dt.timedelta(days=7):
        return "due_this_week"
    return "later"


def due_list_for(worker, *, today: dt.date | None = None, channel: str = "") -> DueList:
    """The worker's paired households, most urgent first, in three buckets. With a
    `channel` (pages and the API pass one) the list read is audited: one event naming
    the households shown.

    Two queries whatever the size: one range scan of the (worker, next_due_on) index
    (the schedule is kept on write, see services.schedule) and the heads' names.
    """
    today = today or timezone.localdate()
    result = DueList()
    if not _active(worker):
        return result
    rows = list(
        ContactSchedule.objects.filter(worker=worker)
        .select_related("household", "household__area")
        .order_by("next_due_on", "interval_days", "household_id")
    )
    heads = {
        household_id: (name, phone)
        for household_id, name, phone in Resident.objects.filter(
            household_id__in=[r.household_id for r in rows], relationship=Relationship.HEAD
        ).values_list("household_id", "name", "phone")
    }
    for row in rows:
        row.head_name, head_phone = heads.get(row.household_id, ("", ""))
        # Tap to call on the card: the household's line, else the head's phone.
        row.call_phone = row.household.phone or head_phone
        row.days_overdue = max((today - row.next_due_on).days, 0)
        getattr(result, due_bucket(row.next_due_on, today)).append(row)
    result.items = due_items_for(worker, today)
    audit_list_view(
        actor=worker, object_type="due_list", household_ids=result.household_ids(), channel=channel
    )
    return result


# --- summaries for team leaders and supervisors ----------------------------------------


@dataclass
class WorkerLoad:
    worker_id: int | None
    name: str
    team_id: int | None
    team_name: str
    households: int = 0
    overdue: int = 0
    due_this_week: int = 0


@dataclass
class OverdueSummary:
    workers: list[WorkerLoad]
    teams: list[WorkerLoad]
    unassigned: WorkerLoad
    # Workers with households in the area; `workers` holds the most overdue of them.
    workers_total: int = 0


def _by_urgency(load: WorkerLoad) -> tuple:
    return (-load.overdue, -load.due_this_week, load.name)


def overdue_summary(
    user,
    area: Area,
    *,
    today: dt.date | None = None,
    worker_limit: int | None = None,
    worker_id: int | None = None,
) -> OverdueSummary:
    """Overdue and due-this-week counts per worker and per team (the worker's own area)
    for the households of `area`, which the caller gets from areas.selectors.area_for.

    One GROUP BY query over schedule rows joined to the area's households; households
    with no paired worker are counted apart. `worker_limit` keeps the most overdue
    workers only: a township can hold 10,000 workers, and building and serializing
    all of them cost three times the query (docs/benchmarks.md, "Casework"); teams
    and totals still count every worker. `worker_id` narrows to one worker.
    """
    if not _active(user) or user.role not in SUMMARY_ROLES or user.area_id is None:
        raise Http404
    if not area.is_within(user.area):
        raise Http404
    today = today or timezone.localdate()
    week = today + dt.timedelta(days=7)
    # The schedule's own copy of the household's area: one range of the
    # (area, worker, next_due_on) index per area, no household visited.
    qs = ContactSchedule.objects.filter(area_id__in=Area.objects.within(area).values("pk"))
    if worker_id is not None:
        qs = qs.filter(worker_id=worker_id)
    rows = (
        qs.values_list(
            "worker_id",
            "worker__username",
            "worker__first_name",
            "worker__last_name",
            "worker__area_id",
            "worker__area__name",
        )
        .annotate(
            households=Count("pk"),
            overdue=Count("pk", filter=Q(next_due_on__lt=today)),
            due_this_week=Count("pk", filter=Q(next_due_on__gte=today, next_due_on__lt=week)),
        )
        .order_by()
    )
    # Plain tuples until the end: a township has up to 10,000 workers and only the
    # listed ones become WorkerLoad objects.
    ranked: list[tuple] = []
    unassigned = WorkerLoad(None, "", None, "")
    teams: dict[int | None, WorkerLoad] = {}
    for worker, username, first, last, team_id, team_name, households, overdue, due in rows:
        if worker is None:
            unassigned.households += households
            unassigned.overdue += overdue
            unassigned.due_this_week += due
            continue
        name = f"{last}{first}".strip() or username
        ranked.append((-overdue, -due, name, worker, team_id, team_name or "", households))
        team = teams.get(team_id)
        if team is None:
            team = teams[team_id] = WorkerLoad(None, team_name or "", team_id, team_name or "")
        team.households += households
        team.overdue += overdue
        team.due_this_week += due
    ranked.sort()
    team_rows = sorted(teams.values(), key=_by_urgency)
    if user.role == Role.ANALYST:
        # Analysts: never a row per named worker; teams and the unassigned rest add up
        # to the area's totals, so each column is suppressed as a group (core.suppression).
        suppress_rows(
            [*team_rows, unassigned], ("households", "overdue", "due_this_week"), attr=True
        )
        return OverdueSummary(
            workers=[], teams=team_rows, unassigned=unassigned, workers_total=len(ranked)
        )
    workers = [
        WorkerLoad(worker, name, team_id, team_name, households, -overdue, -due)
        for overdue, due, name, worker, team_id, team_name, households in (
            ranked[:worker_limit] if worker_limit is not None else ranked
        )
    ]
    return OverdueSummary(
        workers=workers,
        teams=team_rows,
        unassigned=unassigned,
        workers_total=len(ranked),
    )


def overdue_households_for(
    user, area: Area, *, worker_id: int | None = None, today: dt.date | None = None
) -> QuerySet[ContactSchedule]:
    """The drill-down from the summary to the households (registry scope applies, so
    analysts get nothing here)."""
    if not _active(user) or user.role not in SUMMARY_ROLES:
        raise Http404
    today = today or timezone.localdate()
    qs = ContactSchedule.objects.filter(
        household_id__in=households_visible_to(user)
        .filter(area_id__in=Area.objects.within(area).values("pk"))
        .values("pk"),
        next_due_on__lt=today,
    )
    if worker_id is not None:
        qs = qs.filter(worker_id=worker_id)
    return qs.select_related("household", "worker").order_by("next_due_on", "household_id")


def feedback_summary(user, area: Area) -> list[dict]:
    """Residents' satisfaction per worker following the needs, for the team's page."""
    return list(
        Feedback.objects.filter(need__in=needs_visible_to(user).values("pk"))
        .filter(households_under(area, via="need__household__"))
        .values(
            "need__owner_id",
            "need__owner__username",
            "need__owner__last_name",
            "need__owner__first_name",
        )
        .annotate(count=Count("pk"), average=Avg("satisfaction"))
        .order_by("need__owner__username")
    )


def assistance_for(user, assistance_id: int):
    from doorstep.casework.models import Assistance

    assistance = (
        Assistance.objects.filter(pk=assistance_id, need_id__in=needs_visible_to(user).values("pk"))
        .select_related("need")
        .first()
    )
    if assistance is None:
        raise Http404
    return assistance


# --- notifications ---------------------------------------------------------------------


def notifications_for(user) -> QuerySet[Notification]:
    """The caller's own notifications; nobody reads anyone else's."""
    if not _active(user):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def notification_for(user, notification_id: int) -> Notification:
    notification = notifications_for(user).filter(pk=notification_id).first()
    if notification is None:
        raise Http404
    return notification


def unread_notification_count(user) -> int:
    """One COUNT on the partial notification_unread index."""
    return notifications_for(user).filter(read_at__isnull=True).count()


# --- the pairing screen and the administrator's units ---------------------------------


def _pairing_role(user) -> bool:
    return _active(user) and user.role in PAIRING_ROLES and user.area_id is not None


def households_for_pairing(
    user, *, area: Area | None = None, unpaired: bool = False, orphaned: bool = False
) -> QuerySet[Household]:
    """Households a team leader (supervisor, administrator) may pair, with the active
    pairing's id and worker annotated (one subquery each on the one-active-pairing
    index). `orphaned`: only those whose paired worker's account was deactivated
    (administration): they need a new worker."""
    if not _pairing_role(user):
        return Household.objects.none()
    qs = households_visible_to(user)
    if area is not None:
        qs = qs.within(area)
    active = Pairing.objects.active().filter(household_id=OuterRef("pk"))
    if unpaired:
        qs = qs.filter(~Exists(active))
    if orphaned:
        qs = qs.filter(Exists(active.filter(worker__is_active=False)))
    return qs.select_related("area").annotate(
        pairing_id=Subquery(active.values("pk")[:1]),
        paired_worker=Subquery(active.values("worker__username")[:1]),
        # Shown by name (core.names), the user name only when there is none.
        paired_worker_family=Subquery(active.values("worker__last_name")[:1]),
        paired_worker_given=Subquery(active.values("worker__first_name")[:1]),
        paired_worker_active=Subquery(active.values("worker__is_active")[:1]),
    )


def households_needing_new_worker_count(user, *, area: Area) -> int:
    """How many households of `area` are still paired with a deactivated account."""
    if not _pairing_role(user):
        return 0
    low, high = subtree_range(area.path)
    return (
        Pairing.objects.active()
        .filter(
            worker__is_active=False,
            household__area_path__gte=low,
            household__area_path__lt=high,
            household_id__in=households_visible_to(user).values("pk"),
        )
        .count()
    )


def household_for_pairing(user, household_id: int, *, channel: str) -> Household:
    household = households_for_pairing(user).filter(pk=household_id).first()
    if household is None:
        raise Http404
    _audit_view(
        user, object_type="household", pk=household.pk, household_id=household.pk, channel=channel
    )
    return household


def pairable_workers_for(user) -> QuerySet[User]:
    """Staff a team leader may pair within their scope: workers and team leaders of
    their area subtree, and members of units twinned with a village in it. Whether a
    given household suits a given worker is still the service's check."""
    if not _pairing_role(user):
        return User.objects.none()
    area_ids = Area.objects.within(user.area).values("pk")
    twinned_units = Twinning.objects.filter(ended_on__isnull=True, village_id__in=area_ids).values(
        "unit_id"
    )
    return (
        User.objects.filter(is_active=True, role__in=PAIRABLE_ROLES)
        .filter(Q(area_id__in=area_ids) | Q(unit_memberships__unit_id__in=twinned_units))
        .distinct()
        .order_by("username")
    )


def pairable_worker_for(user, worker_id: int) -> User | None:
    """One staff account of `pairable_workers_for`; any other id, in another area or
    none at all, is the same field error. None when the caller may not pair (the
    service refuses them with its 403)."""
    if not _pairing_role(user):
        return None
    worker = pairable_workers_for(user).filter(pk=worker_id).first()
    if worker is None:
        raise ValidationError({"worker": _("There is no active staff account with this id.")})
    return worker


def units_managed_by(user) -> QuerySet[Unit]:
    """Units are not personal data; only administrators manage them."""
    if not _active(user) or user.role != Role.ADMIN:
        return Unit.objects.none()
    return Unit.objects.order_by("name")


def unit_for_admin(user, unit_id: int) -> Unit:
    unit = units_managed_by(user).filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    return unit


# --- visit policies -------------------------------------------------------------------

# Who reads visit policies; services.common.POLICY_ROLES (supervisors and
# administrators) set them. Team leaders read them to plan their rounds.
POLICY_VIEW_ROLES = frozenset({Role.TEAM_LEADER, Role.SUPERVISOR, Role.ADMIN})


class PolicySource:
    SET = "set"  # set on this area
    INHERITED = "inherited"  # set on an area above it
    DEFAULT = "default"  # none set anywhere above: DEFAULT_* apply


@dataclass(frozen=True)
class PolicyRow:
    area: Area
    interval_days: int
    vulnerable_interval_days: int
    source: str
    updated_by: User | None = None
    updated_at: dt.datetime | None = None

    @classmethod
    def of(cls, policy: VisitPolicy, *, area: Area, source: str = PolicySource.SET) -> PolicyRow:
        return cls(
            area=area,
            interval_days=policy.interval_days,
            vulnerable_interval_days=policy.vulnerable_interval_days,
            source=source,
            updated_by=policy.updated_by,
            updated_at=policy.updated_at,
        )


def _require_policy_reader(user) -> None:
    if not _active(user) or user.role not in POLICY_VIEW_ROLES or user.area_id is None:
        raise Http404


def visit_policies_for(user) -> list[PolicyRow]:
    """The caller's own area first, with the policy that applies to it (its own, one
    set on an area above, or the default), then every policy set below it, by area.
    One query. 404 for roles that neither read nor set policies."""
    _require_policy_reader(user)
    root = user.area
    policies = list(
        VisitPolicy.objects.filter(
            Q(area__path__startswith=root.path) | Q(area_id__in=root.ancestor_ids)
        )
        .select_related("area", "updated_by")
        .order_by("area__path")
    )
    above = {p.area_id: p for p in policies if p.area_id in root.ancestor_ids}
    own = next((above[pk] for pk in reversed(root.ancestor_ids) if pk in above), None)
    if own is None:
        first = PolicyRow(
            area=root,
            interval_days=DEFAULT_INTERVAL_DAYS,
            vulnerable_interval_days=DEFAULT_VULNERABLE_INTERVAL_DAYS,
            source=PolicySource.DEFAULT,
        )
    else:
        source = PolicySource.SET if own.area_id == root.pk else PolicySource.INHERITED
        first = PolicyRow.of(own, area=root, source=source)
    below = [
        PolicyRow.of(p, area=p.area)
        for p in policies
        if p.area_id != root.pk and p.area.path.startswith(root.path)
    ]
    return [first, *below]


def policy_area_for(user, area_id: int) -> Area:
    """An area whose policy the caller may read: 404 outside their scope or role.
    Whether they may also set it is the service's check (403 in the API)."""
    _require_policy_reader(user)
    area = Area.objects.within(user.area).filter(pk=area_id).first()
    if area is None:
        raise Http404
    return area
