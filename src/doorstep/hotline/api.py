"""/api/v1/hotline: who is on duty, caller lookup, call intake and its life cycle, the
board, rosters, gaps and swaps, patrol hazards (multipart, with a photo).

Handlers parse, fetch through hotline.selectors (404 outside the caller's scope), call a
service and serialize. Creates run inside core.idempotency (Idempotency-Key).
"""

from __future__ import annotations

import hashlib
from typing import Annotated
from uuid import UUID

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Header, Path, Query, Router
from ninja.files import UploadedFile

from doorstep.areas.selectors import area_for
from doorstep.core.idempotency import HEADER, HEADER_DESCRIPTION, idempotent_response
from doorstep.core.schemas import MAX_ID, error_responses
from doorstep.hotline import selectors, services
from doorstep.hotline.api_schemas import (
    BoardOut,
    CallbackIn,
    CallCreateIn,
    CallDetailOut,
    CallerOut,
    CallOut,
    DispatchIn,
    DispatchOut,
    GapListOut,
    GapQuery,
    HazardCreateIn,
    HazardListOut,
    HazardOut,
    OnDutyOut,
    ReopenIn,
    SafetyStepIn,
    ShiftIn,
    ShiftOut,
    StepIn,
    SwapDecisionIn,
    SwapIn,
    SwapOut,
)
from doorstep.hotline.models import HazardStatus, Patrol, Responder
from doorstep.hotline.services.calls import safety_step_label

router = Router()
CHANNEL = "api:v1:hotline"

IdempotencyKey = Annotated[UUID | None, Header(alias=HEADER, description=HEADER_DESCRIPTION)]
CallId = Annotated[int, Path(ge=1, le=MAX_ID, description="Call id.")]
ObjId = Annotated[int, Path(ge=1, le=MAX_ID, description="Record id.")]


def call_body(call) -> dict:
    return CallOut(
        **{
            f: getattr(call, f)
            for f in CallOut.model_fields
            if f not in ("dispatches", "safety_steps", "categories")
        },
        categories=call.category_list,
        dispatches=[_dispatch_body(d) for d in call.dispatches.select_related("responder")],
        safety_steps=[
            {
                "code": s.code,
                "label": safety_step_label(call.category, s.code),
                "done_at": s.done_at,
            }
            for s in call.safety_steps.all()
        ],
    ).model_dump(mode="json")


def _dispatch_body(d) -> dict:
    return {
        "id": d.pk,
        "responder_id": d.responder_id,
        "responder": d.responder.name,
        "status": d.status,
        "dispatched_at": d.dispatched_at,
        "acknowledged_at": d.acknowledged_at,
        "arrived_at": d.arrived_at,
        "resolved_at": d.resolved_at,
    }


@router.get("/on-duty", response={200: list[OnDutyOut], **error_responses()})
def on_duty(request: HttpRequest):
    """Who is on duty now, in every office. Any signed-in account may ask."""
    return [
        {
            "office_id": s.office_id,
            "office": s.office.name,
            "office_phone": s.office.phone,
            "officer": s.officer.get_full_name() or s.officer.username,
            "officer_phone": s.officer.phone,
            "role": s.role,
            "starts_at": s.starts_at,
            "ends_at": s.ends_at,
        }
        for s in services.on_duty_now()
    ]


@router.get("/callers", response={200: list[CallerOut], **error_responses()})
def callers(
    request: HttpRequest,
    phone: Annotated[str, Query(max_length=40)] = "",
    name: Annotated[str, Query(max_length=64)] = "",
):
    """Residents with this phone number, then those whose name matches `name` (any
    part of it, its pinyin or initials, its Latin spelling), among those the officer
    may read; at most ten."""
    return [
        {
            "resident_id": r.pk,
            "name": r.name,
            "household_id": r.household_id,
            "household_no": r.household.household_no,
            "area": r.household.area.name,
        }
        for r in selectors.callers_matching(request.auth, phone=phone, name=name, channel=CHANNEL)
    ]


@router.post("/calls", response={201: CallOut, **error_responses(403, 404)})
def call_create(
    request: HttpRequest, payload: CallCreateIn, idempotency_key: IdempotencyKey = None
):
    user = request.auth
    office = selectors.office_for(user, payload.office_id)
    resident = (
        selectors.resident_caller_for(user, payload.caller_resident_id)
        if payload.caller_resident_id
        else None
    )
    place = area_for(user, payload.place_area_id) if payload.place_area_id else None

    def run():
        data = payload.model_dump(exclude={"office_id", "caller_resident_id", "place_area_id"})
        call = services.call_take(
            actor=user,
            office=office,
            caller_resident=resident,
            place_area=place,
            channel=CHANNEL,
            **data,
        )
        return 201, call_body(call)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.get("/calls", response={200: BoardOut, **error_responses(404)})
def board(request: HttpRequest, office_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None):
    """The board: open calls, escalated first, then the soonest deadline."""
    office = selectors.office_for(request.auth, office_id) if office_id else None
    return {
        "items": [
            {
                "id": c.pk,
                "status": c.status,
                "category": c.category,
                "categories": c.category_list,
                "urgency": c.urgency,
                "received_at": c.received_at,
                "resolve_due_at": c.resolve_due_at,
                "escalated": c.escalated,
                "responders": [d.responder.name for d in c.board_dispatches],
            }
            for c in selectors.board_calls(request.auth, office=office)
        ]
    }


@router.get("/calls/{call_id}", response={200: CallDetailOut, **error_responses(404)})
def call_detail(request: HttpRequest, call_id: CallId):
    call = selectors.call_for(request.auth, call_id, channel=CHANNEL)
    body = call_body(call)
    body["events"] = [{"kind": e.kind, "at": e.at, "note": e.note} for e in call.events.all()]
    return CallDetailOut(**body).model_dump(mode="json")


@router.post("/calls/{call_id}/dispatch", response={201: DispatchOut, **error_responses(403, 404)})
def call_dispatch(
    request, call_id: CallId, payload: DispatchIn, idempotency_key: IdempotencyKey = None
):
    call = selectors.call_for(request.auth, call_id, channel=CHANNEL)
    responder = Responder.objects.filter(pk=payload.responder_id, office_id=call.office_id).first()
    if responder is None:
        raise ValidationError({"responder_id": _("Choose a responder of this office.")})

    def run():
        d = services.call_dispatch(
            actor=request.auth, call=call, responder=responder, note=payload.note, channel=CHANNEL
        )
        return 201, _dispatch_body(d)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.post("/calls/{call_id}/safety-steps", response={200: CallOut, **error_responses(403, 404)})
def safety_step(request, call_id: CallId, payload: SafetyStepIn):
    call = selectors.call_for(request.auth, call_id, channel=CHANNEL)

    def run():
        services.safety_step_done(actor=request.auth, call=call, code=payload.code, channel=CHANNEL)
        return 200, call_body(call)

    return idempotent_response(request, None, None, run)


@router.post(
    "/dispatches/{dispatch_id}/steps", response={200: DispatchOut, **error_responses(403, 404)}
)
def dispatch_step(request, dispatch_id: ObjId, payload: StepIn):
    """The responder acknowledges, arrives, resolves; each step is time-stamped."""
    dispatch = selectors.dispatch_for(request.auth, dispatch_id)

    def run():
        d = services.dispatch_step(
            actor=request.auth,
            dispatch=dispatch,
            step=payload.step,
            note=payload.note,
            channel=CHANNEL,
        )
        return 200, _dispatch_body(d)

    return idempotent_response(request, None, None, run)


@router.post("/calls/{call_id}/callback", response={200: CallOut, **error_responses(403, 404)})
def callback(request, call_id: CallId, payload: CallbackIn):
    call = selectors.call_for(request.auth, call_id, channel=CHANNEL)

    def run():
        c = services.call_callback(
            actor=request.auth,
            call=call,
            outcome=payload.outcome,
            note=payload.note,
            channel=CHANNEL,
        )
        return 200, call_body(c)

    return idempotent_response(request, None, None, run)


@router.post("/calls/{call_id}/reopen", response={200: CallOut, **error_responses(403, 404)})
def reopen(request, call_id: CallId, payload: ReopenIn):
    call = selectors.call_for(request.auth, call_id, channel=CHANNEL)

    def run():
        c = services.call_reopen(actor=request.auth, call=call, note=payload.note, channel=CHANNEL)
        return 200, call_body(c)

    return idempotent_response(request, None, None, run)


@router.post("/shifts", response={201: ShiftOut, **error_responses(403, 404)})
def shift_create(request, payload: ShiftIn, idempotency_key: IdempotencyKey = None):
    office = selectors.office_for(request.auth, payload.office_id)
    officer = get_user_model().objects.filter(pk=payload.officer_id, is_active=True).first()

    def run():
        s = services.shift_plan(
            actor=request.auth,
            office=office,
            officer=officer,
            starts_at=payload.starts_at,
            ends_at=payload.ends_at,
            role=payload.role,
            channel=CHANNEL,
        )
        return 201, ShiftOut.from_orm(s).model_dump(mode="json")

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.get("/offices/{office_id}/gaps", response={200: GapListOut, **error_responses(404)})
def gaps(request, office_id: ObjId, query: Query[GapQuery]):
    """Hours not covered by enough officers, merged into ranges."""
    office = selectors.office_for(request.auth, office_id)
    found = services.coverage_gaps(
        office=office, start=query.start, end=query.end, needed=query.needed
    )
    return {"items": [g.__dict__ for g in found]}


@router.post("/shifts/{shift_id}/swaps", response={201: SwapOut, **error_responses(403, 404)})
def swap_create(request, shift_id: ObjId, payload: SwapIn, idempotency_key: IdempotencyKey = None):
    shift = selectors.shift_for(request.auth, shift_id)
    replacement = get_user_model().objects.filter(pk=payload.replacement_id, is_active=True).first()

    def run():
        s = services.swap_request(
            actor=request.auth,
            shift=shift,
            replacement=replacement,
            reason=payload.reason,
            channel=CHANNEL,
        )
        return 201, SwapOut.from_orm(s).model_dump(mode="json")

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.post("/swaps/{swap_id}/decision", response={200: SwapOut, **error_responses(403, 404)})
def swap_decision(request, swap_id: ObjId, payload: SwapDecisionIn):
    swap = selectors.swap_for(request.auth, swap_id)

    def run():
        s = services.swap_decide(
            actor=request.auth, swap=swap, approve=payload.approve, channel=CHANNEL
        )
        return 200, SwapOut.from_orm(s).model_dump(mode="json")

    return idempotent_response(request, None, None, run)


HAZARD_PAGE = 50


def hazard_body(h) -> dict:
    return HazardOut(
        **{f: getattr(h, f) for f in HazardOut.model_fields if f != "photo_url"},
        photo_url=reverse("hotline:hazard_photo", args=[h.pk]) if h.photo else None,
    ).model_dump(mode="json")


@router.get("/hazards", response={200: HazardListOut, **error_responses(404)})
def hazards(
    request,
    office_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    status: Annotated[HazardStatus | None, Query()] = None,
    before_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
):
    """Hazards found on patrol in the caller's offices, newest first, 50 a page."""
    qs = selectors.hazards_visible_to(request.auth)
    if office_id:
        qs = qs.filter(office=selectors.office_for(request.auth, office_id))
    if status:
        qs = qs.filter(status=status)
    if before_id:
        qs = qs.filter(pk__lt=before_id)
    rows = list(qs.order_by("-pk")[: HAZARD_PAGE + 1])
    more = len(rows) > HAZARD_PAGE
    rows = rows[:HAZARD_PAGE]
    # JsonResponse, as for the create: the same timestamps to the microsecond whichever
    # endpoint answers (ninja's encoder would cut them to milliseconds).
    return JsonResponse(
        {"items": [hazard_body(h) for h in rows], "next_before_id": rows[-1].pk if more else None}
    )


@router.get("/hazards/{hazard_id}", response={200: HazardOut, **error_responses(404)})
def hazard_detail(request, hazard_id: ObjId):
    return JsonResponse(hazard_body(selectors.hazard_for(request.auth, hazard_id)))


@router.post("/hazards", response={201: HazardOut, **error_responses(403, 404, 413)})
def hazard_create(
    request,
    data: Form[HazardCreateIn],
    photo: File[UploadedFile] = None,
    idempotency_key: IdempotencyKey = None,
):
    """Multipart form: the fields below and an optional `photo` (JPEG, PNG or WebP,
    at most 8 MB, checked by its content). Replay-safe with an Idempotency-Key."""
    user = request.auth
    office = selectors.office_for(user, data.office_id)
    place = None
    if data.place_area_id:
        try:
            place = area_for(user, data.place_area_id)
        except Http404:
            raise ValidationError(
                {"place_area_id": _("There is no area with this id in your area.")}
            ) from None
    patrol = None
    if data.patrol_id:
        patrol = Patrol.objects.filter(
            pk=data.patrol_id, office=office, walker_id=getattr(user, "pk", None)
        ).first()
        if patrol is None:
            raise ValidationError({"patrol_id": _("This is not your patrol.")})
    # The replay check covers the photo too: its digest joins the form fields.
    payload = data.model_dump(mode="json")
    if photo is not None:
        digest = hashlib.sha256()
        for chunk in photo.chunks():
            digest.update(chunk)
        payload["photo_sha256"] = digest.hexdigest()

    def run():
        h = services.hazard_record(
            actor=user,
            office=office,
            kind=data.kind,
            description=data.description,
            photo=photo,
            place_area=place,
            address=data.address,
            latitude=data.latitude.strip() or None,
            longitude=data.longitude.strip() or None,
            patrol=patrol,
            channel=CHANNEL,
        )
        return 201, hazard_body(h)

    return idempotent_response(request, idempotency_key, payload, run)


@router.post("/hazards/{hazard_id}/call", response={200: CallOut, **error_responses(403, 404)})
def hazard_call(request, hazard_id: ObjId):
    """Turn the hazard into a call (then dispatched like any other). Asking twice
    answers the same call."""
    hazard = selectors.hazard_for(request.auth, hazard_id)

    def run():
        return 200, call_body(
            services.hazard_to_call(actor=request.auth, hazard=hazard, channel=CHANNEL)
        )

    return idempotent_response(request, None, None, run)
