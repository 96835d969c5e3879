"""/api/v1/monitoring: poverty status, proposals and the decision procedure, help
measures and reviews, county settings, figures.

Every handler fetches through selectors (404 outside the caller's scope, audited),
calls a service and serializes. Writes run inside core.idempotency. Answers: a step
out of order 409, a role or level that may not take it 403, bad input 422 naming the
field — all in the API's one error shape.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, Path, Query, Router

from doorstep.areas.models import AreaLevel
from doorstep.areas.selectors import area_for
from doorstep.core.idempotency import HEADER, HEADER_DESCRIPTION, idempotent_response
from doorstep.core.schemas import MAX_ID, error_responses
from doorstep.monitoring import api_schemas as s
from doorstep.monitoring import rules, selectors, services
from doorstep.monitoring.models import (
    OPEN_STAGES,
    MonitoringLine,
    PovertyStatus,
    Proposal,
    ProposalSource,
)
from doorstep.privacy.services import audit_list_view
from doorstep.registry.selectors import household_for

router = Router()

CHANNEL = "api:v1:monitoring"
IdempotencyKey = Annotated[UUID | None, Header(alias=HEADER, description=HEADER_DESCRIPTION)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _reader(request) -> None:
    if not selectors.can_read(request.auth):
        raise Http404


def _write(request, key, payload, run):
    try:
        return idempotent_response(request, key, payload, run)
    except services.StepRefused as exc:
        return JsonResponse({"detail": exc.message, "errors": []}, status=409)


def _user_name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _codes(value: str) -> list[str]:
    return [c for c in value.split(",") if c]


def proposal_out(p: Proposal, *, detail: bool = False) -> dict:
    out = {
        "id": p.pk,
        "household_id": p.household_id,
        "household_no": p.household.household_no,
        "kind": p.kind,
        "source": p.source,
        "stage": p.stage,
        "stage_label": str(p.get_stage_display()),
        "monitoring_type": p.monitoring_type,
        "risk_kinds": _codes(p.risk_kinds),
        "figures_year": p.figures_year,
        "income_per_person": p.income_per_person,
        "monitoring_line": p.monitoring_line,
        "medical_spending": p.medical_spending,
        "events": p.events,
        "note": p.shown_note,
        "proposed_by": _user_name(p.proposed_by)
        if p.proposed_by_id
        else (p.proposed_by_resident.name if p.proposed_by_resident_id else ""),
        "notice_starts_on": p.notice_starts_on,
        "notice_ends_on": p.notice_ends_on,
        "created_at": p.created_at,
        "decided_at": p.decided_at,
        "returned_reason": p.returned_reason,
        "steps": [],
        "objections": [],
    }
    if detail:
        d = selectors.proposal_detail(p)
        out["steps"] = [
            {
                "id": st.pk,
                "stage": st.stage,
                "decision": st.decision,
                "reason": st.reason,
                "meeting_on": st.meeting_on,
                "attendees": st.attendees,
                "actor": _user_name(st.actor),
                "at": st.at,
                "previous": st.previous,
            }
            for st in d["steps"]
        ]
        out["objections"] = [
            {"id": o.pk, "received_on": o.received_on, "summary": o.summary}
            for o in d["objections"]
        ]
    return out


def _json(schema, data) -> dict:
    return schema.model_validate(data).model_dump(mode="json")


def _household_out(household) -> dict:
    m = selectors.household_monitoring(household)
    st = m["status"]
    return {
        "household_id": household.pk,
        "household_no": household.household_no,
        "status": {
            "status": m["status_value"],
            "status_label": str(PovertyStatus(m["status_value"]).label),
            "lifted_year": st.lifted_year if st else None,
            "monitored_since": st.monitored_since if st else None,
            "monitoring_type": st.monitoring_type if st else "",
            "risk_kinds": _codes(st.risk_kinds) if st else [],
            "risk_removed_on": st.risk_removed_on if st else None,
            "risk_removed_reason": st.risk_removed_reason if st else "",
            "next_review_on": st.next_review_on if st else None,
        },
        "history": [
            {
                "status": c.status,
                "lifted_year": c.lifted_year,
                "monitoring_type": c.monitoring_type,
                "risk_kinds": _codes(c.risk_kinds),
                "effective_on": c.effective_on,
                "reason": c.reason,
                "proposal_id": c.proposal_id,
                "changed_by": _user_name(c.changed_by),
            }
            for c in m["history"]
        ],
        "figures": m["figures"],
        "proposals": [proposal_out(p) for p in m["proposals"]],
        "measures": [
            {
                "id": x.pk,
                "kind": x.kind,
                "record_id": x.need_id
                or x.assistance_id
                or x.placement_id
                or x.enrolment_id
                or x.loan_id,
                "description": x.description,
                "started_on": x.started_on,
            }
            for x in m["measures"]
        ],
        "reviews": [
            {"id": r.pk, "reviewed_on": r.reviewed_on, "note": r.note} for r in m["reviews"]
        ],
    }


@router.get(
    "/households/{household_id}",
    response={200: s.MonitoringHouseholdOut, **error_responses(404)},
    summary="A household's poverty status, history, figures, proposals and help",
)
def household_get(request, household_id: PathId):
    _reader(request)
    household = household_for(request.auth, household_id, channel=CHANNEL)
    return _household_out(household)


@router.put(
    "/households/{household_id}/status",
    response={200: s.MonitoringStatusOut, **error_responses(403, 404, 409)},
    summary="Record never registered or lifted out of poverty (year)",
)
def household_status_set(
    request,
    household_id: PathId,
    payload: s.MonitoringStatusIn,
    idempotency_key: IdempotencyKey = None,
):
    _reader(request)
    household = household_for(request.auth, household_id, channel=CHANNEL)

    def run():
        services.status_set(
            actor=request.auth,
            household=household,
            status=payload.status,
            lifted_year=payload.lifted_year,
            reason=payload.reason,
            channel=CHANNEL,
        )
        return 200, _household_out(household)["status"]

    return _write(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.post(
    "/households/{household_id}/proposals",
    response={201: s.MonitoringProposalOut, **error_responses(403, 404, 409)},
    summary="Propose a household for monitoring, or its risk for removal",
)
def proposal_create(
    request,
    household_id: PathId,
    payload: s.MonitoringProposalIn,
    idempotency_key: IdempotencyKey = None,
):
    _reader(request)
    household = household_for(request.auth, household_id, channel=CHANNEL)

    def run():
        p = services.proposal_create(
            actor=request.auth,
            household=household,
            kind=payload.kind,
            source=ProposalSource.WORKER,
            monitoring_type=payload.monitoring_type,
            risk_kinds=payload.risk_kinds,
            note=payload.note,
            channel=CHANNEL,
        )
        return 201, _json(s.MonitoringProposalOut, proposal_out(p, detail=True))

    return _write(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.get(
    "/proposals",
    response={200: s.MonitoringProposalListOut, **error_responses()},
    summary="Proposals in the caller's scope, in progress first",
)
def proposals_list(request, query: Query[s.MonitoringProposalListQuery]):
    qs = selectors.proposals_visible_to(request.auth).select_related(
        "household", "proposed_by", "proposed_by_resident"
    )
    if query.stage == "open":
        qs = qs.filter(stage__in=OPEN_STAGES)
    elif query.stage:
        qs = qs.filter(stage=query.stage)
    proposals = list(qs.order_by("-created_at", "-pk")[: query.limit])
    audit_list_view(
        actor=request.auth,
        object_type="monitoring_proposal_list",
        household_ids=[p.household_id for p in proposals],
        channel=CHANNEL,
    )
    return {"items": [proposal_out(p) for p in proposals]}


@router.get(
    "/proposals/{proposal_id}",
    response={200: s.MonitoringProposalOut, **error_responses(404)},
    summary="A proposal with its steps and objections",
)
def proposal_get(request, proposal_id: PathId):
    p = selectors.proposal_for(request.auth, proposal_id, channel=CHANNEL)
    return proposal_out(p, detail=True)


@router.post(
    "/proposals/{proposal_id}/steps",
    response={201: s.MonitoringProposalOut, **error_responses(403, 404, 409)},
    summary="Take the proposal's current step: agree, or return it with a reason",
)
def step_take(
    request,
    proposal_id: PathId,
    payload: s.MonitoringStepIn,
    idempotency_key: IdempotencyKey = None,
):
    p = selectors.proposal_for(request.auth, proposal_id, channel=CHANNEL)

    def run():
        services.step_take(
            actor=request.auth,
            proposal=p,
            stage=payload.stage,
            decision=payload.decision,
            reason=payload.reason,
            meeting_on=payload.meeting_on,
            attendees=payload.attendees,
            monitoring_type=payload.monitoring_type,
            channel=CHANNEL,
        )
        p.refresh_from_db()
        return 201, _json(s.MonitoringProposalOut, proposal_out(p, detail=True))

    return _write(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.post(
    "/proposals/{proposal_id}/resubmit",
    response={201: s.MonitoringProposalOut, **error_responses(403, 404, 409)},
    summary="Amend a returned proposal and send it back into the procedure",
    description=(
        "The step that returned it takes it again (the notice again when the monitoring "
        "type changes after the notice); the history keeps the steps and what the "
        "proposal said before."
    ),
)
def proposal_resubmit(
    request,
    proposal_id: PathId,
    payload: s.MonitoringResubmitIn,
    idempotency_key: IdempotencyKey = None,
):
    p = selectors.proposal_for(request.auth, proposal_id, channel=CHANNEL)

    def run():
        services.proposal_resubmit(
            actor=request.auth,
            proposal=p,
            reason=payload.reason,
            monitoring_type=payload.monitoring_type,
            risk_kinds=payload.risk_kinds,
            note=payload.note,
            channel=CHANNEL,
        )
        p.refresh_from_db()
        return 201, _json(s.MonitoringProposalOut, proposal_out(p, detail=True))

    return _write(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.post(
    "/proposals/{proposal_id}/objections",
    response={201: s.MonitoringObjectionOut, **error_responses(403, 404, 409)},
    summary="Record an objection to the public notice",
)
def objection_create(
    request,
    proposal_id: PathId,
    payload: s.MonitoringObjectionIn,
    idempotency_key: IdempotencyKey = None,
):
    p = selectors.proposal_for(request.auth, proposal_id, channel=CHANNEL)

    def run():
        o = services.objection_record(
            actor=request.auth,
            proposal=p,
            received_on=payload.received_on,
            summary=payload.summary,
            channel=CHANNEL,
        )
        return 201, {"id": o.pk, "received_on": o.received_on.isoformat(), "summary": o.summary}

    return _write(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.post(
    "/households/{household_id}/help",
    response={201: s.MonitoringMeasureOut, **error_responses(403, 404, 409)},
    summary="Record a help measure for a monitored household",
)
def measure_create(
    request,
    household_id: PathId,
    payload: s.MonitoringMeasureIn,
    idempotency_key: IdempotencyKey = None,
):
    _reader(request)
    household = household_for(request.auth, household_id, channel=CHANNEL)

    def run():
        m = services.measure_record(
            actor=request.auth,
            household=household,
            kind=payload.kind,
            record_id=payload.record_id,
            description=payload.description,
            started_on=payload.started_on,
            channel=CHANNEL,
        )
        return 201, {
            "id": m.pk,
            "kind": m.kind,
            "record_id": payload.record_id if m.kind != "other" else None,
            "description": m.description,
            "started_on": m.started_on.isoformat(),
        }

    return _write(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.post(
    "/households/{household_id}/reviews",
    response={201: s.MonitoringReviewOut, **error_responses(403, 404, 409)},
    summary="Record a review of a monitored household",
)
def review_create(
    request,
    household_id: PathId,
    payload: s.MonitoringReviewIn,
    idempotency_key: IdempotencyKey = None,
):
    _reader(request)
    household = household_for(request.auth, household_id, channel=CHANNEL)

    def run():
        r = services.review_record(
            actor=request.auth,
            household=household,
            reviewed_on=payload.reviewed_on,
            note=payload.note,
            channel=CHANNEL,
        )
        return 201, {"id": r.pk, "reviewed_on": r.reviewed_on.isoformat(), "note": r.note}

    return _write(request, idempotency_key, payload.model_dump(mode="json"), run)


def _county(request, county_id: int):
    county = area_for(request.auth, county_id)
    if county.level != AreaLevel.COUNTY:
        raise Http404
    return county


def _policy_out(county) -> dict:
    p = rules.policy_for(county)
    return {
        "county_id": county.pk,
        "village_review": p.village_review,
        "township_review": p.township_review,
        "notice_days": p.notice_days,
        "stable_years": p.stable_years,
        "review_days": p.review_days,
        "lines": {
            str(y): str(a)
            for y, a in MonitoringLine.objects.filter(county=county).values_list("year", "amount")
        },
    }


@router.get(
    "/counties/{county_id}/settings",
    response={200: s.MonitoringPolicyOut, **error_responses(404)},
    summary="A county's procedure settings and monitoring lines",
)
def policy_get(request, county_id: PathId):
    _reader(request)
    return _policy_out(_county(request, county_id))


@router.put(
    "/counties/{county_id}/settings",
    response={200: s.MonitoringPolicyOut, **error_responses(403, 404)},
    summary="Set which levels decide, the notice period and review cadence",
)
def policy_put(
    request,
    county_id: PathId,
    payload: s.MonitoringPolicyIn,
    idempotency_key: IdempotencyKey = None,
):
    _reader(request)
    county = _county(request, county_id)

    def run():
        services.policy_update(actor=request.auth, county=county, channel=CHANNEL, **payload.dict())
        return 200, _policy_out(county)

    return _write(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.put(
    "/counties/{county_id}/lines",
    response={200: s.MonitoringPolicyOut, **error_responses(403, 404)},
    summary="Set the county's monitoring line for a year",
)
def line_put(
    request, county_id: PathId, payload: s.MonitoringLineIn, idempotency_key: IdempotencyKey = None
):
    _reader(request)
    county = _county(request, county_id)

    def run():
        services.line_set(
            actor=request.auth,
            county=county,
            year=payload.year,
            amount=payload.amount,
            channel=CHANNEL,
        )
        return 200, _policy_out(county)

    return _write(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.get(
    "/figures",
    response={200: s.MonitoringFiguresOut, **error_responses(404)},
    summary="Monitoring figures of an area (analysts: counts under 5 read <5)",
)
def figures_get(request, query: Query[s.MonitoringFiguresQuery]):
    area = selectors.figures_area(request.auth, query.area)
    today = timezone.localdate()
    start = query.start or today.replace(month=1, day=1)
    end = query.end or today
    if (
        end < start
        or (end - start) > dt.timedelta(days=3660)
        or start.year < 2000
        or end.year > 2100
    ):
        raise ValidationError({"end": _("The period must end after it starts, within ten years.")})
    f = selectors.figures(request.auth, area, start=start, end=end)
    return {
        "area_id": area.pk,
        "start": start,
        "end": end,
        "suppressed": f["suppressed"],
        "by_status": [
            {"key": r["status"], "label": str(r["label"]), "count": r["count"]}
            for r in f["by_status"]
        ],
        "by_type": [
            {"key": r["type"], "label": str(r["label"]), "count": r["count"]} for r in f["by_type"]
        ],
        **{
            k: f[k]
            for k in (
                "new_monitored",
                "risk_removed",
                "refused",
                "notices_with_objections",
                "median_days_to_decision",
                "median_days_to_first_help",
            )
        },
    }
