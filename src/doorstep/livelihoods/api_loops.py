"""/api/v1/livelihoods: help linked to needs, placements ended or changed with a
reason, income by month. Kept apart from api.py (long already); mounted there."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.http import Http404
from ninja import Field, Router, Schema

from doorstep.core.idempotency import idempotent_response
from doorstep.core.schemas import Id, Text, error_responses
from doorstep.livelihoods import selectors
from doorstep.livelihoods.api_common import CHANNEL, IdempotencyKey, PathId, _income_body, _reader
from doorstep.livelihoods.api_schemas import IncomeOut, PlacementOut
from doorstep.livelihoods.models import IncomeSource
from doorstep.livelihoods.services import income, loops
from doorstep.registry.selectors import household_for

router = Router()


class HelpLinkIn(Schema):
    kind: Literal["placement", "enrolment", "business", "loan"]
    id: Id = Field(description="The placement, enrolment, business or loan.")
    needs: list[Id] = Field(min_length=1, max_length=20, description="Needs of its household.")


class HelpLinkOut(Schema):
    kind: str
    id: int
    needs: list[int] = Field(description="Every need this help answers now.")


def _help(user, kind: str, pk: int):
    if kind == "placement":
        return selectors.placement_for(user, pk, channel=CHANNEL)
    if kind == "enrolment":
        return selectors.enrolment_for(user, pk, channel=CHANNEL)
    if kind == "business":
        return selectors.business_for(user, pk, channel=CHANNEL)
    return selectors.loan_for(user, pk, channel=CHANNEL)


@router.post(
    "/help-links",
    response={200: HelpLinkOut, **error_responses(403, 404)},
    summary="Link help (placement, enrolment, business, loan) to the needs it answers",
    description="Each need's timeline shows the help; help already in its final state "
    "(placed past the 1-month follow-up, course completed, business opened, loan "
    "disbursed) asks the needs' owners to resolve them at once.",
)
def help_links_create(request, payload: HelpLinkIn, idempotency_key: IdempotencyKey = None):
    _reader(request)
    obj = _help(request.auth, payload.kind, payload.id)

    def run():
        loops.help_link_needs(
            actor=request.auth, kind=payload.kind, obj=obj, need_ids=payload.needs, channel=CHANNEL
        )
        return 200, {
            "kind": payload.kind,
            "id": obj.pk,
            "needs": loops.needs_of(payload.kind, obj),
        }

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


class PlacementEndIn(Schema):
    ended_on: dt.date
    reason: Text = Field(min_length=1, max_length=2000)


class PlacementChangeIn(Schema):
    wage_monthly: Decimal
    reason: Text = Field(min_length=1, max_length=2000)
    on: dt.date | None = None


@router.post(
    "/placements/{placement_id}/end",
    response={200: PlacementOut, **error_responses(403, 404)},
    summary="End a placement, with the reason (records the lost job)",
)
def placements_end(
    request, placement_id: PathId, payload: PlacementEndIn, idempotency_key: IdempotencyKey = None
):
    _reader(request)
    placement = selectors.placement_for(request.auth, placement_id, channel=CHANNEL)

    def run():
        from doorstep.livelihoods.services import placement_end

        done = placement_end(
            actor=request.auth,
            placement=placement,
            ended_on=payload.ended_on,
            reason=payload.reason,
            channel=CHANNEL,
        )
        return 200, PlacementOut.from_orm(done).model_dump(mode="json")

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.post(
    "/placements/{placement_id}/change",
    response={200: PlacementOut, **error_responses(403, 404)},
    summary="Change a placement's wage, with the reason",
)
def placements_change(
    request,
    placement_id: PathId,
    payload: PlacementChangeIn,
    idempotency_key: IdempotencyKey = None,
):
    _reader(request)
    placement = selectors.placement_for(request.auth, placement_id, channel=CHANNEL)

    def run():
        done = loops.placement_change(
            actor=request.auth,
            placement=placement,
            wage_monthly=payload.wage_monthly,
            reason=payload.reason,
            on=payload.on,
            channel=CHANNEL,
        )
        return 200, PlacementOut.from_orm(done).model_dump(mode="json")

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


class IncomeMonthIn(Schema):
    year: int = Field(ge=1900, le=2200)
    month: int = Field(ge=1, le=12)
    source: IncomeSource
    amount: Decimal


@router.post(
    "/households/{household_id}/income-months",
    response={200: IncomeOut, **error_responses(403, 404)},
    summary="Add one month of one source's income (a month twice is refused)",
    description="A part year counts towards the year's income, annualised, only from "
    "DOORSTEP_INCOME_MIN_MONTHS months on; the relapse watch runs at once.",
)
def income_months_create(
    request, household_id: PathId, payload: IncomeMonthIn, idempotency_key: IdempotencyKey = None
):
    _reader(request)
    household = household_for(request.auth, household_id, channel=CHANNEL)
    if household is None:
        raise Http404

    def run():
        income.income_month_add(
            actor=request.auth,
            household=household,
            year=payload.year,
            month=payload.month,
            source=payload.source.value,
            amount=payload.amount,
            channel=CHANNEL,
        )
        return 200, _income_body(household.pk)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)
