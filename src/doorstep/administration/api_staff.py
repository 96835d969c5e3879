"""/api/v1/staff: staff accounts, as the staff pages manage them (administration).

Scope as administration.selectors: an administrator the accounts of their subtree,
a supervisor the workers and team leaders of theirs; anything else answers 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from uuid import UUID

from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Header, Path, Query, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile

from doorstep.accounts.models import Role
from doorstep.administration import selectors, services
from doorstep.administration.staff_io import (
    staff_export,
    staff_export_response,
    staff_import_upload,
)
from doorstep.casework.models import UnitMember
from doorstep.core.idempotency import HEADER, HEADER_DESCRIPTION, idempotent_response
from doorstep.core.schemas import MAX_ID, Text, error_responses
from doorstep.registry.importing.spec import ImportFileError

router = Router()
CHANNEL = "api:v1:staff"
IdempotencyKey = Annotated[UUID | None, Header(alias=HEADER, description=HEADER_DESCRIPTION)]
StaffId = Annotated[int, Path(ge=1, le=MAX_ID, description="Staff account id.")]


class StaffAreaOut(Schema):
    id: int
    code: str
    name: str


class StaffOut(Schema):
    id: int
    username: str
    full_name: str = Field(description="Family name first (张伟); or given·father's given.")
    family_name: str
    given_name: str
    role: Role
    area: StaffAreaOut | None
    unit_ids: list[int]
    languages: list[str]
    phone: str
    latitude: float | None
    longitude: float | None
    is_active: bool
    has_password: bool
    two_factor_enrolled: bool
    last_login: dt.datetime | None


class StaffListOut(Schema):
    items: list[StaffOut]
    next_cursor: str | None = Field(
        None, description="Pass as `cursor` for the next page; null at the end."
    )


class StaffFields(Schema):
    family_name: Text = Field("", max_length=64, description="Empty for names without one.")
    given_name: Text = Field(
        "", max_length=64, description="Given name; for Uyghur names 'given·father's given'."
    )
    role: Role
    area_code: Text = Field(max_length=20, description="Code of an area in your own subtree.")
    unit_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        default_factory=list, max_length=50, description="Units the account belongs to."
    )
    languages: list[Annotated[Text, Field(max_length=8)]] = Field(
        default_factory=list, max_length=10, description="Language codes, e.g. zh, ug."
    )
    phone: Text = Field("", max_length=20)
    latitude: float | None = Field(None, ge=-90, le=90, description="Base location.")
    longitude: float | None = Field(None, ge=-180, le=180)


class StaffCreateIn(StaffFields):
    username: Text = Field(min_length=1, max_length=150)


class StaffUpdateIn(StaffFields):
    pass


class StaffListQuery(Schema):
    q: Text = Field("", max_length=64, description="User name or name contains.")
    role: Role | None = None
    active: bool | None = Field(None, description="Only active (true) or inactive (false).")
    cursor: Text = Field(
        "", max_length=150, description="next_cursor of the previous page (a user name)."
    )
    limit: int = Field(100, ge=1, le=500, description="Accounts per page.")


class StaffPasswordOut(Schema):
    temporary_password: str = Field(description="Shown once; hand it over in person.")


class StaffImportErrorOut(Schema):
    row: int
    column: str
    message: str


class StaffFirstPasswordOut(Schema):
    username: str
    temporary_password: str


class StaffImportOut(Schema):
    dry_run: bool
    ok: bool
    written: bool
    rows: int
    created: int
    errors: list[StaffImportErrorOut]
    first_passwords: list[StaffFirstPasswordOut] = Field(
        description="With first_passwords: each new account's temporary password, shown once."
    )


class StaffExportQuery(Schema):
    format: Literal["csv", "xlsx"] = "csv"
    headers: Literal["en", "zh"] = "en"


def staff_body(user, unit_ids: list[int] | None = None) -> dict:
    if unit_ids is None:
        unit_ids = list(
            UnitMember.objects.filter(user=user)
            .order_by("unit_id")
            .values_list("unit_id", flat=True)
        )
    # A missing reverse one-to-one raises RelatedObjectDoesNotExist, an AttributeError.
    device = getattr(user, "two_factor_device", None)
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.get_full_name(),
        "family_name": user.last_name,
        "given_name": user.first_name,
        "role": user.role,
        "area": (
            {"id": user.area.pk, "code": user.area.code, "name": user.area.name}
            if user.area_id
            else None
        ),
        "unit_ids": unit_ids,
        "languages": user.language_list,
        "phone": user.phone,
        "latitude": user.latitude,
        "longitude": user.longitude,
        "is_active": user.is_active,
        "has_password": user.has_usable_password(),
        "two_factor_enrolled": bool(device and device.confirmed_at),
        "last_login": user.last_login,
    }


def _data(payload: StaffFields) -> services.StaffData:
    return services.StaffData(
        family_name=payload.family_name,
        given_name=payload.given_name,
        role=payload.role.value,
        area_code=payload.area_code,
        unit_ids=list(payload.unit_ids),
        languages=",".join(payload.languages),
        phone=payload.phone,
        latitude=payload.latitude,
        longitude=payload.longitude,
    )


def _manager(request) -> None:
    if not selectors.can_manage_staff(request.auth):
        raise HttpError(404, _("Not found."))


def _fresh(user_id: int, actor) -> dict:
    user = (
        selectors.staff_managed_by(actor)
        .select_related("area", "two_factor_device")
        .filter(pk=user_id)
        .first()
    )
    if user is None:  # e.g. the role was changed to one the caller does not manage
        user = type(actor).objects.select_related("area").get(pk=user_id)
    return staff_body(user)


@router.get("", response={200: StaffListOut, **error_responses(404)}, summary="Staff you manage")
def staff_list(request: HttpRequest, filters: Query[StaffListQuery]):
    _manager(request)
    qs = selectors.staff_managed_by(request.auth).select_related("area", "two_factor_device")
    if filters.q.strip():
        q = filters.q.strip()
        qs = qs.filter(
            Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q)
        )
    if filters.role:
        qs = qs.filter(role=filters.role.value)
    if filters.active is not None:
        qs = qs.filter(is_active=filters.active)
    if filters.cursor:
        qs = qs.filter(username__gt=filters.cursor)
    users = list(qs.order_by("username")[: filters.limit + 1])
    more = len(users) > filters.limit
    users = users[: filters.limit]
    units: dict[int, list[int]] = {}
    for user_id, unit_id in UnitMember.objects.filter(user__in=users).values_list(
        "user_id", "unit_id"
    ):
        units.setdefault(user_id, []).append(unit_id)
    return {
        "items": [staff_body(u, sorted(units.get(u.pk, []))) for u in users],
        "next_cursor": users[-1].username if more else None,
    }


@router.post(
    "",
    response={201: StaffOut, **error_responses(403, 404)},
    summary="Create a staff account",
    description="The account has no password until you reset one for it.",
)
def staff_create(
    request: HttpRequest, payload: StaffCreateIn, idempotency_key: IdempotencyKey = None
):
    _manager(request)
    actor = request.auth

    def run():
        user = services.staff_create(
            actor=actor, username=payload.username, data=_data(payload), channel=CHANNEL
        )
        return 201, _fresh(user.pk, actor)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.get("/export", response={200: None, **error_responses(404)}, summary="Export staff")
def staff_export_file(request: HttpRequest, filters: Query[StaffExportQuery]):
    _manager(request)
    rows = staff_export(actor=request.auth, chinese=filters.headers == "zh", channel=CHANNEL)
    return staff_export_response(rows, filters.format)


@router.post(
    "/import",
    response={200: StaffImportOut, **error_responses(404)},
    summary="Check (dry run) or import staff from CSV or XLSX",
    description="Multipart form: `file` (the export's columns, English or Chinese "
    "headers, UTF-8 or GB18030), `dry_run` (default true) and `first_passwords` (default "
    "false: a temporary password for each new account, returned once, to be changed at "
    "its first sign-in). A real run writes every row or none; errors name the row and column.",
)
def staff_import(
    request: HttpRequest,
    file: File[UploadedFile],
    dry_run: Form[bool] = True,
    first_passwords: Form[bool] = False,
):
    _manager(request)
    try:
        report = staff_import_upload(
            actor=request.auth,
            upload=file,
            dry_run=dry_run,
            channel=CHANNEL,
            first_passwords=first_passwords,
        )
    except ImportFileError as exc:
        raise HttpError(422, exc.message) from None
    return {
        "dry_run": report.dry_run,
        "ok": report.ok,
        "written": report.written,
        "rows": report.rows,
        "created": report.created,
        "errors": report.errors,
        "first_passwords": [
            {"username": username, "temporary_password": password}
            for username, _name, password in report.passwords
        ],
    }


@router.get("/{staff_id}", response={200: StaffOut, **error_responses(404)}, summary="One account")
def staff_get(request: HttpRequest, staff_id: StaffId):
    user = selectors.staff_for(request.auth, staff_id)
    return staff_body(user)


@router.put(
    "/{staff_id}",
    response={200: StaffOut, **error_responses(403, 404)},
    summary="Change a staff account",
    description="Every field is replaced, unit memberships too.",
)
def staff_update(
    request: HttpRequest,
    staff_id: StaffId,
    payload: StaffUpdateIn,
    idempotency_key: IdempotencyKey = None,
):
    actor = request.auth
    user = selectors.staff_for(actor, staff_id)

    def run():
        services.staff_update(actor=actor, user=user, data=_data(payload), channel=CHANNEL)
        return 200, _fresh(user.pk, actor)

    return idempotent_response(request, idempotency_key, payload.model_dump(mode="json"), run)


def _then_none(_result) -> None:
    """The action's own result is not the answer: the account as it is now is."""


def _action(request, staff_id: int, idempotency_key, do) -> object:
    actor = request.auth
    user = selectors.staff_for(actor, staff_id)

    def run():
        body = do(actor, user)
        return 200, body if body is not None else _fresh(user.pk, actor)

    return idempotent_response(request, idempotency_key, {"staff": staff_id}, run)


@router.post(
    "/{staff_id}/deactivate",
    response={200: StaffOut, **error_responses(403, 404)},
    summary="Deactivate a staff account",
    description="Sign-in and API tokens stop working; pairings stay until re-paired.",
)
def staff_deactivate(
    request: HttpRequest, staff_id: StaffId, idempotency_key: IdempotencyKey = None
):
    return _action(
        request,
        staff_id,
        idempotency_key,
        lambda a, u: (
            services.staff_set_active(actor=a, user=u, active=False, channel=CHANNEL) and None
        ),
    )


@router.post(
    "/{staff_id}/reactivate",
    response={200: StaffOut, **error_responses(403, 404)},
    summary="Reactivate a staff account",
)
def staff_reactivate(
    request: HttpRequest, staff_id: StaffId, idempotency_key: IdempotencyKey = None
):
    return _action(
        request,
        staff_id,
        idempotency_key,
        lambda a, u: (
            services.staff_set_active(actor=a, user=u, active=True, channel=CHANNEL) and None
        ),
    )


@router.post(
    "/{staff_id}/password-reset",
    response={200: StaffPasswordOut, **error_responses(403, 404)},
    summary="Set a new temporary password",
    description="Takes no Idempotency-Key: a replay would have to store the password.",
)
def staff_password_reset(request: HttpRequest, staff_id: StaffId):
    user = selectors.staff_for(request.auth, staff_id)
    password = services.staff_password_reset(actor=request.auth, user=user, channel=CHANNEL)
    return {"temporary_password": password}


@router.post(
    "/{staff_id}/two-factor-reset",
    response={200: StaffOut, **error_responses(403, 404)},
    summary="Remove the account's authenticator",
    description="The account enrols a new authenticator at its next sign-in.",
)
def staff_two_factor_reset(
    request: HttpRequest, staff_id: StaffId, idempotency_key: IdempotencyKey = None
):
    return _action(
        request,
        staff_id,
        idempotency_key,
        lambda a, u: services.staff_two_factor_reset(actor=a, user=u, channel=CHANNEL),
    )
