"""Every pairing-plan write: create (and queue), compute, apply, discard.

Applying keeps casework's pairing rules (casework/services/pairings.py) in bulk:
- only team leaders, supervisors and administrators, for an area inside their own;
- a household has one active pairing; re-pairing ends the old one on the day the new
  one starts (rows are never deleted or re-pointed, so history is whole);
- a worker holds at most pairing_capacity() active pairings (checked after writing,
  inside the transaction, so a breach rolls everything back);
- twinning and area rules were the optimizer's hard constraints; a plan whose
  twinnings or unit members changed since it was computed is refused as stale, and so
  is one whose households were re-paired meanwhile;
- ContactSchedule.worker follows the active pairing, and households never contacted
  get the due date counted from the new pairing (casework.services.schedule);
- one audit event per pairing ended or created, as casework writes, plus one for the
  plan, all in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from doorstep.areas.models import Area
from doorstep.casework.models import ContactSchedule, Pairing
from doorstep.casework.services.common import PAIRING_ROLES, require_role
from doorstep.casework.services.pairings import pairing_capacity
from doorstep.casework.services.schedule import schedule_refresh
from doorstep.core.bulk import bulk_insert
from doorstep.pairing import loading
from doorstep.pairing.models import (
    ChangeKind,
    PairingPlan,
    PlanCellFigure,
    PlanChange,
    PlanStatus,
)
from doorstep.pairing.optimizer import baseline
from doorstep.pairing.optimizer.flow import gap, solve
from doorstep.pairing.optimizer.problem import Params
from doorstep.privacy.models import AuditAction, AuditEvent
from doorstep.privacy.services import audit_record

log = logging.getLogger(__name__)

MAX_WEIGHT_M = 1_000_000  # 1,000 km: larger weights only overflow the costs
# Above this many households the greedy baseline is off unless asked for: it runs
# household by household and would double the time of a regional plan.
GREEDY_DEFAULT_LIMIT = 200_000


def _check_area(actor, area: Area) -> None:
    require_role(actor, PAIRING_ROLES)
    if actor.area_id is None or not area.is_within(actor.area):
        raise ValidationError({"area": _("That area is outside your own area.")})


@transaction.atomic
def plan_create(
    *,
    actor,
    area: Area,
    continuity_weight: int = 2000,
    language_penalty: int = 5000,
    skill_penalty: int = 1000,
    same_county: bool = False,
    capacity: int | None = None,
    compare_greedy: bool | None = None,
    channel: str,
    enqueue: bool = True,
) -> PairingPlan:
    """A plan for `area`, queued for computing in the background."""
    if actor is not None:
        _check_area(actor, area)
    errors = {}
    for field, value in (
        ("continuity_weight", continuity_weight),
        ("language_penalty", language_penalty),
        ("skill_penalty", skill_penalty),
    ):
        if not 0 <= value <= MAX_WEIGHT_M:
            errors[field] = _("Between 0 and %(max)s metres.") % {"max": MAX_WEIGHT_M}
    capacity = pairing_capacity() if capacity is None else capacity
    if not 1 <= capacity <= pairing_capacity():
        errors["capacity"] = _("Between 1 and %(max)s households.") % {"max": pairing_capacity()}
    if errors:
        raise ValidationError(errors)
    if compare_greedy is None:
        compare_greedy = not Area.objects.filter(
            pk=area.pk, level__in=["region", "prefecture"]
        ).exists()
    plan = PairingPlan.objects.create(
        area=area,
        created_by=actor,
        continuity_weight=continuity_weight,
        language_penalty=language_penalty,
        skill_penalty=skill_penalty,
        same_county=same_county,
        capacity=capacity,
        compare_greedy=compare_greedy,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="pairing_plan",
        object_id=plan.pk,
        channel=channel,
        detail={"area": area.pk},
    )
    if enqueue:
        transaction.on_commit(lambda: _enqueue(plan.pk))
    return plan


def _enqueue(plan_id: int) -> None:
    compute_plan.enqueue(plan_id)


@task()
def compute_plan(plan_id: int) -> None:
    """The background task: compute a queued plan (`plan_compute` claims it first, so
    a second run of the same task does nothing). Defined here, beside what it runs,
    so that services never import tasks (pairing.tasks names it for the queue)."""
    plan_compute(plan_id=plan_id)


def _set_progress(plan_id: int, progress: int, stage: str) -> None:
    # Outside any transaction of the caller's: the page polls this row while we run.
    PairingPlan.objects.filter(pk=plan_id).update(progress=min(progress, 100), stage=stage)


def plan_compute(*, plan_id: int, processes: int = 2, on_progress: Callable | None = None) -> None:
    """Compute a queued plan: load, solve, store the changes and the figures.

    Claims the plan with one UPDATE (queued → running), so two task workers never
    compute it twice. Any failure marks the plan failed with the reason; nothing of a
    failed plan can be applied.
    """
    claimed = PairingPlan.objects.filter(pk=plan_id, status=PlanStatus.QUEUED).update(
        status=PlanStatus.RUNNING, started_at=timezone.now(), progress=1, stage="load"
    )
    if not claimed:
        return
    plan = PairingPlan.objects.select_related("area").get(pk=plan_id)

    def report(progress: int, stage: str) -> None:
        _set_progress(plan_id, progress, stage)
        if on_progress is not None:
            on_progress(progress, stage)

    try:
        report(2, "load")
        loaded = loading.load(plan.area, capacity=plan.capacity)
        report(15, "solve")
        params = Params(
            continuity_weight=plan.continuity_weight,
            language_penalty=plan.language_penalty,
            skill_penalty=plan.skill_penalty,
            same_county=plan.same_county,
            processes=processes,
            baseline=plan.compare_greedy,
        )
        last = [0]

        def solved(done: int, total: int) -> None:
            pct = 15 + int(70 * done / max(total, 1))
            if pct != last[0]:
                last[0] = pct
                report(pct, "solve")

        result = solve(loaded.problem, params, progress=solved)
        report(86, "save")
        _store(plan, loaded, params, result)
    except Exception as exc:
        log.exception("pairing plan %s failed", plan_id)
        PairingPlan.objects.filter(pk=plan_id).update(
            status=PlanStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        if on_progress is not None:
            raise
        return
    report(100, "done")


@transaction.atomic
def _store(plan: PairingPlan, loaded: loading.Loaded, params: Params, result) -> None:
    p = loaded.problem
    a = result.assignment.astype(np.int64)
    cur = p.h_current.astype(np.int64)
    served = a >= 0
    was = cur >= 0
    dist_after = np.where(
        served, np.sqrt(((p.h_xy - p.w_xy[np.maximum(a, 0)]) ** 2).sum(axis=1)), 0
    )
    dist_before = np.where(
        was, np.sqrt(((p.h_xy - p.w_xy[np.maximum(cur, 0)]) ** 2).sum(axis=1)), 0
    )
    dist_after = np.nan_to_num(dist_after)
    dist_before = np.nan_to_num(dist_before)
    changed = (a != cur) | ~served
    kind = np.where(
        served & ~was,
        ChangeKind.ADD.value,
        np.where(served, ChangeKind.MOVE.value, np.where(was, ChangeKind.END.value, "unserved")),
    )
    wid = loaded.worker_ids
    hid = loaded.household_ids
    cid = loaded.cell_ids
    idx = np.flatnonzero(changed)

    def rows():
        for i in idx.tolist():
            yield (
                plan.pk,
                int(hid[i]),
                int(cid[p.h_cell[i]]),
                str(kind[i]),
                int(wid[cur[i]]) if cur[i] >= 0 else None,
                int(wid[a[i]]) if a[i] >= 0 else None,
                str(result.reason[i]),
                int(round(dist_before[i])) if cur[i] >= 0 else None,
                int(round(dist_after[i])) if a[i] >= 0 else None,
            )

    bulk_insert(
        PlanChange,
        [
            "plan",
            "household",
            "cell",
            "kind",
            "old_worker",
            "new_worker",
            "reason",
            "distance_before",
            "distance_after",
        ],
        rows(),
    )
    # Per-cell before and after, for the preview by area.
    C = p.n_cells
    cell = p.h_cell

    def count(mask) -> np.ndarray:
        return np.bincount(cell[mask], minlength=C)

    def total(values, mask) -> np.ndarray:
        return np.bincount(cell[mask], weights=values[mask], minlength=C)

    with_lang = p.h_lang != 0
    lang_before = with_lang & was & ((p.h_lang & p.w_lang[np.maximum(cur, 0)]) != 0)
    lang_after = with_lang & served & ((p.h_lang & p.w_lang[np.maximum(a, 0)]) != 0)
    per_cell = {
        "households": np.bincount(cell, minlength=C),
        "kept": count(served & (a == cur)),
        "added": count(served & ~was),
        "moved": count(served & was & (a != cur)),
        "ended": count(~served & was),
        "unserved": count(~served),
        "paired_before": count(was),
        "distance_before": total(dist_before, was),
        "distance_after": total(dist_after, served),
        "language_households": count(with_lang),
        "language_before": count(lang_before),
        "language_after": count(lang_after),
    }
    fields = ["plan", "cell", *per_cell.keys()]
    bulk_insert(
        PlanCellFigure,
        fields,
        ((plan.pk, int(cid[c]), *(int(round(per_cell[k][c])) for k in per_cell)) for c in range(C)),
    )
    served_bound = result.bound[served]
    stats = result.stats
    unserved_cost = stats["unserved_cost"]
    figures = {
        "before": baseline.figures(p, params, p.h_current),
        "after": baseline.figures(p, params, result.assignment),
        # The certificate: objectives are pairing costs (with the twinning priority)
        # plus the unserved households' cost; shown less the plan's unserved cost.
        "objective": stats["objective"] - unserved_cost,
        "bound": stats["lower_bound"] - unserved_cost,
        "certified": stats["certified"],
        "gap": stats["gap"],
        "simple_bound": int(served_bound.sum()) if len(served_bound) else 0,
        "twinning": baseline.twinning_figures(p, result.assignment, result.kept_twinned),
        "stats": stats,
        "workers": int(p.n_workers),
        "languages": loaded.languages,
        "fingerprint": loaded.fingerprint,
        "reasons": {r: int((result.reason == r).sum()) for r in set(result.reason.tolist()) if r},
    }
    if result.greedy is not None:
        figures["greedy"] = baseline.figures(p, params, result.greedy)
        figures["greedy_objective"] = result.greedy_objective - unserved_cost
        figures["greedy_gap"] = gap(
            result.greedy_objective, stats["lower_bound"], stats["objective"] - unserved_cost
        )
    PairingPlan.objects.filter(pk=plan.pk).update(
        status=PlanStatus.READY,
        figures=figures,
        certified_optimal=stats["certified"],
        certified_gap=stats["gap"],
        finished_at=timezone.now(),
    )


def _stale_count(plan: PairingPlan) -> int:
    """Households whose active pairing is no longer what the plan started from."""
    current = Pairing.objects.active().filter(household_id=OuterRef("household_id"))
    rows = (
        PlanChange.objects.filter(plan=plan)
        .annotate(now=Subquery(current.values("worker_id")[:1]))
        .values_list("old_worker_id", "now")
        .iterator(chunk_size=20000)
    )
    return sum(1 for old, now in rows if old != now)


@transaction.atomic
def plan_apply(*, actor, plan: PairingPlan, channel: str, on: dt.date | None = None) -> dict:
    """Write the plan's changes in one transaction; returns the counts."""
    if actor is not None:
        _check_area(actor, plan.area)
    plan = PairingPlan.objects.select_for_update().select_related("area").get(pk=plan.pk)
    if plan.status != PlanStatus.READY:
        raise ValidationError(
            _("Only a plan that is ready can be applied (this one is: %(status)s).")
            % {"status": plan.get_status_display()}
        )
    if loading.eligibility_fingerprint() != plan.figures.get("fingerprint"):
        raise ValidationError(
            _("Twinnings or unit members changed after the plan was computed; compute it again.")
        )
    stale = _stale_count(plan)
    if stale:
        raise ValidationError(
            _(
                "%(n)s households were paired or unpaired by someone else after the plan was "
                "computed; compute it again."
            )
            % {"n": stale}
        )
    today = on or timezone.localdate()
    changes = PlanChange.objects.filter(plan=plan)
    ending = changes.filter(kind__in=[ChangeKind.MOVE, ChangeKind.END])
    starting = changes.filter(kind__in=[ChangeKind.ADD, ChangeKind.MOVE])
    if (
        Pairing.objects.active()
        .filter(household_id__in=ending.values("household_id"), started_on__gt=today)
        .exists()
    ):
        raise ValidationError(_("A new pairing cannot start before the current one."))
    now = timezone.now()
    ended_ids = list(
        Pairing.objects.active()
        .filter(household_id__in=ending.values("household_id"))
        .values_list("pk", "household_id", "worker_id")
    )
    ended = Pairing.objects.filter(pk__in=[r[0] for r in ended_ids]).update(ended_on=today)
    # Read before writing: on PostgreSQL bulk_insert streams COPY on this connection,
    # which can run no other query until it ends.
    new_rows = [
        (w, h, today, getattr(actor, "pk", None), now)
        for h, w in starting.values_list("household_id", "new_worker_id").iterator(chunk_size=20000)
    ]
    created = bulk_insert(
        Pairing, ["worker", "household", "started_on", "created_by", "created_at"], new_rows
    )
    over = (
        Pairing.objects.active()
        .filter(worker_id__in=starting.values("new_worker_id"))
        .values("worker_id")
        .annotate(n=Count("id"))
        .filter(n__gt=pairing_capacity())
        .count()
    )
    if over:
        raise ValidationError(
            _("%(n)s workers would hold more than %(max)s households; compute the plan again.")
            % {"n": over, "max": pairing_capacity()}
        )
    # The schedule follows the active pairing (casework.services.schedule).
    ContactSchedule.objects.filter(
        household_id__in=changes.filter(kind=ChangeKind.END).values("household_id")
    ).update(worker=None)
    new_worker = PlanChange.objects.filter(plan=plan, household_id=OuterRef("household_id"))
    ContactSchedule.objects.filter(
        household_id__in=starting.values("household_id"), last_contact_at__isnull=False
    ).update(worker_id=Subquery(new_worker.values("new_worker_id")[:1]))
    # Never contacted (or no schedule yet): the due date counts from the new pairing.
    # NOT EXISTS, not NOT IN: PostgreSQL turns it into an anti-join at any size.
    contacted = ContactSchedule.objects.filter(
        household_id=OuterRef("household_id"), last_contact_at__isnull=False
    )
    fresh = list(starting.exclude(Exists(contacted)).values_list("household_id", flat=True))
    for i in range(0, len(fresh), 5000):
        schedule_refresh(household_ids=fresh[i : i + 5000], today=today)
    _audit_bulk(actor, plan, ended_ids, channel)
    counts = {"ended": ended, "created": created}
    PairingPlan.objects.filter(pk=plan.pk).update(
        status=PlanStatus.APPLIED, applied_at=now, applied_by=actor
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="pairing_plan",
        object_id=plan.pk,
        channel=channel,
        detail={"applied": counts},
    )
    return counts


def _audit_bulk(actor, plan: PairingPlan, ended: list[tuple], channel: str) -> None:
    """One audit event per pairing ended and per pairing created, as casework's
    services write them one by one, inserted in bulk."""
    actor_id = getattr(actor, "pk", None)
    now = timezone.now()
    created = Pairing.objects.active().filter(
        household_id__in=PlanChange.objects.filter(
            plan=plan, kind__in=[ChangeKind.ADD, ChangeKind.MOVE]
        ).values("household_id")
    )
    detail = '{"worker": %d, "plan": %d}'

    def rows():
        for pk, household_id, worker_id in ended:
            yield (
                now,
                actor_id,
                AuditAction.UPDATE.value,
                "pairing",
                str(pk),
                household_id,
                channel[:120],
                detail % (worker_id, plan.pk),
            )
        for pk, household_id, worker_id in created.values_list(
            "pk", "household_id", "worker_id"
        ).iterator(chunk_size=20000):
            yield (
                now,
                actor_id,
                AuditAction.CREATE.value,
                "pairing",
                str(pk),
                household_id,
                channel[:120],
                detail % (worker_id, plan.pk),
            )

    bulk_insert(
        AuditEvent,
        ["at", "actor", "action", "object_type", "object_id", "household_id", "channel", "detail"],
        list(rows()),  # read first: COPY holds the connection (see plan_apply)
    )


@transaction.atomic
def plan_discard(*, actor, plan: PairingPlan, channel: str) -> PairingPlan:
    if actor is not None:
        _check_area(actor, plan.area)
    updated = PairingPlan.objects.filter(
        pk=plan.pk, status__in=[PlanStatus.READY, PlanStatus.FAILED]
    ).update(status=PlanStatus.DISCARDED)
    if not updated:
        raise ValidationError(_("Only a plan that is ready or failed can be discarded."))
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="pairing_plan",
        object_id=plan.pk,
        channel=channel,
        detail={"discarded": True},
    )
    plan.refresh_from_db()
    return plan
