"""/api/v1/field: what the field app downloads (its writes go to the ordinary endpoints).

`GET /sync` answers gzip when the client accepts it (phones always do): a worker's
first sync of 60 households is a few tens of kilobytes on the wire.
"""

from __future__ import annotations

import gzip
import json
from typing import Annotated

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from doorstep.core.schemas import Text, error_responses
from doorstep.fieldapp import selectors, services

router = Router()
CHANNEL = "api:v1:field"
# Below this size gzip saves nothing worth a phone's CPU.
GZIP_MIN_BYTES = 512


class FieldSyncQuery(Schema):
    cursor: Annotated[Text, Field(max_length=200)] | None = Field(
        None,
        description="Leave out for a first (full) sync; then send the `cursor` of the last "
        "answer: the next page while `more` is true, else the changes since that sync.",
    )


class FieldScheduleOut(Schema):
    next_due_on: str | None
    last_contact_at: str | None
    interval_days: int
    mine: bool


class FieldMemberOut(Schema):
    id: int
    name: str
    sex: str
    birth_year: int | None
    relationship: str
    phone: str
    id_tail: str = Field(description="The last four characters of the ID number, never more.")


class FieldEventOut(Schema):
    kind: str
    at: str
    note: str
    to: str


class FieldNeedOut(Schema):
    id: int
    category: str
    urgency: str
    status: str
    title: str
    description: str
    opened_at: str
    acknowledge_due_at: str
    resolve_due_at: str
    resolved_at: str | None
    version: int
    actions: list[str]
    timeline: list[FieldEventOut]


class FieldContactOut(Schema):
    id: int
    kind: str
    at: str = Field(description="When it happened.")
    until: str | None = Field(description="The end of a stay of several days.")
    minutes: int
    met_with: str
    notes: str
    by: str


class FieldQuestionOut(Schema):
    key: str
    label: str


class FieldCheckOut(Schema):
    id: int
    round: str
    deadline: str
    resident: str
    status: str
    attempts: int
    questions: list[FieldQuestionOut]
    version: int


class FieldFollowUpOut(Schema):
    id: int
    month: int
    due_on: str
    resident: str
    job: str
    employer: str


class FieldCardOut(Schema):
    id: int
    no: str
    address: str
    phone: str
    lat: float | None
    lon: float | None
    area: str
    version: int
    vulnerabilities: list[str]
    schedule: FieldScheduleOut | None
    members: list[FieldMemberOut]
    needs: list[FieldNeedOut]
    contacts: list[FieldContactOut]
    checks: list[FieldCheckOut]
    follow_ups: list[FieldFollowUpOut]


class FieldSyncOut(Schema):
    full: bool = Field(description="True for a first sync: the phone replaces what it holds.")
    cards: list[FieldCardOut] = Field(description="Whole cards, replacing the phone's copies.")
    removed: list[int] = Field(description="Households that left the caseload: delete them.")
    total: int = Field(description="Cards in this sync, over all its pages.")
    more: bool
    cursor: str
    server_time: str


class FieldMeOut(Schema):
    id: int
    name: str
    role: str
    language: str
    csrf_token: str
    wipe_days: int = Field(description="Days without a sign-in after which the phone wipes.")
    contact_max_age_days: int


def _json(request, body: dict, status: int = 200) -> HttpResponse:
    raw = json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    data = raw.encode()
    response = HttpResponse(status=status, content_type="application/json")
    if len(data) >= GZIP_MIN_BYTES and "gzip" in request.headers.get("Accept-Encoding", ""):
        data = gzip.compress(data, compresslevel=6)
        response["Content-Encoding"] = "gzip"
    response.content = data
    response["Cache-Control"] = "no-store"
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


@router.get(
    "/sync",
    response={200: FieldSyncOut, **error_responses(403)},
    summary="My caseload for the field app, or what changed in it",
    description="Bounded pages of whole household cards (members, needs with their "
    "timelines, last contacts, open welfare checks and placement follow-ups); one audit "
    "event per sync. Workers and team leaders only.",
)
def field_sync(request, query: Query[FieldSyncQuery]):
    try:
        body = services.sync_page(user=request.auth, cursor=query.cursor, channel=CHANNEL)
    except PermissionDenied as exc:
        return JsonResponse({"detail": str(exc), "errors": []}, status=403)
    return _json(request, body)


@router.get(
    "/me",
    response={200: FieldMeOut, **error_responses(403)},
    summary="Who the field app is signed in as, with its settings",
)
def field_me(request):
    user = request.auth
    if not selectors.may_use_field_app(user):
        return JsonResponse(
            {"detail": _("The field app is for workers and team leaders."), "errors": []},
            status=403,
        )
    response = JsonResponse(
        {
            "id": user.pk,
            "name": user.get_full_name() or user.username,
            "role": user.role,
            "language": get_language(),
            "csrf_token": get_token(request),
            "wipe_days": settings.DOORSTEP_FIELD_WIPE_DAYS,
            "contact_max_age_days": settings.DOORSTEP_CONTACT_MAX_AGE_DAYS,
        }
    )
    response["Cache-Control"] = "no-store"
    return response
