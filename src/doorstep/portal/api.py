"""/api/v1/portal: the resident portal for apps. Sign in with POST /codes (a code by
SMS) then POST /sessions (phone + code) for a bearer token; every other operation
takes that token and answers for the resident's own household only (404 otherwise).
Staff tokens and sessions are not accepted here, and portal tokens nowhere else."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Header, Path, Router, Schema
from ninja.security import HttpBearer

from doorstep.core.idempotency import HEADER, HEADER_DESCRIPTION, idempotent
from doorstep.core.schemas import MAX_ID, ErrorOut, Text, error_responses
from doorstep.portal import auth, selectors, services
from doorstep.privacy.selectors import (
    answered_correction_requests,
    consent_state,
    open_correction_requests,
)


class PortalAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        resident = auth.session_resident(token)
        if resident is not None:
            request.portal_token = token
        return resident


# Stated for clients (core.openapi); auth.clean_phone is the rule (+86 and spaces too).
MOBILE_PATTERN = "^(\\+86)?1[3-9][0-9]{9}$"

router = Router(auth=PortalAuth())
NeedId = Annotated[int, Path(ge=1, le=MAX_ID, description="Need id.")]
THROTTLED = {429: ErrorOut}


def _channel(name: str) -> str:
    return f"api:v1:portal:{name}"


# --- sign-in ------------------------------------------------------------------------


class PortalCodeRequestIn(Schema):
    phone: Text = Field(
        max_length=20,
        description="The resident's 11-digit mobile number.",
        json_schema_extra={"pattern": MOBILE_PATTERN},
    )


class PortalDetailOut(Schema):
    detail: str


class PortalSessionIn(Schema):
    phone: Text = Field(max_length=20, json_schema_extra={"pattern": MOBILE_PATTERN})
    code: Text = Field(
        max_length=6,
        description="The 6-digit code from the SMS.",
        json_schema_extra={"pattern": "^[0-9]{6}$"},
    )


class PortalSessionOut(Schema):
    token: str = Field(description="Bearer token for the other portal operations. Shown once.")
    expires_at: dt.datetime


def _throttled(exc: auth.Throttled):
    return 429, {"detail": exc.message, "errors": [{"field": "phone", "message": exc.message}]}


IdempotencyKey = Annotated[UUID | None, Header(alias=HEADER, description=HEADER_DESCRIPTION)]


def _portal_write(request, key, payload: Schema, run) -> JsonResponse:
    """A resident's write with an Idempotency-Key, as staff writes (core.idempotency):
    a replay returns the first answer and writes nothing. Keys are per resident."""
    status, body, replayed = idempotent(
        user=None,
        resident_id=request.auth.pk,
        key=key,
        endpoint=f"{request.method} {request.path}",
        payload=payload.model_dump(mode="json"),
        run=run,
    )
    response = JsonResponse(body, status=status)
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


@router.post(
    "/codes",
    auth=None,
    response={202: PortalDetailOut, **error_responses(), **THROTTLED},
    summary="Send a sign-in code by SMS",
    description="The answer is the same whether or not the number is in the registry. "
    "At most one code a minute and five an hour per number (429).",
)
def codes_create(request, payload: PortalCodeRequestIn):
    try:
        auth.code_request(phone=payload.phone)
    except auth.Throttled as exc:
        return _throttled(exc)
    return 202, {"detail": _("If this number is in our records, a code is on its way.")}


@router.post(
    "/sessions",
    auth=None,
    response={201: PortalSessionOut, **error_responses()},
    summary="Sign in with the code",
    description="A code is valid for 5 minutes, once, and allows 5 wrong tries.",
)
def sessions_create(request, payload: PortalSessionIn):
    resident = auth.code_verify(phone=payload.phone, code=payload.code)
    token, session = auth.session_start(resident=resident)
    return 201, {"token": token, "expires_at": session.expires_at}


@router.delete(
    "/sessions/current",
    response={204: None, **error_responses()},
    summary="Sign out (the token stops working)",
)
def sessions_delete(request):
    auth.session_end(request.portal_token)
    return HttpResponse(status=204)


# --- the household's record -----------------------------------------------------------


class PortalMemberOut(Schema):
    id: int
    name: str
    relationship: str
    sex: str
    birth_date: dt.date | None
    phone: str
    id_number_last4: str

    @staticmethod
    def resolve_id_number_last4(obj) -> str:
        return (obj.id_number or "")[-4:]


class PortalHouseholdOut(Schema):
    id: int
    household_no: str
    area: str
    address: str
    phone: str
    languages: str
    annual_income: str | None
    vulnerabilities: list[str]
    members: list[PortalMemberOut]
    paired_worker: str
    paired_worker_phone: str


@router.get(
    "/household",
    response={200: PortalHouseholdOut, **error_responses()},
    summary="The resident's household record",
)
def household_get(request):
    resident = request.auth
    household = selectors.own_household(resident, channel=_channel("household"))
    worker = selectors.paired_worker(resident)
    return {
        "id": household.pk,
        "household_no": household.household_no,
        "area": household.area.name,
        "address": household.address,
        "phone": household.phone,
        "languages": household.languages,
        "annual_income": (
            str(household.annual_income) if household.annual_income is not None else None
        ),
        "vulnerabilities": [v.category for v in household.every_vulnerability],
        "members": list(household.residents.all()),
        "paired_worker": f"{worker.last_name}{worker.first_name}".strip() if worker else "",
        "paired_worker_phone": worker.phone if worker else "",
    }


# Staff notes stay staff's; the resident reads the words of a resolution and their own.
_NOTES_SHOWN = frozenset({"resolved", "disputed", "resolve_asked"})


class PortalNeedEventOut(Schema):
    kind: str
    at: dt.datetime
    to_status: str
    note: str

    @staticmethod
    def resolve_note(obj) -> str:
        return obj.shown_note if obj.kind in _NOTES_SHOWN else ""


class PortalNeedOut(Schema):
    id: int
    category: str
    title: str
    description: str
    status: str
    opened_at: dt.datetime
    timeline: list[PortalNeedEventOut]
    rated: bool

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.shown_title

    @staticmethod
    def resolve_description(obj) -> str:
        return obj.shown_description

    @staticmethod
    def resolve_timeline(obj) -> list:
        return list(obj.events.all())

    @staticmethod
    def resolve_rated(obj) -> bool:
        return any(f.cycle == obj.cycle for f in obj.feedback.all())


class PortalNeedListOut(Schema):
    items: list[PortalNeedOut]


@router.get(
    "/needs",
    response={200: PortalNeedListOut, **error_responses()},
    summary="The household's needs and where each stands",
)
def needs_list(request):
    resident = request.auth
    selectors.own_household(resident, channel=_channel("needs"))
    return {"items": list(selectors.own_needs(resident)[:100])}


@router.get(
    "/needs/{need_id}",
    response={200: PortalNeedOut, **error_responses(404)},
    summary="One need with its timeline",
)
def needs_get(request, need_id: NeedId):
    return selectors.own_need(request.auth, need_id, channel=_channel("need"))


class PortalNeedIn(Schema):
    category: str = Field(description="casework need category, e.g. housing")
    title: Text = Field(max_length=200)
    description: Text = Field("", max_length=4000)


@router.post(
    "/needs",
    response={201: PortalNeedOut, **error_responses()},
    summary="Ask for help: a new need for the household's worker",
)
def needs_create(request, payload: PortalNeedIn, idempotency_key: IdempotencyKey = None):
    resident = request.auth

    def run():
        need = services.resident_need_submit(
            resident=resident, channel=_channel("needs_create"), **payload.dict()
        )
        shown = selectors.own_need(resident, need.pk, channel=_channel("needs_create"))
        return 201, PortalNeedOut.from_orm(shown).model_dump(mode="json")

    return _portal_write(request, idempotency_key, payload, run)


class PortalFeedbackIn(Schema):
    satisfaction: int = Field(ge=1, le=5)
    comment: Text = Field("", max_length=2000)


class PortalFeedbackOut(Schema):
    need: int = Field(alias="need_id")
    satisfaction: int
    comment: str


@router.post(
    "/needs/{need_id}/feedback",
    response={201: PortalFeedbackOut, **error_responses(404)},
    summary="Rate the help received on a resolved need (once per cycle)",
)
def feedback_create(
    request, need_id: NeedId, payload: PortalFeedbackIn, idempotency_key: IdempotencyKey = None
):
    resident = request.auth
    need = selectors.own_need(resident, need_id, channel=_channel("feedback"))

    def run():
        feedback = services.resident_feedback_give(
            resident=resident, need=need, channel=_channel("feedback"), **payload.dict()
        )
        return 201, PortalFeedbackOut.from_orm(feedback).model_dump(mode="json")

    return _portal_write(request, idempotency_key, payload, run)


class PortalNeedConfirmIn(Schema):
    """Nothing to say: the need is solved."""


class PortalNeedDisputeIn(Schema):
    words: Text = Field(min_length=1, max_length=2000, description="What is still not solved.")


@router.post(
    "/needs/{need_id}/confirm",
    response={200: PortalNeedOut, **error_responses(404)},
    summary="Confirm that a resolved need is solved",
)
def needs_confirm(
    request, need_id: NeedId, payload: PortalNeedConfirmIn, idempotency_key: IdempotencyKey = None
):
    resident = request.auth
    need = selectors.own_need(resident, need_id, channel=_channel("need_confirm"))

    def run():
        services.resident_need_confirm(
            resident=resident, need=need, channel=_channel("need_confirm")
        )
        shown = selectors.own_needs(resident).get(pk=need.pk)
        return 200, PortalNeedOut.from_orm(shown).model_dump(mode="json")

    return _portal_write(request, idempotency_key, payload, run)


@router.post(
    "/needs/{need_id}/dispute",
    response={200: PortalNeedOut, **error_responses(404)},
    summary="Say a resolved need is not solved: it reopens with your words",
)
def needs_dispute(
    request, need_id: NeedId, payload: PortalNeedDisputeIn, idempotency_key: IdempotencyKey = None
):
    resident = request.auth
    need = selectors.own_need(resident, need_id, channel=_channel("need_dispute"))

    def run():
        services.resident_need_dispute(
            resident=resident, need=need, words=payload.words, channel=_channel("need_dispute")
        )
        shown = selectors.own_needs(resident).get(pk=need.pk)
        return 200, PortalNeedOut.from_orm(shown).model_dump(mode="json")

    return _portal_write(request, idempotency_key, payload, run)


class PortalContactOut(Schema):
    occurred_at: dt.datetime
    kind: str
    worker: str

    @staticmethod
    def resolve_worker(obj) -> str:
        return f"{obj.worker.last_name}{obj.worker.first_name}".strip() if obj.worker else ""


class PortalContactListOut(Schema):
    items: list[PortalContactOut]


@router.get(
    "/contacts",
    response={200: PortalContactListOut, **error_responses()},
    summary="Visits and calls to the household, newest first",
)
def contacts_list(request):
    resident = request.auth
    selectors.own_household(resident, channel=_channel("contacts"))
    return {"items": selectors.own_contacts(resident)}


class PortalOpeningOut(Schema):
    at: dt.datetime
    who: str = Field(description="A worker by name, other staff by role, or the system.")
    role: str
    action: str
    what: str = Field(description="What was opened or changed (household, member, need...).")
    channel: str


class PortalOpeningListOut(Schema):
    items: list[PortalOpeningOut]


@router.get(
    "/record-openings",
    response={200: PortalOpeningListOut, **error_responses()},
    summary="Who opened or changed the household's record, and when",
    description="Workers and team leaders by name, other staff by role.",
)
def openings_list(request):
    return {"items": selectors.record_openings(request.auth)}


class PortalConsentOut(Schema):
    purpose: str
    given: bool
    since: dt.datetime | None


class PortalConsentListOut(Schema):
    items: list[PortalConsentOut]


class PortalConsentIn(Schema):
    purpose: Literal["contacts", "data_use"]
    given: bool


def _consents(resident) -> dict:
    return {"items": consent_state(resident.household_id)}


@router.get(
    "/consent", response={200: PortalConsentListOut, **error_responses()}, summary="Your consent"
)
def consent_get(request):
    return _consents(request.auth)


@router.put(
    "/consent",
    response={200: PortalConsentListOut, **error_responses()},
    summary="Give or withdraw consent",
    description="Withdrawing consent to `contacts` stops scheduled visits and calls. "
    "Idempotent: sending the current answer again records nothing.",
)
def consent_put(request, payload: PortalConsentIn, idempotency_key: IdempotencyKey = None):
    resident = request.auth

    def run():
        services.resident_consent_set(
            resident=resident,
            purpose=payload.purpose,
            given=payload.given,
            channel=_channel("consent"),
        )
        return 200, PortalConsentListOut.model_validate(
            _consents(resident), from_attributes=True
        ).model_dump(mode="json")

    return _portal_write(request, idempotency_key, payload, run)


class PortalCorrectionIn(Schema):
    message: Text = Field(max_length=2000)


class PortalCorrectionOut(Schema):
    id: int
    message: str
    status: str
    created_at: dt.datetime
    answer: str


class PortalCorrectionListOut(Schema):
    items: list[PortalCorrectionOut]


@router.post(
    "/corrections",
    response={201: PortalCorrectionOut, **error_responses()},
    summary="Ask for a correction of the record",
)
def corrections_create(
    request, payload: PortalCorrectionIn, idempotency_key: IdempotencyKey = None
):
    def run():
        correction = services.resident_correction_ask(
            resident=request.auth, message=payload.message, channel=_channel("corrections")
        )
        return 201, PortalCorrectionOut.from_orm(correction).model_dump(mode="json")

    return _portal_write(request, idempotency_key, payload, run)


@router.get(
    "/corrections",
    response={200: PortalCorrectionListOut, **error_responses()},
    summary="Your correction requests: those still open, then those answered",
)
def corrections_list(request):
    household_id = request.auth.household_id
    return {
        "items": [
            *open_correction_requests(household_id),
            *answered_correction_requests(household_id),
        ]
    }
