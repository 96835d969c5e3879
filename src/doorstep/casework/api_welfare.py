"""/api/v1/casework/welfare: welfare-check rounds (start, list and read with coverage,
the residents to escalate, reassign, close) and checks (mine, read, record).

Mounted under the casework router (casework/api.py). The same rules as the rest of
casework's API: reads through casework.selectors_welfare (404 outside the caller's
scope), writes through casework.services.welfare inside core.idempotency (the same
Idempotency-Key twice does the write once), a role that may read but not write gets
403, a stale check version 409 with the check as it is now, and bad input 422 naming
the field, with nothing written.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema
from pydantic import ConfigDict, Field

from doorstep.areas.selectors import areas_visible_to
from doorstep.casework import selectors
from doorstep.casework import selectors_welfare as sel
from doorstep.casework.api_common import CHANNEL, IdempotencyKey
from doorstep.casework.api_common import error as _error
from doorstep.casework.api_common import write as casework_write
from doorstep.casework.api_schemas import Cursor, Limit, Version
from doorstep.casework.models import (
    ContactKind,
    NeedCategory,
    Urgency,
    WelfareAssignment,
    WelfareCheckStatus,
    WelfareRoundStatus,
)
from doorstep.casework.services import welfare as svc
from doorstep.casework.services.common import require_role
from doorstep.casework.services.schedule import MAX_POLICY_INTERVAL_DAYS
from doorstep.core.pagination import BadCursor
from doorstep.core.schemas import MAX_ID, ErrorOut, Id, IsoDatetime, Text, error_responses
from doorstep.privacy.services import audit_list_view
from doorstep.registry.models import Vulnerability

router = Router()

RoundId = Annotated[int, Path(ge=1, le=MAX_ID, description="Round id.")]
CheckId = Annotated[int, Path(ge=1, le=MAX_ID, description="Check id.")]
StandardKey = Literal["food_water", "medicines", "heating", "phone", "someone_to_call"]
MY_CHECKS_MAX = 500


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")


# --- schemas ----------------------------------------------------------------------------


class RoundCreateIn(InputSchema):
    name: Text = Field(max_length=svc.MAX_NAME)
    area: Id = Field(description="The area of the round: yours or one below it.")
    deadline: dt.date = Field(description="Every check is due by this day (today or later).")
    categories: list[Vulnerability] = Field(
        default_factory=list,
        max_length=len(Vulnerability.values),
        description="Residents of households with any of these categories.",
    )
    min_age: int | None = Field(None, ge=0, le=svc.MAX_AGE)
    max_age: int | None = Field(None, ge=0, le=svc.MAX_AGE)
    heads_only: bool = False
    checklist: list[StandardKey] = Field(
        default_factory=lambda: list(svc.STANDARD_KEYS),
        max_length=svc.MAX_QUESTIONS,
        description="Standard questions, by key (all five by default).",
    )
    extra_questions: list[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{2,39}$")]] = Field(
        default_factory=list,
        max_length=svc.MAX_QUESTIONS,
        description="The round's own questions: keys of welfare question templates that "
        "apply to the round's area (GET /casework/question-templates).",
    )
    interval_days: int | None = Field(
        None,
        ge=1,
        le=MAX_POLICY_INTERVAL_DAYS,
        description="Also make every household of the area due at this interval until "
        "the deadline. Leave out to check only the residents selected.",
    )


class WelfareAreaOut(Schema):
    id: int
    name: str


class QuestionOut(Schema):
    key: str
    label: str


class CriteriaOut(Schema):
    categories: list[str]
    min_age: int | None
    max_age: int | None
    heads_only: bool


class TallyOut(Schema):
    done: int
    not_reached: int = Field(description="Tried, not reached yet.")
    pending: int = Field(description="Not yet tried.")
    total: int


class RoundOut(Schema):
    id: int
    name: str
    area: WelfareAreaOut
    status: WelfareRoundStatus
    starts_on: dt.date
    deadline: dt.date
    interval_days: int | None
    criteria: CriteriaOut
    checklist: list[QuestionOut]
    check_count: int = Field(description="Checks in the whole round.")
    created_at: dt.datetime
    closed_at: dt.datetime | None
    coverage: TallyOut = Field(description="The part of the round inside your area.")


class RoundPageOut(Schema):
    items: list[RoundOut]
    next_cursor: str | None


class ChildCoverageOut(TallyOut):
    area: WelfareAreaOut


class RoundDetailOut(RoundOut):
    shown_area: WelfareAreaOut = Field(description="The area `children` divide.")
    shown: TallyOut = Field(description="Coverage in shown_area.")
    children: list[ChildCoverageOut]


class WorkerRefOut(Schema):
    id: int
    name: str


class ResidentRefOut(Schema):
    id: int
    name: str
    phone: str


class HouseholdRefOut(Schema):
    id: int
    household_no: str
    address: str
    phone: str
    latitude: float | None
    longitude: float | None


class CheckOut(Schema):
    id: int
    round: int
    round_name: str
    deadline: dt.date
    resident: ResidentRefOut
    household: HouseholdRefOut
    area: int
    worker: WorkerRefOut | None
    assigned_as: WelfareAssignment
    status: WelfareCheckStatus
    attempts: int
    checklist: list[QuestionOut]
    answers: dict[str, bool]
    note: str
    need: int | None
    checked_at: dt.datetime | None
    version: int = Field(description="Send it back when recording the check.")


class CheckConflictOut(ErrorOut):
    current: CheckOut = Field(description="The check as it is now.")


class CheckListOut(Schema):
    items: list[CheckOut]


class CheckPageOut(Schema):
    items: list[CheckOut]
    next_cursor: str | None


class CheckListQuery(Schema):
    status: Literal["not_reached", "pending", "done"] = "not_reached"
    area: int | None = Field(None, ge=1, le=MAX_ID, description="Narrow to this area.")
    cursor: Cursor
    limit: Limit


class RoundDetailQuery(Schema):
    area: int | None = Field(None, ge=1, le=MAX_ID, description="Drill down to this area.")


class RoundListQuery(Schema):
    status: WelfareRoundStatus | None = None
    cursor: Cursor
    limit: Limit


class CheckRecordIn(InputSchema):
    outcome: Literal["done", "not_reached"] = Field(
        description="done: reached, with an answer to every question; not_reached: a try "
        "that found nobody (the check stays open)."
    )
    version: Version
    answers: dict[Annotated[str, Field(max_length=32)], bool] = Field(
        default_factory=dict,
        max_length=svc.MAX_QUESTIONS,
        description="Question key → true (fine) or false (a problem: opens a need).",
    )
    note: Text = Field("", max_length=4000)
    kind: ContactKind = ContactKind.VISIT
    need_category: NeedCategory | None = Field(
        None, description="The category of the need a problem opens (else the question's)."
    )
    need_urgency: Urgency = Urgency.HIGH
    occurred_at: IsoDatetime | None = Field(
        None,
        description="When the try happened (not when it is sent: the field app records "
        "offline), ISO 8601 with a time zone; now when left out. Not in the future, nor "
        "older than DOORSTEP_CONTACT_MAX_AGE_DAYS.",
    )


class ReassignIn(InputSchema):
    checks: list[Id] = Field(min_length=1, max_length=1000)
    worker: Id


class ReassignOut(Schema):
    reassigned: int


class WelfareEmptyIn(InputSchema):
    pass


# --- serializing ------------------------------------------------------------------------------


def _questions(welfare_round) -> list[dict[str, str]]:
    return [{"key": q.key, "label": str(q.label)} for q in svc.round_questions(welfare_round)]


def _round(welfare_round, tally: sel.Tally) -> dict[str, Any]:
    criteria = svc.RoundCriteria.from_json(welfare_round.criteria)
    return {
        "id": welfare_round.pk,
        "name": welfare_round.name,
        "area": {"id": welfare_round.area_id, "name": welfare_round.area.name},
        "status": welfare_round.status,
        "starts_on": welfare_round.starts_on.isoformat(),
        "deadline": welfare_round.ends_on.isoformat(),
        "interval_days": welfare_round.interval_days,
        "criteria": criteria.as_json(),
        "checklist": _questions(welfare_round),
        "check_count": welfare_round.check_count,
        "created_at": welfare_round.created_at.isoformat(),
        "closed_at": welfare_round.closed_at.isoformat() if welfare_round.closed_at else None,
        "coverage": tally.as_dict(),
    }


def _check(check) -> dict[str, Any]:
    worker = check.worker
    return {
        "id": check.pk,
        "round": check.round_id,
        "round_name": check.round.name,
        "deadline": check.round.ends_on.isoformat(),
        "resident": {
            "id": check.resident_id,
            "name": check.resident.name,
            "phone": check.resident.phone,
        },
        "household": {
            "id": check.household_id,
            "household_no": check.household.household_no,
            "address": check.household.address,
            "phone": check.household.phone,
            "latitude": check.household.latitude,
            "longitude": check.household.longitude,
        },
        "area": check.area_id,
        "worker": {"id": worker.pk, "name": worker.get_full_name() or worker.username}
        if worker is not None
        else None,
        "assigned_as": check.assigned_as,
        "status": check.status,
        "attempts": check.attempts,
        "checklist": _questions(check.round),
        "answers": check.answers,
        "note": check.note,
        "need": check.need_id,
        "checked_at": check.checked_at.isoformat() if check.checked_at else None,
        "version": check.version,
    }


def _write(request, key, payload, run) -> HttpResponse:
    try:
        return casework_write(request, key, payload, run)
    except svc.WelfareConflict as conflict:
        current = sel.check_for(request.auth, conflict.current.pk, channel=CHANNEL)
        return _error(
            409,
            _("Someone else changed this check after you read it."),
            current=_check(current),
        )


def _page(qs, cursor, limit) -> tuple[list, str | None]:
    try:
        page = selectors.page_newest_first(qs, cursor=cursor, size=limit)
    except BadCursor:
        raise ValidationError(
            {"cursor": _("This cursor is not valid; start again from the first page.")}
        ) from None
    return page.items, page.next_cursor


# --- rounds -------------------------------------------------------------------------------------


@router.post(
    "/rounds",
    response={201: RoundOut, **error_responses(403)},
    summary="Start a welfare-check round",
    description="Every resident the criteria select (in the area, at least one category "
    "or age bound) becomes a check, given to the household's paired worker, else the "
    "nearest available worker. All or nothing.",
)
def rounds_create(request, payload: RoundCreateIn, idempotency_key: IdempotencyKey = None):
    user = request.auth

    def run():
        require_role(user, svc.ROUND_ROLES)
        area = areas_visible_to(user).filter(pk=payload.area).first()
        if area is None:
            raise ValidationError({"area": _("That area is outside your own area.")})
        started = svc.welfare_round_start(
            actor=user,
            area=area,
            name=payload.name,
            deadline=payload.deadline,
            criteria=svc.RoundCriteria(
                categories=tuple(payload.categories),
                min_age=payload.min_age,
                max_age=payload.max_age,
                heads_only=payload.heads_only,
            ),
            checklist=payload.checklist,
            extra_questions=payload.extra_questions,
            interval_days=payload.interval_days,
            channel=CHANNEL,
        )
        welfare_round = started.welfare_round
        tally = sel.round_coverage(welfare_round, sel.round_root(user, welfare_round)).total
        return 201, _round(welfare_round, tally)

    return _write(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.get(
    "/rounds", response={200: RoundPageOut, **error_responses()}, summary="Welfare-check rounds"
)
def rounds_list(request, query: Query[RoundListQuery]):
    user = request.auth
    qs = sel.rounds_visible_to(user).select_related("area")
    if query.status:
        qs = qs.filter(status=query.status)
    items, next_cursor = _page(qs, query.cursor, query.limit)
    totals = sel.round_totals_for(user, items) if items else {}
    return {"items": [_round(r, totals[r.pk]) for r in items], "next_cursor": next_cursor}


@router.get(
    "/rounds/{round_id}",
    response={200: RoundDetailOut, **error_responses(404)},
    summary="A round with its coverage by child area",
)
def rounds_get(request, round_id: RoundId, query: Query[RoundDetailQuery]):
    user = request.auth
    welfare_round = sel.round_for(user, round_id)
    root = sel.round_root(user, welfare_round)
    area = sel.round_area_for(user, welfare_round, query.area)
    shown = sel.round_coverage(welfare_round, area)
    tally = shown.total if area == root else sel.round_coverage(welfare_round, root).total
    return {
        **_round(welfare_round, tally),
        "shown_area": {"id": area.pk, "name": area.name},
        "shown": shown.total.as_dict(),
        "children": [
            {"area": {"id": c.area.pk, "name": c.area.name}, **c.tally.as_dict()}
            for c in shown.children
        ],
    }


@router.get(
    "/rounds/{round_id}/checks",
    response={200: CheckPageOut, **error_responses(404)},
    summary="A round's checks by status: those not reached, for escalation",
)
def rounds_checks(request, round_id: RoundId, query: Query[CheckListQuery]):
    user = request.auth
    welfare_round = sel.round_for(user, round_id)
    area = sel.round_area_for(user, welfare_round, query.area)
    qs = sel.checks_to_escalate(user, welfare_round, area, status=query.status).select_related(
        "round"
    )
    items, next_cursor = _page(qs, query.cursor, query.limit)
    return {"items": [_check(c) for c in items], "next_cursor": next_cursor}


@router.post(
    "/rounds/{round_id}/reassign",
    response={200: ReassignOut, **error_responses(403, 404)},
    summary="Give checks not yet done to another worker",
    description="All or nothing: a check that is not in the round under your area, or "
    "already done, refuses the lot.",
)
def rounds_reassign(
    request, payload: ReassignIn, round_id: RoundId, idempotency_key: IdempotencyKey = None
):
    user = request.auth
    welfare_round = sel.round_for(user, round_id)

    def run():
        count = svc.welfare_checks_reassign(
            actor=user,
            welfare_round=welfare_round,
            check_ids=payload.checks,
            worker=sel.worker_for_reassignment(user, payload.worker),
            checks_in_scope=sel.checks_managed_by(user, welfare_round),
            channel=CHANNEL,
        )
        return 200, {"reassigned": count}

    return _write(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.post(
    "/rounds/{round_id}/close",
    response={200: RoundOut, **error_responses(403, 404)},
    summary="Close a round",
)
def rounds_close(
    request, payload: WelfareEmptyIn, round_id: RoundId, idempotency_key: IdempotencyKey = None
):
    user = request.auth
    welfare_round = sel.round_for(user, round_id)

    def run():
        closed = svc.welfare_round_close(actor=user, welfare_round=welfare_round, channel=CHANNEL)
        tally = sel.round_coverage(closed, sel.round_root(user, closed)).total
        return 200, _round(closed, tally)

    return _write(request, idempotency_key, payload.model_dump(mode="json"), run)


# --- checks ----------------------------------------------------------------------------------------


@router.get(
    "/checks/mine",
    response={200: CheckListOut, **error_responses()},
    summary="My checks still to do",
)
def checks_mine(request):
    checks = list(sel.my_checks(request.auth)[:MY_CHECKS_MAX])
    audit_list_view(
        actor=request.auth,
        object_type="welfare_check_list",
        household_ids=[c.household_id for c in checks],
        channel=CHANNEL,
    )
    return {"items": [_check(c) for c in checks]}


@router.get(
    "/checks/{check_id}", response={200: CheckOut, **error_responses(404)}, summary="A check"
)
def checks_get(request, check_id: CheckId):
    return _check(sel.check_for(request.auth, check_id, channel=CHANNEL))


@router.post(
    "/checks/{check_id}/record",
    response={200: CheckOut, 409: CheckConflictOut, **error_responses(403, 404)},
    summary="Record a check: reached with answers, or not reached",
    description="A false answer opens a need for the household, linked to the check. A "
    "stale version answers 409 and writes nothing.",
)
def checks_record(
    request, payload: CheckRecordIn, check_id: CheckId, idempotency_key: IdempotencyKey = None
):
    user = request.auth
    check = sel.check_for(user, check_id, channel=CHANNEL)

    def run():
        recorded = svc.welfare_check_record(
            actor=user,
            check=check,
            outcome=payload.outcome,
            expected_version=payload.version,
            answers=payload.answers,
            note=payload.note,
            kind=payload.kind,
            need_category=payload.need_category,
            need_urgency=payload.need_urgency,
            occurred_at=payload.occurred_at,
            channel=CHANNEL,
        )
        return 200, _check(sel.check_for(user, recorded.pk, channel=CHANNEL))

    return _write(request, idempotency_key, payload.model_dump(mode="json"), run)
