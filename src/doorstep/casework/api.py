"""/api/v1/casework: pairings, contacts and the due list, needs with their timeline,
referrals, assistance and feedback.

Every handler parses, fetches through casework.selectors (404 outside the caller's
scope, audited), calls a service, and serializes. Writes run inside
core.idempotency: the same Idempotency-Key (a client-generated UUID) twice does the
write once and answers as the first time did. A role that may see a record but not
do the write gets 403 (checked after the fetch, so a record outside the scope stays
404); a stale need version gets 409 with what changed.
"""

from __future__ import annotations

from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router

from doorstep.accounts.models import User
from doorstep.areas.selectors import area_for
from doorstep.casework import selectors, services
from doorstep.casework.api_common import CHANNEL, IdempotencyKey, _dump
from doorstep.casework.api_common import write as _write
from doorstep.casework.api_questions import router as questions_router
from doorstep.casework.api_schemas import (
    AssistanceCreateIn,
    AssistanceOut,
    AssistanceStatusIn,
    ContactCreateIn,
    ContactListQuery,
    ContactOut,
    ContactPageOut,
    DueListOut,
    EventOut,
    FeedbackIn,
    FeedbackOut,
    NeedConflictOut,
    NeedCreateIn,
    NeedDetailOut,
    NeedListQuery,
    NeedNoteIn,
    NeedOut,
    NeedPageOut,
    NeedTransitionIn,
    NeedUpdateIn,
    NotificationListQuery,
    NotificationOut,
    NotificationPageOut,
    OverdueHouseholdListOut,
    OverdueQuery,
    OverdueSummaryOut,
    OverdueSummaryQuery,
    PairingBulkIn,
    PairingCreateIn,
    PairingEndIn,
    PairingListOut,
    PairingListQuery,
    PairingOut,
    PairingPageOut,
    ReferralAcceptIn,
    ReferralActionIn,
    ReferralCreateIn,
    ReferralDeclineIn,
    ReferralListQuery,
    ReferralOut,
    ReferralPageOut,
    UnitListOut,
    VisitPolicyListOut,
    VisitPolicyOut,
    VisitPolicySetIn,
)
from doorstep.casework.api_welfare import router as welfare_router
from doorstep.casework.models import ReferralStatus
from doorstep.core.pagination import BadCursor
from doorstep.core.schemas import MAX_ID, error_responses
from doorstep.privacy.models import AuditAction
from doorstep.privacy.services import audit_list_view, audit_record

router = Router()

OVERDUE_HOUSEHOLDS_MAX = 200

NeedId = Annotated[int, Path(ge=1, le=MAX_ID, description="Need id.")]
PairingId = Annotated[int, Path(ge=1, le=MAX_ID, description="Pairing id.")]
NotificationId = Annotated[int, Path(ge=1, le=MAX_ID, description="Notification id.")]
ReferralId = Annotated[int, Path(ge=1, le=MAX_ID, description="Referral id.")]
AssistanceId = Annotated[int, Path(ge=1, le=MAX_ID, description="Assistance id.")]
AreaId = Annotated[int, Path(ge=1, le=MAX_ID, description="Area id.")]


def _household_of(item) -> int | None:
    if hasattr(item, "household_id"):
        return item.household_id
    need = getattr(item, "need", None)
    return need.household_id if need is not None else None


def _page(qs, query, *, user=None) -> dict:
    try:
        page = selectors.page_newest_first(qs, cursor=query.cursor, size=query.limit)
    except BadCursor:
        raise ValidationError(
            {"cursor": _("This cursor is not valid; start again from the first page.")}
        ) from None
    household_id = getattr(query, "household", None)
    if user is not None and page.items and not household_id:
        # A list shows people: one audit event naming the households on the page.
        audit_list_view(
            actor=user,
            object_type=f"{qs.model._meta.model_name}_list",
            household_ids=[_household_of(item) for item in page.items],
            channel=CHANNEL,
        )
    if household_id and page.items and user is not None:
        # A list filtered to one household shows part of its record: audited like
        # opening it (privacy/tests/test_audit_coverage.py walks every such read).
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            object_type="household",
            object_id=household_id,
            household_id=household_id,
            channel=CHANNEL,
            detail={"list": qs.model._meta.model_name},
        )
    return {"items": page.items, "next_cursor": page.next_cursor}


def _staff(actor, user_id: int) -> User | None:
    """The worker to pair: a staff account outside what the caller may pair answers
    exactly like one that does not exist (issue 18: no naming a Lintao worker to an
    Aksu supervisor). None for a caller who may not pair at all: the service's 403."""
    return selectors.pairable_worker_for(actor, user_id)


def _need(request, need_id: int):
    return selectors.need_for(request.auth, need_id, channel=CHANNEL)


# --- units --------------------------------------------------------------------------


@router.get("/units", response={200: UnitListOut, **error_responses()}, summary="Referral units")
def units_list(request):
    return {"items": list(selectors.units_taking_referrals())}


# --- pairings -----------------------------------------------------------------------


@router.get("/pairings", response={200: PairingPageOut, **error_responses()}, summary="Pairings")
def pairings_list(request, query: Query[PairingListQuery]):
    qs = selectors.pairings_visible_to(request.auth).select_related("worker")
    if query.household:
        qs = qs.filter(household_id=query.household)
    if query.worker:
        qs = qs.filter(worker_id=query.worker)
    if query.active is not None:
        qs = qs.filter(ended_on__isnull=query.active)
    return _page(qs, query, user=request.auth)


@router.post(
    "/pairings",
    response={201: PairingOut, **error_responses(403, 404)},
    summary="Pair a worker with a household",
)
def pairings_create(request, payload: PairingCreateIn, idempotency_key: IdempotencyKey = None):
    user = request.auth
    household = selectors.household_reachable_for(user, payload.household, channel=CHANNEL)

    def run():
        pairing = services.pairing_create(
            actor=user,
            worker=_staff(user, payload.worker),
            household=household,
            started_on=payload.started_on,
            replace=payload.replace,
            channel=CHANNEL,
        )
        return 201, _dump(PairingOut, pairing)

    return _write(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.post(
    "/pairings/bulk",
    response={201: PairingListOut, **error_responses(403)},
    summary="Pair many households with one worker",
    description="All or nothing. Households paired with someone else are re-paired.",
)
def pairings_bulk(request, payload: PairingBulkIn, idempotency_key: IdempotencyKey = None):
    user = request.auth

    def run():
        created = services.pairings_bulk_assign(
            actor=user,
            worker=_staff(user, payload.worker),
            household_ids=payload.household_ids,
            started_on=payload.started_on,
            channel=CHANNEL,
        )
        return 201, {"items": [_dump(PairingOut, p) for p in created]}

    return _write(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.post(
    "/pairings/{pairing_id}/end",
    response={200: PairingOut, **error_responses(403, 404)},
    summary="End a pairing",
)
def pairings_end(
    request, payload: PairingEndIn, pairing_id: PairingId, idempotency_key: IdempotencyKey = None
):
    user = request.auth
    pairing = selectors.pairing_for(user, pairing_id)

    def run():
        ended = services.pairing_end(
            actor=user, pairing=pairing, ended_on=payload.ended_on, channel=CHANNEL
        )
        return 200, _dump(PairingOut, ended)

    return _write(request, idempotency_key, payload.model_dump(mode="json"), run)


# --- contacts and the due list --------------------------------------------------------


@router.get("/contacts", response={200: ContactPageOut, **error_responses()}, summary="Contacts")
def contacts_list(request, query: Query[ContactListQuery]):
    qs = selectors.contacts_visible_to(request.auth).select_related("worker")
    if query.household:
        qs = qs.filter(household_id=query.household)
    return _page(qs, query, user=request.auth)


@router.post(
    "/contacts",
    response={201: ContactOut, **error_responses(403, 404)},
    summary="Log a visit or a call",
    description="Moves the household's next due date.",
)
def contacts_create(request, payload: ContactCreateIn, idempotency_key: IdempotencyKey = None):
    user = request.auth
    household = selectors.household_reachable_for(user, payload.household, channel=CHANNEL)

    def run():
        contact = services.contact_log(
            actor=user,
            household=household,
            **payload.model_dump(exclude={"household"}),
            # The key also marks the row: a phone resending after the keys' 48 hours
            # (core housekeeping) still gets the first contact back, not a second one.
            client_id=idempotency_key,
            channel=CHANNEL,
        )
        return 201, _dump(ContactOut, contact)

    return _write(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.get(
    "/due",
    response={200: DueListOut, **error_responses()},
    summary="My due list",
    description="Your paired households: overdue, due this week, later; most urgent first.",
)
def due_list(request):
    return selectors.due_list_for(request.auth, channel=CHANNEL)


@router.get(
    "/overdue-summary",
    response={200: OverdueSummaryOut, **error_responses(404)},
    summary="Overdue counts per worker and per team",
)
def overdue_summary(request, query: Query[OverdueSummaryQuery]):
    area = area_for(request.auth, query.area)
    return selectors.overdue_summary(request.auth, area, worker_limit=query.limit)


@router.get(
    "/overdue-households",
    response={200: OverdueHouseholdListOut, **error_responses(404)},
    summary="Overdue households of an area, or of one worker",
)
def overdue_households(request, query: Query[OverdueQuery]):
    area = area_for(request.auth, query.area)
    qs = selectors.overdue_households_for(request.auth, area, worker_id=query.worker)
    return {"items": list(qs[:OVERDUE_HOUSEHOLDS_MAX])}


# --- needs --------------------------------------------------------------------------


@router.get("/needs", response={200: NeedPageOut, **error_responses()}, summary="Needs")
def needs_list(request, query: Query[NeedListQuery]):
    user = request.auth
    qs = (
        selectors.escalated_needs_visible_to(user)
        if query.escalated
        else selectors.needs_visible_to(user)
    )
    if query.household:
        qs = qs.filter(household_id=query.household)
    if query.status:
        qs = qs.filter(status=query.status)
    return _page(qs.select_related("household", "owner"), query, user=request.auth)


@router.post("/needs", response={201: NeedOut, **error_responses(403, 404)}, summary="Open a need")
def needs_create(request, payload: NeedCreateIn, idempotency_key: IdempotencyKey = None):
    user = request.auth
    household = selectors.household_reachable_for(user, payload.household, channel=CHANNEL)

    def run():
        need = services.need_open(
            actor=user,
            household=household,
            **payload.model_dump(exclude={"household"}),
            client_id=idempotency_key,
            channel=CHANNEL,
        )
        return 201, _dump(NeedOut, need)

    return _write(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.get(
    "/needs/{need_id}",
    response={200: NeedDetailOut, **error_responses(404)},
    summary="A need with its timeline",
)
def needs_get(request, need_id: NeedId):
    need = _need(request, need_id)
    need.timeline = selectors.need_timeline(need)
    return need


@router.patch(
    "/needs/{need_id}",
    response={200: NeedOut, 409: NeedConflictOut, **error_responses(403, 404)},
    summary="Change a need",
    description="Send the `version` you read. If someone saved in between: 409 with the "
    "current need and the fields changed since your version; nothing is overwritten.",
)
def needs_update(
    request, payload: NeedUpdateIn, need_id: NeedId, idempotency_key: IdempotencyKey = None
):
    user = request.auth
    need = _need(request, need_id)

    def run():
        data = payload.model_dump(exclude_unset=True)
        version = data.pop("version")
        updated = services.need_update(
            actor=user, need=need, expected_version=version, channel=CHANNEL, **data
        )
        return 200, _dump(NeedOut, updated)

    return _write(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.post(
    "/needs/{need_id}/transitions",
    response={200: NeedOut, 409: NeedConflictOut, **error_responses(403, 404)},
    summary="Move a need along its life cycle",
    description="open → acknowledge → start → resolve → confirm (by the resident), or "
    "reopen a resolved need. An action the status does not allow answers 422.",
)
def needs_transition(
    request, payload: NeedTransitionIn, need_id: NeedId, idempotency_key: IdempotencyKey = None
):
    user = request.auth
    need = _need(request, need_id)

    def run():
        moved = services.need_transition(
            actor=user,
            need=need,
            action=payload.action,
            expected_version=payload.version,
            note=payload.note,
            channel=CHANNEL,
        )
        return 200, _dump(NeedOut, moved)

    return _write(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.post(
    "/needs/{need_id}/notes",
    response={201: EventOut, **error_responses(403, 404)},
    summary="Add a note to a need's timeline",
)
def needs_note(
    request, payload: NeedNoteIn, need_id: NeedId, idempotency_key: IdempotencyKey = None
):
    user = request.auth
    need = _need(request, need_id)

    def run():
        event = services.need_add_note(actor=user, need=need, note=payload.note, channel=CHANNEL)
        return 201, _dump(EventOut, event)

    return _write(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.post(
    "/needs/{need_id}/referrals",
    response={201: ReferralOut, **error_responses(403, 404)},
    summary="Refer a need to a department or service provider",
)
def needs_refer(
    request, payload: ReferralCreateIn, need_id: NeedId, idempotency_key: IdempotencyKey = None
):
    user = request.auth
    need = _need(request, need_id)

    def run():
        unit = selectors.units_taking_referrals().filter(pk=payload.unit).first()
        if unit is None:
            raise ValidationError(
                {"unit": _("There is no unit with this id that takes referrals.")}
            )
        referral = services.referral_create(
            actor=user,
            need=need,
            unit=unit,
            note=payload.note,
            due_at=payload.due_at,
            resident_agreed=payload.resident_agreed,
            channel=CHANNEL,
        )
        return 201, _dump(ReferralOut, referral)

    return _write(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.post(
    "/needs/{need_id}/assistance",
    response={201: AssistanceOut, **error_responses(403, 404)},
    summary="Record help given for a need",
)
def needs_assistance(
    request, payload: AssistanceCreateIn, need_id: NeedId, idempotency_key: IdempotencyKey = None
):
    user = request.auth
    need = _need(request, need_id)

    def run():
        data = {k: ("" if v is None else v) for k, v in payload.model_dump().items()}
        data["amount"] = payload.amount
        data["given_on"] = payload.given_on
        assistance = services.assistance_record(actor=user, need=need, channel=CHANNEL, **data)
        return 201, _dump(AssistanceOut, assistance)

    return _write(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.post(
    "/assistance/{assistance_id}/status",
    response={200: AssistanceOut, **error_responses(403, 404)},
    summary="Move a benefit application: applied → approved or rejected → paid",
)
def assistance_status(
    request,
    payload: AssistanceStatusIn,
    assistance_id: AssistanceId,
    idempotency_key: IdempotencyKey = None,
):
    user = request.auth
    assistance = selectors.assistance_for(user, assistance_id)

    def run():
        updated = services.assistance_set_status(
            actor=user,
            assistance=assistance,
            status=payload.benefit_status,
            amount=payload.amount,
            channel=CHANNEL,
        )
        return 200, _dump(AssistanceOut, updated)

    return _write(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.post(
    "/needs/{need_id}/feedback",
    response={201: FeedbackOut, **error_responses(403, 404)},
    summary="Record the resident's satisfaction with a resolved need",
)
def needs_feedback(
    request, payload: FeedbackIn, need_id: NeedId, idempotency_key: IdempotencyKey = None
):
    user = request.auth
    need = _need(request, need_id)

    def run():
        feedback = services.feedback_record(
            actor=user,
            need=need,
            satisfaction=payload.satisfaction,
            comment=payload.comment,
            channel=CHANNEL,
        )
        return 201, _dump(FeedbackOut, feedback)

    return _write(request, idempotency_key, payload.model_dump(mode="json"), run)


# --- referrals ----------------------------------------------------------------------


@router.get(
    "/referrals",
    response={200: ReferralPageOut, **error_responses()},
    summary="Referrals (a responder's inbox)",
)
def referrals_list(request, query: Query[ReferralListQuery]):
    qs = selectors.referrals_visible_to(request.auth).select_related(
        "need", "need__household", "unit"
    )
    if query.status:
        qs = qs.filter(status=query.status)
    if query.overdue:
        qs = qs.filter(
            status__in=[ReferralStatus.SENT, ReferralStatus.ACCEPTED], due_at__lt=timezone.now()
        )
    return _page(qs, query, user=request.auth)


@router.get(
    "/referrals/{referral_id}",
    response={200: ReferralOut, **error_responses(404)},
    summary="A referral",
)
def referrals_get(request, referral_id: ReferralId):
    return selectors.referral_for(request.auth, referral_id, channel=CHANNEL)


def _referral_write(request, referral_id: int, key, payload, act) -> HttpResponse:
    user = request.auth
    referral = selectors.referral_for(user, referral_id, channel=CHANNEL)

    def run():
        return 200, _dump(ReferralOut, act(user, referral))

    return _write(request, key, payload.model_dump(mode="json"), run)


@router.post(
    "/referrals/{referral_id}/accept",
    response={200: ReferralOut, **error_responses(403, 404)},
    summary="Accept a referral (responders of the unit)",
)
def referrals_accept(
    request,
    payload: ReferralAcceptIn,
    referral_id: ReferralId,
    idempotency_key: IdempotencyKey = None,
):
    return _referral_write(
        request,
        referral_id,
        idempotency_key,
        payload,
        lambda user, r: services.referral_accept(
            actor=user, referral=r, note=payload.note, channel=CHANNEL
        ),
    )


@router.post(
    "/referrals/{referral_id}/decline",
    response={200: ReferralOut, **error_responses(403, 404)},
    summary="Decline a referral, with the reason",
)
def referrals_decline(
    request,
    payload: ReferralDeclineIn,
    referral_id: ReferralId,
    idempotency_key: IdempotencyKey = None,
):
    return _referral_write(
        request,
        referral_id,
        idempotency_key,
        payload,
        lambda user, r: services.referral_decline(
            actor=user, referral=r, reason=payload.reason, channel=CHANNEL
        ),
    )


@router.post(
    "/referrals/{referral_id}/actions",
    response={200: ReferralOut, **error_responses(403, 404)},
    summary="Record what the unit did",
)
def referrals_action(
    request,
    payload: ReferralActionIn,
    referral_id: ReferralId,
    idempotency_key: IdempotencyKey = None,
):
    return _referral_write(
        request,
        referral_id,
        idempotency_key,
        payload,
        lambda user, r: services.referral_record_action(
            actor=user,
            referral=r,
            note=payload.note,
            completed=payload.completed,
            final=payload.final,
            channel=CHANNEL,
        ),
    )


# --- notifications -------------------------------------------------------------------


@router.get(
    "/notifications",
    response={200: NotificationPageOut, **error_responses()},
    summary="Your notifications, newest first",
)
def notifications_list(request, query: Query[NotificationListQuery]):
    qs = selectors.notifications_for(request.auth).select_related("need", "referral__unit")
    if query.unread:
        qs = qs.filter(read_at__isnull=True)
    return {**_page(qs, query), "unread": selectors.unread_notification_count(request.auth)}


@router.post(
    "/notifications/{notification_id}/read",
    response={200: NotificationOut, **error_responses(404)},
    summary="Mark one of your notifications read",
)
def notifications_read(request, notification_id: NotificationId):
    notification = selectors.notification_for(request.auth, notification_id)
    services.notification_mark_read(actor=request.auth, notification=notification)
    return notification


# --- visit policies -------------------------------------------------------------------


@router.get(
    "/visit-policies",
    response={200: VisitPolicyListOut, **error_responses(404)},
    summary="Visit policies of your area",
    description="For team leaders, supervisors and administrators; 404 for other roles.",
)
def visit_policies_list(request):
    return {"items": selectors.visit_policies_for(request.auth)}


@router.put(
    "/visit-policies/{area_id}",
    response={200: VisitPolicyOut, **error_responses(403, 404)},
    summary="Set an area's visit policy",
    description="Supervisors and administrators (team leaders get 403). The area's due "
    "dates are recomputed in the background.",
)
def visit_policies_set(
    request, payload: VisitPolicySetIn, area_id: AreaId, idempotency_key: IdempotencyKey = None
):
    user = request.auth
    area = selectors.policy_area_for(user, area_id)

    def run():
        policy = services.visit_policy_set(
            actor=user, area=area, **payload.model_dump(), channel=CHANNEL
        )
        return 200, _dump(VisitPolicyOut, selectors.PolicyRow.of(policy, area=area))

    return _write(request, idempotency_key, payload.model_dump(mode="json"), run)


# Welfare-check rounds and checks: /api/v1/casework/welfare (casework/api_welfare.py).

router.add_router("/welfare", welfare_router)

# Question templates: /api/v1/casework/question-templates (casework/api_questions.py).

router.add_router("/question-templates", questions_router)
