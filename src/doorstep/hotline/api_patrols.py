"""/api/v1/hotline/patrols: grid staff start a patrol of their office's compounds and
end it (issue #13); hazards found on the way name it (POST /hotline/hazards,
`patrol_id`). Scope as the hazards: the caller's offices (hotline.selectors), 404
outside them. Writes through hotline.services.patrols, replay-safe with an
Idempotency-Key."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Header, Path, Query, Router, Schema

from doorstep.core.idempotency import HEADER, HEADER_DESCRIPTION, idempotent_response
from doorstep.core.schemas import MAX_ID, Id, Text, error_responses
from doorstep.hotline import selectors
from doorstep.hotline.models import Patrol
from doorstep.hotline.services.patrols import ROUTE_MAX, patrol_end, patrol_start

router = Router()
CHANNEL = "api:v1:hotline"
PAGE = 50

IdempotencyKey = Annotated[UUID | None, Header(alias=HEADER, description=HEADER_DESCRIPTION)]
PatrolId = Annotated[int, Path(ge=1, le=MAX_ID, description="Patrol id.")]


class PatrolStartIn(Schema):
    office_id: Id
    route: Text = Field(
        max_length=ROUTE_MAX, description="The compounds and shops the patrol covers."
    )


class PatrolOut(Schema):
    id: int
    office_id: int
    walker_id: int
    walker_name: str
    route: str
    started_at: dt.datetime
    ended_at: dt.datetime | None = Field(description="Null while the patrol is under way.")

    @staticmethod
    def resolve_walker_name(obj) -> str:
        return obj.walker.get_full_name() or obj.walker.username


class PatrolListQuery(Schema):
    office_id: Id | None = Field(None, description="Only this office's patrols.")
    under_way: bool | None = Field(None, description="true: only those not ended yet.")
    before_id: Id | None = Field(None, description="next_before_id of the previous page.")


class PatrolListOut(Schema):
    items: list[PatrolOut]
    next_before_id: int | None = Field(description="Null on the last page.")


def _body(patrol: Patrol) -> dict:
    return PatrolOut.from_orm(patrol).model_dump(mode="json")


@router.get("", response={200: PatrolListOut, **error_responses(404)}, summary="List patrols")
def patrols_list(request: HttpRequest, filters: Query[PatrolListQuery]):
    """Patrols of the caller's offices, newest first, 50 a page."""
    qs = selectors.patrols_visible_to(request.auth).select_related("walker")
    if filters.office_id:
        qs = qs.filter(office=selectors.office_for(request.auth, filters.office_id))
    if filters.under_way is not None:
        qs = qs.filter(ended_at__isnull=filters.under_way)
    if filters.before_id:
        qs = qs.filter(pk__lt=filters.before_id)
    rows = list(qs.order_by("-pk")[: PAGE + 1])
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    return {"items": rows, "next_before_id": rows[-1].pk if more else None}


@router.post(
    "",
    response={201: PatrolOut, **error_responses(403, 404)},
    summary="Start a patrol",
    description="One patrol under way at a time per person (422 on `route` otherwise).",
)
def patrols_start(
    request: HttpRequest, payload: PatrolStartIn, idempotency_key: IdempotencyKey = None
):
    user = request.auth
    office = selectors.office_for(user, payload.office_id)

    def run():
        patrol = patrol_start(actor=user, office=office, route=payload.route, channel=CHANNEL)
        return 201, _body(patrol)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.get(
    "/{patrol_id}", response={200: PatrolOut, **error_responses(404)}, summary="Open a patrol"
)
def patrols_get(request: HttpRequest, patrol_id: PatrolId):
    return selectors.patrol_for(request.auth, patrol_id)


@router.post(
    "/{patrol_id}/end",
    response={200: PatrolOut, **error_responses(403, 404)},
    summary="End a patrol",
    description="No body: the patrol ends now. The walker, or a duty leader for one left "
    "running. Ending twice: 422 on `ended_at`.",
)
def patrols_end(
    request: HttpRequest,
    patrol_id: PatrolId,
    idempotency_key: IdempotencyKey = None,
):
    user = request.auth

    def run():
        patrol = patrol_end(
            actor=user, patrol=selectors.patrol_for(user, patrol_id), channel=CHANNEL
        )
        return 200, _body(patrol)

    return idempotent_response(request, idempotency_key, {"patrol": patrol_id}, run)
