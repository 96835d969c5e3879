"""When each household is next due for a contact.

The answer is stored in ContactSchedule (one row per household) and recomputed on every
write that can change it: a contact logged, a pairing made or ended, a visit policy or
welfare-check round set. Reads (the due list, the township summary) never aggregate
contacts. The rule:

- the interval comes from the visit policy of the household's deepest area that has
  one (DEFAULT_* when none does); vulnerable households use the vulnerable interval;
- a welfare-check round running over the household's area overrides both intervals
  (it never lengthens them: a round exists to look in more often);
- the household is due `interval` days after its last contact, or after the date its
  schedule started (pairing) if nobody has been yet, and during a round no earlier
  than `interval` days after the round began;
- a household that withdrew its consent to visits and calls (privacy.Consent) has no
  schedule row at all: it is never due. The worker's due list says why (a due item
  from the portal app), and the row comes back when consent is given again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from doorstep.areas.models import Area
from doorstep.casework.models import (
    Contact,
    ContactSchedule,
    Pairing,
    ScheduleBasis,
    VisitPolicy,
    WelfareRound,
)
from doorstep.casework.services.common import POLICY_ROLES, require_role
from doorstep.privacy.models import AuditAction
from doorstep.privacy.selectors import contacts_withdrawn
from doorstep.privacy.services import audit_record
from doorstep.registry.models import Household, HouseholdVulnerability

# Every household at least every two months; vulnerable ones every two weeks (mission.md).
DEFAULT_INTERVAL_DAYS = 60
DEFAULT_VULNERABLE_INTERVAL_DAYS = 14
# A policy looks in at least once a year; the pages and the API read this bound.
MAX_POLICY_INTERVAL_DAYS = 365


@dataclass(frozen=True)
class Interval:
    days: int
    basis: str
    not_before: dt.date | None = None  # a round's first day: nobody is due before it + days


class IntervalResolver:
    """Policies and running rounds for a set of areas, read in two queries, so that a
    refresh of thousands of households costs the same as one."""

    def __init__(self, areas: Iterable[Area], *, on: dt.date) -> None:
        ancestor_ids = {pk for area in areas for pk in area.ancestor_ids}
        self.policies = {p.area_id: p for p in VisitPolicy.objects.filter(area_id__in=ancestor_ids)}
        self.rounds: dict[int, list[WelfareRound]] = {}
        for r in WelfareRound.objects.overriding(on=on).filter(area_id__in=ancestor_ids):
            self.rounds.setdefault(r.area_id, []).append(r)

    def interval(self, area: Area, *, vulnerable: bool) -> Interval:
        chain = area.ancestor_ids  # root first, the area itself last
        policy = next((self.policies[pk] for pk in reversed(chain) if pk in self.policies), None)
        if policy is None:
            days = DEFAULT_VULNERABLE_INTERVAL_DAYS if vulnerable else DEFAULT_INTERVAL_DAYS
        else:
            days = policy.vulnerable_interval_days if vulnerable else policy.interval_days
        interval = Interval(days, ScheduleBasis.VULNERABLE if vulnerable else ScheduleBasis.POLICY)
        running = [r for pk in chain for r in self.rounds.get(pk, [])]
        if running:
            shortest = min(running, key=lambda r: (r.interval_days, r.starts_on))
            if shortest.interval_days <= interval.days:
                interval = Interval(
                    shortest.interval_days, ScheduleBasis.WELFARE_ROUND, shortest.starts_on
                )
        return interval


def next_due(
    *, interval: Interval, last_contact_at: dt.datetime | None, anchor: dt.date
) -> dt.date:
    """The day the household is next due. `anchor` counts when nobody has been yet."""
    start = timezone.localdate(last_contact_at) if last_contact_at else anchor
    if interval.not_before and start < interval.not_before:
        start = interval.not_before
    return start + dt.timedelta(days=interval.days)


def schedule_refresh(
    *, household_ids: Iterable[int], today: dt.date | None = None, only_changed: bool = False
) -> int:
    """Recompute the schedule rows of these households (creating missing ones).

    Set-based: a fixed number of queries for any number of households. Callers hold
    the transaction of the change that made the refresh necessary. With
    `only_changed`, rows whose answer is unchanged are not written (the nightly sweep
    rewrites only what moved). Returns the number of rows written.
    """
    ids = sorted(set(household_ids))
    withdrawn = contacts_withdrawn(ids)
    if withdrawn:
        ContactSchedule.objects.filter(household_id__in=withdrawn).delete()
        ids = [pk for pk in ids if pk not in withdrawn]
    if not ids:
        return 0
    today = today or timezone.localdate()
    households = list(Household.objects.filter(pk__in=ids).select_related("area"))
    vulnerable = set(
        HouseholdVulnerability.objects.filter(household_id__in=ids)
        .values_list("household_id", flat=True)
        .distinct()
    )
    workers = dict(
        Pairing.objects.active()
        .filter(household_id__in=ids)
        .values_list("household_id", "worker_id")
    )
    started = dict(
        Pairing.objects.active()
        .filter(household_id__in=ids)
        .values_list("household_id", "started_on")
    )
    existing = {s.household_id: s for s in ContactSchedule.objects.filter(household_id__in=ids)}
    missing = [pk for pk in ids if pk not in existing]
    # Only households with no schedule yet read their contacts: one MAX per household
    # on the (household, occurred_at) index.
    last_for_missing = dict(
        Contact.objects.filter(household_id__in=missing)
        .values("household_id")
        .annotate(last=Max("occurred_at"))
        .values_list("household_id", "last")
    )
    resolver = IntervalResolver({h.area for h in households}, on=today)
    rows = []
    for household in households:
        current = existing.get(household.pk)
        last = current.last_contact_at if current else last_for_missing.get(household.pk)
        interval = resolver.interval(household.area, vulnerable=household.pk in vulnerable)
        rows.append(
            ContactSchedule(
                household_id=household.pk,
                worker_id=workers.get(household.pk),
                area_id=household.area_id,
                last_contact_at=last,
                next_due_on=next_due(
                    interval=interval,
                    last_contact_at=last,
                    anchor=started.get(household.pk, today),
                ),
                interval_days=interval.days,
                basis=interval.basis,
            )
        )
    if only_changed:
        rows = [row for row in rows if _changed(existing.get(row.household_id), row)]
    if not rows:
        return 0
    ContactSchedule.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["household"],
        update_fields=[
            "worker",
            "area",
            "last_contact_at",
            "next_due_on",
            "interval_days",
            "basis",
        ],
        batch_size=2000,
    )
    return len(rows)


_COMPARED = ("worker_id", "area_id", "last_contact_at", "next_due_on", "interval_days", "basis")


def _changed(current: ContactSchedule | None, new: ContactSchedule) -> bool:
    return current is None or any(getattr(current, f) != getattr(new, f) for f in _COMPARED)


def schedules_recompute_all(*, today: dt.date | None = None, batch_size: int = 5000) -> int:
    """Recompute every schedule, writing only the rows that changed (nightly).

    This is how changes made outside casework reach the schedule without registry
    knowing casework exists (docs/decisions/0002-schedule-recomputation.md): a
    household's vulnerabilities added or removed, a household moved to another
    village, and welfare-check rounds whose first day has come or whose last day has
    passed. Batches walk the primary key, each in its own short transaction.
    """
    today = today or timezone.localdate()
    written = 0
    last_pk = 0
    while True:
        ids = list(
            ContactSchedule.objects.filter(pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return written
        with transaction.atomic():
            written += schedule_refresh(household_ids=ids, today=today, only_changed=True)
        last_pk = ids[-1]


def schedule_record_contact(
    *, household: Household, occurred_at: dt.datetime
) -> ContactSchedule | None:
    """Move the household's due date after a contact. Runs in contact_log's transaction.

    The schedule row is locked first, so two contacts logged at the same moment are
    applied one after the other and the later contact wins whichever commits last.
    None when the household withdrew consent to contacts (it has no schedule).
    """
    schedule = ContactSchedule.objects.select_for_update().filter(pk=household.pk).first()
    if schedule is None:
        if contacts_withdrawn([household.pk]):
            return None
        schedule_refresh(household_ids=[household.pk])
        schedule = ContactSchedule.objects.select_for_update().get(pk=household.pk)
    if schedule.last_contact_at is not None and schedule.last_contact_at >= occurred_at:
        return schedule  # a contact logged late, older than one already counted
    area = household.area
    interval = IntervalResolver([area], on=timezone.localdate()).interval(
        area, vulnerable=HouseholdVulnerability.objects.filter(household=household).exists()
    )
    schedule.last_contact_at = occurred_at
    schedule.next_due_on = next_due(
        interval=interval, last_contact_at=occurred_at, anchor=timezone.localdate()
    )
    schedule.interval_days = interval.days
    schedule.basis = interval.basis
    schedule.save(
        update_fields=["last_contact_at", "next_due_on", "interval_days", "basis", "updated_at"]
    )
    return schedule


def schedules_refresh_area(*, area: Area, batch_size: int = 5000) -> int:
    """Recompute every schedule under `area`, in batches (after a policy or round change)."""
    done = 0
    last_pk = 0
    while True:
        ids = list(
            Household.objects.within(area)
            .filter(pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return done
        with transaction.atomic():
            done += schedule_refresh(household_ids=ids)
        last_pk = ids[-1]


def _enqueue_area_refresh(area_id: int) -> None:
    schedules_refresh_area_task.enqueue(area_id)


@task()
def schedules_refresh_area_task(area_id: int) -> int:
    """The background task after a visit policy or welfare-check round changes under
    `area_id`. Defined here so that services never import casework.tasks."""
    area = Area.objects.filter(pk=area_id).first()
    return schedules_refresh_area(area=area) if area is not None else 0


def policy_interval_error(field: str) -> str:
    """The message for a missing or out-of-range interval, naming the field (the page's
    form says the same for an empty or non-numeric box)."""
    return _("%(field)s: between 1 and %(max)s days.") % {
        "field": VisitPolicy._meta.get_field(field).verbose_name,
        "max": MAX_POLICY_INTERVAL_DAYS,
    }


@transaction.atomic
def visit_policy_set(
    *, actor, area: Area, interval_days: int, vulnerable_interval_days: int, channel: str
) -> VisitPolicy:
    """Set an area's policy; the area's schedules are recomputed in the background."""
    require_role(actor, POLICY_ROLES)
    if actor.area_id is None or not area.is_within(actor.area):
        raise ValidationError({"area": _("That area is outside your own area.")})
    errors = {}
    for field, value in (
        ("interval_days", interval_days),
        ("vulnerable_interval_days", vulnerable_interval_days),
    ):
        if not 1 <= value <= MAX_POLICY_INTERVAL_DAYS:
            errors[field] = policy_interval_error(field)
    if not errors and vulnerable_interval_days > interval_days:
        errors["vulnerable_interval_days"] = _(
            "%(field)s: vulnerable households cannot be visited less often than the others."
        ) % {"field": VisitPolicy._meta.get_field("vulnerable_interval_days").verbose_name}
    if errors:
        raise ValidationError(errors)
    policy, _created = VisitPolicy.objects.update_or_create(
        area=area,
        defaults={
            "interval_days": interval_days,
            "vulnerable_interval_days": vulnerable_interval_days,
            "updated_by": actor,
        },
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="visit_policy",
        object_id=policy.pk,
        channel=channel,
        detail={"area": area.pk, "interval": interval_days, "vulnerable": vulnerable_interval_days},
    )
    transaction.on_commit(lambda: _enqueue_area_refresh(area.pk))
    return policy
