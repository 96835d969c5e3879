"""/api/v1/privacy: a household's consent and programme status, and residents'
correction requests, for staff. Reads go through the scoped selectors (404 outside
the caller's area, audited); writes through the services the pages call."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError

from doorstep.core.schemas import MAX_ID, Text, error_responses
from doorstep.privacy import selectors, services
from doorstep.registry.selectors import household_for
from doorstep.registry.services import household_programme_set

router = Router()
CHANNEL = "api:v1:privacy"
HouseholdId = Annotated[int, Path(ge=1, le=MAX_ID, description="Household id.")]
RequestId = Annotated[int, Path(ge=1, le=MAX_ID, description="Correction request id.")]
# privacy.models.ConsentMethod without "portal" (only a resident answers through it).
StaffMethod = Literal["in_person", "phone", "written"]


def _require_editor(user) -> None:
    if not user.can_edit_registry:
        raise HttpError(403, _("Your role may not change household records."))


class PrivacyConsentStateOut(Schema):
    purpose: str
    given: bool
    since: dt.datetime | None = Field(description="Null: given on joining the programme.")


class PrivacyConsentChangeOut(Schema):
    purpose: str
    given: bool
    method: str
    at: dt.datetime
    recorded_by: int | None = Field(None, alias="recorded_by_id")
    by_resident: bool
    note: str

    @staticmethod
    def resolve_by_resident(obj) -> bool:
        return obj.recorded_by_resident_id is not None


class PrivacyHouseholdPrivacyOut(Schema):
    household: int
    programme_status: str
    left_on: dt.date | None
    anonymised: bool
    consent: list[PrivacyConsentStateOut]
    history: list[PrivacyConsentChangeOut]


class PrivacyConsentIn(Schema):
    purpose: Literal["contacts", "data_use"]
    given: bool
    method: StaffMethod
    note: Text = Field("", max_length=200)


class PrivacyProgrammeIn(Schema):
    programme_status: Literal["active", "left"]
    left_on: dt.date | None = None


class PrivacyCorrectionOut(Schema):
    id: int
    household: int = Field(alias="household_id")
    message: str
    status: str
    created_at: dt.datetime
    resolved_at: dt.datetime | None
    answer: str


class PrivacyCorrectionListQuery(Schema):
    status: Literal["open", "corrected", "declined"] = "open"
    limit: int = Field(50, ge=1, le=200)


class PrivacyCorrectionListOut(Schema):
    items: list[PrivacyCorrectionOut]


class PrivacyCorrectionResolveIn(Schema):
    status: Literal["corrected", "declined"]
    answer: Text = Field("", max_length=2000)


def _privacy_out(household) -> dict:
    return {
        "household": household.pk,
        "programme_status": household.programme_status,
        "left_on": household.left_on,
        "anonymised": household.anonymised_at is not None,
        "consent": [
            {"purpose": c.purpose, "given": c.given, "since": c.since}
            for c in selectors.consent_state(household.pk)
        ],
        "history": list(selectors.consent_history(household.pk)[:50]),
    }


@router.get(
    "/households/{household_id}",
    response={200: PrivacyHouseholdPrivacyOut, **error_responses(404)},
    summary="A household's consent, its history and programme status",
)
def household_privacy(request, household_id: HouseholdId):
    household = household_for(request.auth, household_id, channel=CHANNEL)
    return _privacy_out(household)


@router.post(
    "/households/{household_id}/consent",
    response={200: PrivacyHouseholdPrivacyOut, **error_responses(403, 404)},
    summary="Record a household's consent or its withdrawal",
    description="Withdrawing consent to `contacts` removes the household from the contact "
    "schedule (no visit or call is due) until it is given again.",
)
def consent_record(request, household_id: HouseholdId, payload: PrivacyConsentIn):
    user = request.auth
    household = household_for(user, household_id, channel=CHANNEL)
    _require_editor(user)
    services.consent_set(household=household, actor=user, channel=CHANNEL, **payload.dict())
    return _privacy_out(household)


@router.put(
    "/households/{household_id}/programme",
    response={200: PrivacyHouseholdPrivacyOut, **error_responses(403, 404)},
    summary="Record that a household left the programme, or is back in it",
)
def programme_set(request, household_id: HouseholdId, payload: PrivacyProgrammeIn):
    user = request.auth
    household = household_for(user, household_id, channel=CHANNEL)
    _require_editor(user)
    household = household_programme_set(
        actor=user,
        household=household,
        status=payload.programme_status,
        left_on=payload.left_on,
        channel=CHANNEL,
    )
    return _privacy_out(household)


@router.get(
    "/corrections",
    response={200: PrivacyCorrectionListOut, **error_responses()},
    summary="Residents' correction requests in the caller's area, oldest first",
)
def corrections_list(request, query: Query[PrivacyCorrectionListQuery]):
    qs = (
        selectors.correction_requests_visible_to(request.auth)
        .filter(status=query.status)
        .order_by("created_at", "pk")[: query.limit]
    )
    return {"items": list(qs)}


@router.post(
    "/corrections/{request_id}/resolve",
    response={200: PrivacyCorrectionOut, **error_responses(403, 404)},
    summary="Close a correction request: corrected, or declined with the reason",
)
def correction_resolve(request, request_id: RequestId, payload: PrivacyCorrectionResolveIn):
    user = request.auth
    item = selectors.correction_request_for(user, request_id, channel=CHANNEL)
    _require_editor(user)
    return services.correction_request_resolve(
        actor=user, request=item, channel=CHANNEL, **payload.dict()
    )
