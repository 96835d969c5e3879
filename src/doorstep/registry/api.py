"""/api/v1/households: households and their residents.

Every handler parses, calls a selector or a service, and serializes. Reads go through
registry.selectors (404 outside the caller's scope, audited); writes through
registry.services inside core.idempotency, so that a replayed write (same
Idempotency-Key) does nothing twice and answers as the first time did.

Writes answer with a JsonResponse built from the output schema: the same JSON is
stored for replays, so the first answer and a replay carry the same data (key order
may differ: PostgreSQL's jsonb does not keep it).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Header, Path, Query, Router
from ninja.errors import HttpError

from doorstep.areas.models import Area
from doorstep.areas.selectors import area_for
from doorstep.core.idempotency import HEADER, HEADER_DESCRIPTION, idempotent
from doorstep.core.pagination import BadCursor
from doorstep.core.schemas import MAX_ID, Text, error_responses
from doorstep.registry.api_schemas import (
    ConflictOut,
    HouseholdCreateIn,
    HouseholdListQuery,
    HouseholdOut,
    HouseholdPageOut,
    HouseholdUpdateIn,
    ResidentConflictOut,
    ResidentCreateIn,
    ResidentOut,
    ResidentUpdateIn,
)
from doorstep.registry.selectors import (
    household_by_number_for,
    household_for,
    household_page,
    resident_for,
)
from doorstep.registry.services import (
    HOUSEHOLD_FIELDS,
    RESIDENT_FIELDS,
    ConcurrencyConflict,
    household_create,
    household_update,
    resident_create,
    resident_delete,
    resident_update,
)
from doorstep.registry.validators import normalize_languages, normalize_phone

router = Router()

CHANNEL = "api:v1:households"
# Errors the head's fields can raise in household_create; they are named "head.<field>".
_HEAD_ONLY_FIELDS = frozenset(RESIDENT_FIELDS) - frozenset(HOUSEHOLD_FIELDS)


IdempotencyKey = Annotated[UUID | None, Header(alias=HEADER, description=HEADER_DESCRIPTION)]
HouseholdId = Annotated[int, Path(ge=1, le=MAX_ID, description="Household id.")]
ResidentId = Annotated[int, Path(ge=1, le=MAX_ID, description="Resident id.")]
HouseholdNoPath = Annotated[
    Text, Path(min_length=1, max_length=32, description="Household number.")
]


def _require_editor(user) -> None:
    # Checked after the record is fetched, so a record outside the scope stays a 404.
    if not user.can_edit_registry:
        raise HttpError(403, _("Your role may not change household records."))


def _area_in_scope(user, area_id: int) -> Area:
    try:
        return area_for(user, area_id)
    except Http404:
        raise ValidationError({"area": _("There is no area with this id in your area.")}) from None


def _write(
    request: HttpRequest, key: UUID | None, payload: Any, run: Callable[[], tuple[int, Any]]
) -> HttpResponse:
    status, body, replayed = idempotent(
        user=request.auth,
        key=key,
        endpoint=f"{request.method} {request.path}",
        payload=payload,
        run=run,
    )
    response = HttpResponse(status=204) if status == 204 else JsonResponse(body, status=status)
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def _dump(schema, obj) -> dict:
    return schema.from_orm(obj).model_dump(mode="json")


# --- households --------------------------------------------------------------------


@router.get(
    "",
    response={200: HouseholdPageOut, **error_responses()},
    summary="List households",
    description="Households in the caller's area, ordered by household number, one keyset "
    "page at a time (no totals).",
)
def households_list(request, filters: Query[HouseholdListQuery]):
    user = request.auth
    area = _area_in_scope(user, filters.area) if filters.area else None
    try:
        page = household_page(
            user,
            q=filters.q,
            area=area,
            vulnerability=filters.vulnerability or "",
            cursor=filters.cursor,
            size=filters.limit,
            channel=CHANNEL,
        )
    except BadCursor:
        raise ValidationError(
            {"cursor": _("This cursor is not valid; start again from the first page.")}
        ) from None
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post(
    "",
    response={201: HouseholdOut, **error_responses(400, 403)},
    summary="Create a household with its head",
)
def households_create(request, payload: HouseholdCreateIn, idempotency_key: IdempotencyKey = None):
    user = request.auth
    _require_editor(user)

    def run() -> tuple[int, dict]:
        data = payload.service_fields()
        head = data.pop("head")
        vulnerabilities = data.pop("vulnerabilities", [])
        data["area"] = _area_in_scope(user, data["area"])
        try:
            household = household_create(
                actor=user, head=head, vulnerabilities=vulnerabilities, channel=CHANNEL, **data
            )
        except ValidationError as exc:
            raise _name_head_fields(exc) from None
        return 201, _dump(HouseholdOut, household)

    return _write(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.get(
    "/by-number/{household_no}",
    response={200: HouseholdOut, **error_responses(404)},
    summary="Open a household by its number",
)
def households_by_number(
    request,
    household_no: HouseholdNoPath,
):
    return household_by_number_for(request.auth, household_no, channel=CHANNEL)


@router.get(
    "/{household_id}",
    response={200: HouseholdOut, **error_responses(404)},
    summary="Open a household",
)
def households_get(request, household_id: HouseholdId):
    return household_for(request.auth, household_id, channel=CHANNEL)


@router.patch(
    "/{household_id}",
    response={200: HouseholdOut, 409: ConflictOut, **error_responses(400, 403, 404)},
    summary="Change a household",
    description="Send only the fields to change, with the `version` you read. If someone "
    "saved in between, the answer is 409 with the current record: nothing is overwritten.",
)
def households_update(
    request,
    payload: HouseholdUpdateIn,
    household_id: HouseholdId,
    idempotency_key: IdempotencyKey = None,
):
    user = request.auth
    household = household_for(user, household_id, channel=CHANNEL)
    _require_editor(user)
    sent = payload.service_fields()

    def run() -> tuple[int, dict]:
        data = dict(sent)
        version = data.pop("version")
        vulnerabilities = data.pop("vulnerabilities", None)
        if "area" in data:
            data["area"] = _area_in_scope(user, data["area"])
        updated = household_update(
            actor=user,
            household=household,
            expected_version=version,
            channel=CHANNEL,
            vulnerabilities=vulnerabilities,
            **data,
        )
        return 200, _dump(HouseholdOut, updated)

    try:
        return _write(request, idempotency_key, payload.model_dump(mode="json"), run)
    except ConcurrencyConflict as conflict:
        body = {
            "detail": _("Someone else changed this household after you read it."),
            "errors": [],
            "current": _dump(HouseholdOut, conflict.current),
            "changed_fields": _differing_fields(conflict.current, sent),
        }
        return JsonResponse(body, status=409)


# --- residents ---------------------------------------------------------------------


@router.post(
    "/{household_id}/residents",
    response={201: ResidentOut, **error_responses(400, 403, 404)},
    summary="Add a resident to a household",
)
def residents_create(
    request,
    payload: ResidentCreateIn,
    household_id: HouseholdId,
    idempotency_key: IdempotencyKey = None,
):
    user = request.auth
    household = household_for(user, household_id, channel=CHANNEL)
    _require_editor(user)

    def run() -> tuple[int, dict]:
        resident = resident_create(
            actor=user, household=household, channel=CHANNEL, **payload.service_fields()
        )
        return 201, _dump(ResidentOut, resident)

    return _write(request, idempotency_key, payload.model_dump(mode="json"), run)


def _resident_of(user, household_id: int, resident_id: int):
    resident = resident_for(user, resident_id, channel=CHANNEL)
    if resident.household_id != household_id:
        raise Http404
    return resident


@router.patch(
    "/{household_id}/residents/{resident_id}",
    response={200: ResidentOut, 409: ResidentConflictOut, **error_responses(400, 403, 404)},
    summary="Change a resident",
    description="Send only the fields to change, with the `version` you read. If someone "
    "saved in between, the answer is 409 with the current record: nothing is overwritten.",
)
def residents_update(
    request,
    payload: ResidentUpdateIn,
    household_id: HouseholdId,
    resident_id: ResidentId,
    idempotency_key: IdempotencyKey = None,
):
    user = request.auth
    resident = _resident_of(user, household_id, resident_id)
    _require_editor(user)

    sent = payload.service_fields()

    def run() -> tuple[int, dict]:
        data = dict(sent)
        version = data.pop("version")
        updated = resident_update(
            actor=user, resident=resident, channel=CHANNEL, expected_version=version, **data
        )
        return 200, _dump(ResidentOut, updated)

    try:
        return _write(request, idempotency_key, payload.model_dump(mode="json"), run)
    except ConcurrencyConflict as conflict:
        current = conflict.current
        changed = [
            key
            for key, value in sent.items()
            if key != "version" and getattr(current, key, None) != value
        ]
        body = {
            "detail": _("Someone else changed this resident after you read them."),
            "errors": [],
            "current": _dump(ResidentOut, current),
            "changed_fields": changed,
        }
        return JsonResponse(body, status=409)


@router.delete(
    "/{household_id}/residents/{resident_id}",
    response={204: None, **error_responses(403, 404)},
    summary="Remove a resident",
    description="The head cannot be removed (422): make another member the head first.",
)
def residents_delete(
    request,
    household_id: HouseholdId,
    resident_id: ResidentId,
    idempotency_key: IdempotencyKey = None,
):
    user = request.auth

    # The lookup runs inside the idempotent write: a replay must get the first 204,
    # not a 404 for the resident its first call removed.
    def run() -> tuple[int, None]:
        resident = _resident_of(user, household_id, resident_id)
        _require_editor(user)
        resident_delete(actor=user, resident=resident, channel=CHANNEL)
        return 204, None

    return _write(request, idempotency_key, {}, run)


# --- helpers -----------------------------------------------------------------------


def _name_head_fields(exc: ValidationError) -> ValidationError:
    """household_create checks the household first, then the head: an error on fields
    only a resident has is the head's, and is named head.<field>."""
    if hasattr(exc, "error_dict") and set(exc.error_dict) <= _HEAD_ONLY_FIELDS:
        return ValidationError(
            {f"head.{field}": errors for field, errors in exc.error_dict.items()}
        )
    return exc


def _differing_fields(current, sent: dict[str, Any]) -> list[str]:
    """Fields of the request whose value in the current record is not what was sent.

    The service's own changed_fields compares with the household loaded in this same
    request, which an API client cannot hold across calls; this answers what the
    client needs instead: which of its changes meet a different value now.
    """
    now: dict[str, Any] = {
        "household_no": current.household_no,
        "area": current.area_id,
        "address": current.address,
        "latitude": current.latitude,
        "longitude": current.longitude,
        "phone": current.phone,
        "languages": current.languages,
        "annual_income": current.annual_income,
        "vulnerabilities": current.own_vulnerability_codes,
    }
    wanted = dict(sent)
    if "phone" in wanted:
        wanted["phone"] = normalize_phone(wanted["phone"])
    if "languages" in wanted:
        wanted["languages"] = normalize_languages(wanted["languages"])
    if "address" in wanted:
        wanted["address"] = wanted["address"].strip()
    if "household_no" in wanted:
        wanted["household_no"] = wanted["household_no"].strip()
    if "vulnerabilities" in wanted:
        wanted["vulnerabilities"] = sorted({str(v) for v in wanted["vulnerabilities"]})
    if wanted.get("annual_income") is not None:
        wanted["annual_income"] = Decimal(wanted["annual_income"])
    return [key for key in sorted(wanted) if key in now and now[key] != wanted[key]]
