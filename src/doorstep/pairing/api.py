"""/api/v1/pairing: pairing plans (create, progress, preview by area, changes, apply,
discard), a worker's visit route, and the work-team proposal.

Reads go through pairing.selectors (404 outside the caller's scope); writes through
pairing.services, inside core.idempotency like casework's writes.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Field, Header, Path, Query, Router, Schema

from doorstep.core.idempotency import HEADER, HEADER_DESCRIPTION, idempotent_response
from doorstep.core.schemas import MAX_ID, error_responses
from doorstep.pairing import reads, selectors, services
from doorstep.pairing.models import PlanStatus, UnservedReason

router = Router()
CHANNEL = "api:v1:pairing"
CHANGES_MAX = 500

IdempotencyKey = Annotated[UUID | None, Header(alias=HEADER, description=HEADER_DESCRIPTION)]
PlanId = Annotated[int, Path(ge=1, le=MAX_ID, description="Plan id.")]


class PlanCreateIn(Schema):
    area: int = Field(ge=1, le=MAX_ID, description="Area to re-pair (inside your own).")
    continuity_weight: int = Field(2000, ge=0, le=services.MAX_WEIGHT_M)
    language_penalty: int = Field(5000, ge=0, le=services.MAX_WEIGHT_M)
    skill_penalty: int = Field(1000, ge=0, le=services.MAX_WEIGHT_M)
    same_county: bool = False
    capacity: int | None = Field(None, ge=1, le=10_000)
    compare_greedy: bool | None = None


class PlanOut(Schema):
    id: int
    area: int
    area_name: str
    status: PlanStatus
    progress: int
    stage: str
    continuity_weight: int
    language_penalty: int
    skill_penalty: int
    same_county: bool
    capacity: int
    compare_greedy: bool
    certified_optimal: bool | None = Field(
        None, description="Proved optimal over every eligible pairing (dual prices)."
    )
    certified_gap: float | None = Field(
        None, description="At most this share above the optimum (0: proved optimal)."
    )
    figures: dict[str, Any]
    error: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    applied_at: dt.datetime | None


class PlanListOut(Schema):
    items: list[PlanOut]


class PreviewQuery(Schema):
    area: int | None = Field(None, ge=1, le=MAX_ID, description="Break down this area.")


class AreaRowOut(Schema):
    area_id: int
    name: str
    households: int
    kept: int
    added: int
    moved: int
    ended: int
    unserved: int
    distance_before: int
    distance_after: int
    language_households: int
    language_before: int
    language_after: int


class PreviewOut(Schema):
    plan: PlanOut
    areas: list[AreaRowOut]


class ChangesQuery(Schema):
    area: int | None = Field(None, ge=1, le=MAX_ID)
    limit: int = Field(100, ge=1, le=CHANGES_MAX)


class ChangeOut(Schema):
    household: int
    household_no: str
    cell: int
    kind: str
    old_worker: int | None
    new_worker: int | None
    reason: str
    reason_text: str
    distance_before: int | None
    distance_after: int | None


class ChangeListOut(Schema):
    items: list[ChangeOut]


class ApplyIn(Schema):
    confirm: bool = Field(description="Must be true: the changes are written at once.")


class ApplyOut(Schema):
    plan: PlanOut
    ended: int
    created: int


class RouteQuery(Schema):
    worker: int | None = Field(None, ge=1, le=MAX_ID, description="Default: yourself.")


class StopOut(Schema):
    household: int
    household_no: str
    head_name: str
    next_due_on: dt.date
    latitude: float
    longitude: float
    leg_m: int


class RouteOut(Schema):
    worker: int
    base: list[float] | None
    stops: list[StopOut]
    unlocated: list[int]
    length_m: int
    due_order_length_m: int
    method: str
    more: int


class TeamQuery(Schema):
    area: int | None = Field(None, ge=1, le=MAX_ID)
    team_max: int = Field(3, ge=1, le=50)


class MatchOut(Schema):
    member: int
    member_name: str
    village: int
    village_name: str
    covers: list[dict[str, Any]]
    distance_m: int | None
    explanation: str


class TeamOut(Schema):
    status: str
    message: str
    matches: list[MatchOut]
    uncovered: dict[int, list[str]]
    unassigned: list[int]
    coverage: float


def _plan_out(plan) -> dict:
    figures = dict(plan.figures or {})
    figures.pop("fingerprint", None)
    return {
        "id": plan.pk,
        "area": plan.area_id,
        "area_name": plan.area.name,
        "status": plan.status,
        "progress": plan.progress,
        "stage": plan.stage,
        "continuity_weight": plan.continuity_weight,
        "language_penalty": plan.language_penalty,
        "skill_penalty": plan.skill_penalty,
        "same_county": plan.same_county,
        "capacity": plan.capacity,
        "compare_greedy": plan.compare_greedy,
        "certified_optimal": plan.certified_optimal,
        "certified_gap": plan.certified_gap,
        "figures": figures,
        "error": plan.error,
        "created_at": plan.created_at,
        "finished_at": plan.finished_at,
        "applied_at": plan.applied_at,
    }


def _json(schema, data) -> dict:
    return schema(**data).model_dump(mode="json")


@router.get("/plans", response={200: PlanListOut, **error_responses()}, summary="Pairing plans")
def plans_list(request):
    plans = selectors.plans_visible_to(request.auth).select_related("area").order_by("-pk")[:50]
    return {"items": [_plan_out(p) for p in plans]}


@router.post(
    "/plans",
    response={202: PlanOut, **error_responses(403, 404)},
    summary="Compute a pairing plan for an area",
    description="Queued and computed in the background; poll GET /plans/{id} for progress.",
)
def plans_create(request, payload: PlanCreateIn, idempotency_key: IdempotencyKey = None):
    user = request.auth
    area = selectors.plan_area_for(user, payload.area)

    def run():
        plan = services.plan_create(
            actor=user,
            area=area,
            channel=CHANNEL,
            **payload.model_dump(exclude={"area"}),
        )
        plan.refresh_from_db()
        return 202, _json(PlanOut, _plan_out(plan))

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.get(
    "/plans/{plan_id}", response={200: PreviewOut, **error_responses(404)}, summary="A plan"
)
def plans_get(request, plan_id: PlanId, query: Query[PreviewQuery]):
    plan = selectors.plan_for(request.auth, plan_id)
    parent = selectors.plan_area_for(request.auth, query.area) if query.area else None
    if parent is not None and not parent.is_within(plan.area):
        parent = None
    rows = selectors.plan_preview(plan, parent=parent) if plan.is_finished else []
    return {"plan": _plan_out(plan), "areas": [r.__dict__ for r in rows]}


@router.get(
    "/plans/{plan_id}/changes",
    response={200: ChangeListOut, **error_responses(404)},
    summary="The households a plan changes",
)
def plans_changes(request, plan_id: PlanId, query: Query[ChangesQuery]):
    plan = selectors.plan_for(request.auth, plan_id)
    area = selectors.plan_area_for(request.auth, query.area) if query.area else None
    items = []
    reasons = dict(UnservedReason.choices)
    for c in selectors.plan_changes(plan, area=area)[: query.limit]:
        items.append(
            {
                "household": c.household_id,
                "household_no": c.household.household_no,
                "cell": c.cell_id,
                "kind": c.kind,
                "old_worker": c.old_worker_id,
                "new_worker": c.new_worker_id,
                "reason": c.reason,
                "reason_text": str(reasons.get(c.reason, "")),
                "distance_before": c.distance_before,
                "distance_after": c.distance_after,
            }
        )
    return {"items": items}


@router.post(
    "/plans/{plan_id}/apply",
    response={200: ApplyOut, **error_responses(403, 404)},
    summary="Apply a plan",
    description="One transaction: old pairings end today, new ones start today.",
)
def plans_apply(request, payload: ApplyIn, plan_id: PlanId, idempotency_key: IdempotencyKey = None):
    user = request.auth
    plan = selectors.plan_for(user, plan_id)

    def run():
        if not payload.confirm:
            from django.core.exceptions import ValidationError

            raise ValidationError({"confirm": _("Confirm to apply the plan.")})
        counts = services.plan_apply(actor=user, plan=plan, channel=CHANNEL)
        plan.refresh_from_db()
        return 200, _json(ApplyOut, {"plan": _plan_out(plan), **counts})

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.post(
    "/plans/{plan_id}/discard",
    response={200: PlanOut, **error_responses(403, 404)},
    summary="Discard a plan",
)
def plans_discard(request, plan_id: PlanId, idempotency_key: IdempotencyKey = None):
    user = request.auth
    plan = selectors.plan_for(user, plan_id)

    def run():
        done = services.plan_discard(actor=user, plan=plan, channel=CHANNEL)
        return 200, _json(PlanOut, _plan_out(done))

    return idempotent_response(request, idempotency_key, {}, run)


@router.get(
    "/route",
    response={200: RouteOut, **error_responses(404)},
    summary="A worker's visit route",
    description="Overdue and this week's visits in the shortest order from the worker's base; "
    "never longer than visiting them in due order.",
)
def route_get(request, query: Query[RouteQuery]):
    worker = selectors.route_worker_for(request.auth, query.worker)
    r = reads.worker_route(worker)
    return {
        "worker": worker.pk,
        "base": list(r.base) if r.base else None,
        "stops": [
            {
                "household": s.household_id,
                "household_no": s.household_no,
                "head_name": s.head_name,
                "next_due_on": s.next_due_on,
                "latitude": s.latitude,
                "longitude": s.longitude,
                "leg_m": s.leg_m,
            }
            for s in r.stops
        ],
        "unlocated": [row.household_id for row in r.unlocated],
        "length_m": r.length_m,
        "due_order_length_m": r.due_order_length_m,
        "method": r.method,
        "more": r.more,
    }


def explain(match) -> str:
    from doorstep.pairing.models import DevelopmentNeed

    labels = dict(DevelopmentNeed.choices)
    if not match.covers:
        return _("No stated need matches; sent so that the village has a member.")
    parts = [
        _("%(need)s (priority %(priority)s, %(years)s years)")
        % {"need": labels.get(n, n), "priority": p, "years": y}
        for n, p, y in match.covers
    ]
    return _("Covers: %(needs)s.") % {"needs": "; ".join(parts)}


@router.get(
    "/teams",
    response={200: TeamOut, **error_responses(404)},
    summary="Proposed work teams for the villages of an area",
)
def teams_get(request, query: Query[TeamQuery]):
    from doorstep.pairing import teams as teams_mod

    area = selectors.team_area_for(request.auth, query.area)
    p = reads.team_proposal(area, team_max=query.team_max)
    return {
        "status": p.status,
        "message": team_message(p),
        "matches": [
            {
                "member": m.member.id,
                "member_name": m.member.name,
                "village": m.village.id,
                "village_name": m.village.name,
                "covers": [{"need": n, "priority": pr, "years": y} for n, pr, y in m.covers],
                "distance_m": m.distance_m,
                "explanation": explain(m),
            }
            for m in p.matches
        ],
        "uncovered": p.uncovered,
        "unassigned": [m.id for m in p.unassigned],
        "coverage": round(teams_mod.coverage(p), 4),
    }


def team_message(p) -> str:
    if p.message == "members_short":
        return _(
            "There are fewer candidate members than villages with needs: every village "
            "must get at least one member. Add members' skills or fewer villages."
        )
    if p.message == "village_unreachable":
        return _("Some village has no candidate member who could be sent there.")
    if p.message == "solver":
        return _("No assignment was found within the time limit.")
    if p.status == "feasible":
        return _("The best assignment found within the time limit (not proven optimal).")
    return ""
