"""/api/v1/setup: setting up an office (administrators only; 404 for everyone else):
units with their members and twinned villages, duty offices with their responders and
on-call contact lists, and service levels. Retiring is `is_active: false`; nothing
that calls, referrals or pairings point at is ever deleted.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Header, Path, Router, Schema
from ninja.errors import HttpError

from doorstep.accounts.models import User
from doorstep.administration import selectors
from doorstep.areas.models import Area
from doorstep.casework.models import ServiceLevel, UnitKind
from doorstep.casework.services import units as unit_services
from doorstep.casework.services.service_levels import service_level_set
from doorstep.core.idempotency import HEADER, HEADER_DESCRIPTION, idempotent_response
from doorstep.core.schemas import MAX_ID, Text, error_responses
from doorstep.hotline.models import CallCategory, ResponderKind
from doorstep.hotline.services.offices import office_save, responder_save
from doorstep.hotline.services.responders import responder_contacts_set

router = Router()
CHANNEL = "api:v1:setup"
IdempotencyKey = Annotated[UUID | None, Header(alias=HEADER, description=HEADER_DESCRIPTION)]
RecordId = Annotated[int, Path(ge=1, le=MAX_ID, description="Record id.")]
SomeId = Annotated[int, Field(ge=1, le=MAX_ID)]


class SetupAreaOut(Schema):
    id: int
    code: str
    name: str


def _area(area) -> dict | None:
    return {"id": area.pk, "code": area.code, "name": area.name} if area else None


def _admin(request) -> None:
    if not selectors.can_set_up_offices(request.auth):
        raise HttpError(404, _("Not found."))


def _area_by_code(actor, code: str, field: str, *, required: bool) -> Area | None:
    from django.core.exceptions import ValidationError

    code = (code or "").strip()
    if not code:
        if required:
            raise ValidationError({field: _("This field is required.")})
        return None
    area = Area.objects.within(actor.area).filter(code=code).first()
    if area is None:
        raise ValidationError(
            {field: _("No area of yours has the code %(code)s.") % {"code": code}}
        )
    return area


# --- units ------------------------------------------------------------------------------


class SetupMemberOut(Schema):
    id: int
    username: str
    full_name: str
    role: str


class SetupTwinningOut(Schema):
    id: int
    village: SetupAreaOut
    started_on: dt.date
    ended_on: dt.date | None


class SetupUnitOut(Schema):
    id: int
    name: str
    kind: UnitKind
    area: SetupAreaOut | None
    accepts_referrals: bool
    is_active: bool
    members: list[SetupMemberOut]
    twinnings: list[SetupTwinningOut]


class SetupUnitListOut(Schema):
    items: list[SetupUnitOut]


class SetupUnitIn(Schema):
    name: Text = Field(min_length=1, max_length=120)
    kind: UnitKind
    area_code: Text = Field("", max_length=20, description="Where it is based (optional).")
    accepts_referrals: bool = False
    is_active: bool = Field(True, description="false retires the unit.")


class SetupMemberIn(Schema):
    user_id: SomeId


class SetupTwinningIn(Schema):
    village_code: Text = Field(max_length=20)
    started_on: dt.date | None = None


def unit_body(unit) -> dict:
    return {
        "id": unit.pk,
        "name": unit.name,
        "kind": unit.kind,
        "area": _area(unit.area),
        "accepts_referrals": unit.accepts_referrals,
        "is_active": unit.is_active,
        "members": [
            {
                "id": m.user.pk,
                "username": m.user.username,
                "full_name": m.user.get_full_name(),
                "role": m.user.role,
            }
            for m in unit.members.select_related("user").order_by("user__username")
        ],
        "twinnings": [
            {
                "id": t.pk,
                "village": _area(t.village),
                "started_on": t.started_on,
                "ended_on": t.ended_on,
            }
            for t in unit.twinnings.select_related("village").order_by("ended_on", "village__code")
        ],
    }


@router.get("/units", response={200: SetupUnitListOut, **error_responses(404)}, summary="Units")
def units_list(request: HttpRequest):
    _admin(request)
    units = selectors.units_for_setup(request.auth).prefetch_related(
        "members__user", "twinnings__village"
    )
    return {"items": [unit_body(u) for u in units]}


@router.post(
    "/units", response={201: SetupUnitOut, **error_responses(403, 404)}, summary="Add a unit"
)
def unit_create(request: HttpRequest, payload: SetupUnitIn, idempotency_key: IdempotencyKey = None):
    _admin(request)
    actor = request.auth

    def run():
        unit = unit_services.unit_save(
            actor=actor,
            name=payload.name,
            kind=payload.kind.value,
            area=_area_by_code(actor, payload.area_code, "area_code", required=False),
            accepts_referrals=payload.accepts_referrals,
            is_active=payload.is_active,
            channel=CHANNEL,
        )
        return 201, unit_body(unit)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.get(
    "/units/{unit_id}", response={200: SetupUnitOut, **error_responses(404)}, summary="A unit"
)
def unit_get(request: HttpRequest, unit_id: RecordId):
    return unit_body(selectors.unit_for_setup(request.auth, unit_id))


@router.put(
    "/units/{unit_id}",
    response={200: SetupUnitOut, **error_responses(403, 404)},
    summary="Change or retire a unit",
)
def unit_update(
    request: HttpRequest,
    unit_id: RecordId,
    payload: SetupUnitIn,
    idempotency_key: IdempotencyKey = None,
):
    actor = request.auth
    unit = selectors.unit_for_setup(actor, unit_id)

    def run():
        unit_services.unit_save(
            actor=actor,
            unit=unit,
            name=payload.name,
            kind=payload.kind.value,
            area=_area_by_code(actor, payload.area_code, "area_code", required=False),
            accepts_referrals=payload.accepts_referrals,
            is_active=payload.is_active,
            channel=CHANNEL,
        )
        return 200, unit_body(unit)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.post(
    "/units/{unit_id}/members",
    response={200: SetupUnitOut, **error_responses(403, 404)},
    summary="Add a member to a unit",
    description="A staff account may belong to several units.",
)
def unit_member_add(
    request: HttpRequest,
    unit_id: RecordId,
    payload: SetupMemberIn,
    idempotency_key: IdempotencyKey = None,
):
    actor = request.auth
    unit = selectors.unit_for_setup(actor, unit_id)
    staff = selectors.staff_managed_by(actor).filter(pk=payload.user_id, is_active=True).first()

    def run():
        unit_services.unit_member_add(actor=actor, unit=unit, user=staff, channel=CHANNEL)
        return 200, unit_body(unit)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.delete(
    "/units/{unit_id}/members/{user_id}",
    response={204: None, **error_responses(403, 404)},
    summary="Remove a member from a unit",
    description="A responder keeps sight of the referrals they answered themselves.",
)
def unit_member_remove(request: HttpRequest, unit_id: RecordId, user_id: RecordId):
    actor = request.auth
    unit = selectors.unit_for_setup(actor, unit_id)
    member = unit.members.filter(user_id=user_id).first()
    if member is None:
        raise HttpError(404, _("Not found."))
    unit_services.unit_member_remove(actor=actor, member=member, channel=CHANNEL)
    return 204, None


@router.post(
    "/units/{unit_id}/twinnings",
    response={200: SetupUnitOut, **error_responses(403, 404)},
    summary="Twin a unit with a village",
)
def unit_twinning_add(
    request: HttpRequest,
    unit_id: RecordId,
    payload: SetupTwinningIn,
    idempotency_key: IdempotencyKey = None,
):
    actor = request.auth
    unit = selectors.unit_for_setup(actor, unit_id)

    def run():
        village = _area_by_code(actor, payload.village_code, "village_code", required=True)
        unit_services.twinning_add(
            actor=actor, unit=unit, village=village, started_on=payload.started_on, channel=CHANNEL
        )
        return 200, unit_body(unit)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.post(
    "/units/{unit_id}/twinnings/{twinning_id}/end",
    response={200: SetupUnitOut, **error_responses(403, 404)},
    summary="End a twinning",
)
def unit_twinning_end(request: HttpRequest, unit_id: RecordId, twinning_id: RecordId):
    actor = request.auth
    unit = selectors.unit_for_setup(actor, unit_id)
    twinning = unit.twinnings.filter(pk=twinning_id).first()
    if twinning is None:
        raise HttpError(404, _("Not found."))
    unit_services.twinning_end(actor=actor, twinning=twinning, channel=CHANNEL)
    return 200, unit_body(unit)


# --- duty offices and responders -------------------------------------------------------


class SetupContactOut(Schema):
    name: str
    role: str
    phone: str
    on_call_order: int


class SetupResponderOut(Schema):
    id: int
    office_id: int
    name: str
    kind: ResponderKind
    contact_name: str
    phone: str
    categories: list[str]
    member_ids: list[int]
    contacts: list[SetupContactOut]
    is_active: bool


class SetupOfficeOut(Schema):
    id: int
    name: str
    code: str
    area: SetupAreaOut
    phone: str
    categories: list[str]
    min_officers: int
    is_active: bool
    responders: list[SetupResponderOut]


class SetupOfficeListOut(Schema):
    items: list[SetupOfficeOut]


class SetupOfficeIn(Schema):
    name: Text = Field(min_length=1, max_length=120)
    code: Text = Field("", max_length=40, description="Short code; made from the name if empty.")
    area_code: Text = Field(max_length=20, description="The area the office covers.")
    phone: Text = Field("", max_length=20, description="The duty phone.")
    categories: list[CallCategory] = Field(
        default_factory=list, description="Service categories taken; empty: all."
    )
    min_officers: int = Field(1, ge=0, le=50)
    is_active: bool = Field(True, description="false retires the office.")


class SetupResponderIn(Schema):
    name: Text = Field(min_length=1, max_length=120)
    kind: ResponderKind
    contact_name: Text = Field("", max_length=64)
    phone: Text = Field("", max_length=20)
    categories: list[CallCategory] = Field(default_factory=list)
    member_ids: list[SomeId] = Field(
        default_factory=list, max_length=50, description="Staff who record their own steps."
    )
    is_active: bool = True


class SetupContactIn(Schema):
    name: Text = Field(max_length=64)
    role: Text = Field("", max_length=64)
    phone: Text = Field(max_length=20)


class SetupContactsIn(Schema):
    contacts: list[SetupContactIn] = Field(
        max_length=20, description="In on-call order: the first is rung first."
    )


def responder_body(r) -> dict:
    return {
        "id": r.pk,
        "office_id": r.office_id,
        "name": r.name,
        "kind": r.kind,
        "contact_name": r.contact_name,
        "phone": r.phone,
        "categories": r.category_list,
        "member_ids": sorted(m.pk for m in r.members.all()),
        "contacts": [
            {"name": c.name, "role": c.role, "phone": c.phone, "on_call_order": c.on_call_order}
            for c in r.contacts.all()
        ],
        "is_active": r.is_active,
    }


def office_body(office) -> dict:
    return {
        "id": office.pk,
        "name": office.name,
        "code": office.code,
        "area": _area(office.area),
        "phone": office.phone,
        "categories": office.category_list,
        "min_officers": office.min_officers,
        "is_active": office.is_active,
        "responders": [
            responder_body(r)
            for r in office.responders.prefetch_related("members", "contacts").order_by("name")
        ],
    }


def _members(actor, ids: list[int]) -> list[User]:
    from django.core.exceptions import ValidationError

    found = list(selectors.staff_managed_by(actor).filter(pk__in=ids, is_active=True))
    if missing := sorted(set(ids) - {u.pk for u in found}):
        raise ValidationError(
            {
                "member_ids": _("No active staff account of yours has the id %(ids)s.")
                % {"ids": ", ".join(map(str, missing))}
            }
        )
    return found


@router.get(
    "/offices", response={200: SetupOfficeListOut, **error_responses(404)}, summary="Duty offices"
)
def offices_list(request: HttpRequest):
    _admin(request)
    return {"items": [office_body(o) for o in selectors.offices_for_setup(request.auth)]}


def _office_kwargs(actor, payload: SetupOfficeIn) -> dict:
    return {
        "name": payload.name,
        "code": payload.code,
        "area": _area_by_code(actor, payload.area_code, "area_code", required=True),
        "phone": payload.phone,
        "categories": [c.value for c in payload.categories],
        "min_officers": payload.min_officers,
        "is_active": payload.is_active,
    }


@router.post(
    "/offices",
    response={201: SetupOfficeOut, **error_responses(403, 404)},
    summary="Add a duty office",
)
def office_create(
    request: HttpRequest, payload: SetupOfficeIn, idempotency_key: IdempotencyKey = None
):
    _admin(request)
    actor = request.auth

    def run():
        office = office_save(actor=actor, channel=CHANNEL, **_office_kwargs(actor, payload))
        return 201, office_body(office)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.get(
    "/offices/{office_id}",
    response={200: SetupOfficeOut, **error_responses(404)},
    summary="A duty office",
)
def office_get(request: HttpRequest, office_id: RecordId):
    return office_body(selectors.office_for_setup(request.auth, office_id))


@router.put(
    "/offices/{office_id}",
    response={200: SetupOfficeOut, **error_responses(403, 404)},
    summary="Change or retire a duty office",
)
def office_update(
    request: HttpRequest,
    office_id: RecordId,
    payload: SetupOfficeIn,
    idempotency_key: IdempotencyKey = None,
):
    actor = request.auth
    office = selectors.office_for_setup(actor, office_id)

    def run():
        office_save(actor=actor, office=office, channel=CHANNEL, **_office_kwargs(actor, payload))
        return 200, office_body(office)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.post(
    "/offices/{office_id}/responders",
    response={201: SetupResponderOut, **error_responses(403, 404)},
    summary="Add a responder to a duty office",
)
def responder_create(
    request: HttpRequest,
    office_id: RecordId,
    payload: SetupResponderIn,
    idempotency_key: IdempotencyKey = None,
):
    actor = request.auth
    office = selectors.office_for_setup(actor, office_id)

    def run():
        responder = responder_save(
            actor=actor,
            office=office,
            members=_members(actor, payload.member_ids),
            channel=CHANNEL,
            **payload.model_dump(exclude={"member_ids", "categories", "kind"}),
            kind=payload.kind.value,
            categories=[c.value for c in payload.categories],
        )
        return 201, responder_body(responder)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.put(
    "/responders/{responder_id}",
    response={200: SetupResponderOut, **error_responses(403, 404)},
    summary="Change or retire a responder",
)
def responder_update(
    request: HttpRequest,
    responder_id: RecordId,
    payload: SetupResponderIn,
    idempotency_key: IdempotencyKey = None,
):
    actor = request.auth
    responder = selectors.responder_for_setup(actor, responder_id)

    def run():
        responder_save(
            actor=actor,
            office=responder.office,
            responder=responder,
            members=_members(actor, payload.member_ids),
            channel=CHANNEL,
            **payload.model_dump(exclude={"member_ids", "categories", "kind"}),
            kind=payload.kind.value,
            categories=[c.value for c in payload.categories],
        )
        return 200, responder_body(responder)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.put(
    "/responders/{responder_id}/contacts",
    response={200: SetupResponderOut, **error_responses(403, 404)},
    summary="Replace a responder's on-call contact list",
    description="The whole list, in on-call order; one bad phone and nothing changes.",
)
def responder_contacts(
    request: HttpRequest,
    responder_id: RecordId,
    payload: SetupContactsIn,
    idempotency_key: IdempotencyKey = None,
):
    actor = request.auth
    responder = selectors.responder_for_setup(actor, responder_id)

    def run():
        responder_contacts_set(
            actor=actor,
            responder=responder,
            contacts=[c.model_dump() for c in payload.contacts],
            channel=CHANNEL,
        )
        return 200, responder_body(responder)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


# --- service levels ---------------------------------------------------------------------


class SetupServiceLevelOut(Schema):
    id: int
    category: str
    urgency: str
    acknowledge_hours: int
    resolve_hours: int
    supervisor_after_hours: int


class SetupServiceLevelListOut(Schema):
    items: list[SetupServiceLevelOut]


class SetupServiceLevelIn(Schema):
    acknowledge_hours: int = Field(ge=1, le=24 * 365)
    resolve_hours: int = Field(ge=1, le=24 * 365)
    supervisor_after_hours: int = Field(ge=1, le=24 * 365)


def _levels_admin(request) -> None:
    if not selectors.may_set_service_levels(request.auth):
        raise HttpError(404, _("Not found."))


@router.get(
    "/service-levels",
    response={200: SetupServiceLevelListOut, **error_responses(404)},
    summary="Service levels of needs",
    description="Administrators of the region only: they hold everywhere.",
)
def service_levels_list(request: HttpRequest):
    _levels_admin(request)
    return {"items": list(ServiceLevel.objects.order_by("category", "urgency"))}


@router.put(
    "/service-levels/{level_id}",
    response={200: SetupServiceLevelOut, **error_responses(403, 404)},
    summary="Change a service level",
)
def service_level_update(
    request: HttpRequest,
    level_id: RecordId,
    payload: SetupServiceLevelIn,
    idempotency_key: IdempotencyKey = None,
):
    _levels_admin(request)
    level = ServiceLevel.objects.filter(pk=level_id).first()
    if level is None:
        raise HttpError(404, _("Not found."))
    actor = request.auth

    def run():
        service_level_set(actor=actor, level=level, channel=CHANNEL, **payload.model_dump())
        return 200, SetupServiceLevelOut.from_orm(level).model_dump()

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)
