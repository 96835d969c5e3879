"""Staff administration pages: the list, a new account, one account with its
actions (deactivate, reactivate, new password, new authenticator), import and export.
Administrators and supervisors only; everyone else, and every account outside the
caller's reach, gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from doorstep.administration import selectors, services
from doorstep.administration.forms import (
    StaffCreateForm,
    StaffForm,
    StaffImportForm,
    StaffSearchForm,
)
from doorstep.administration.staff_io import (
    staff_export,
    staff_export_response,
    staff_import_upload,
)
from doorstep.casework.models import Unit, UnitMember
from doorstep.registry.importing.spec import ImportFileError

CHANNEL = "page:administration:staff"
RENAME = {"unit_ids": "units"}


def _require_manager(user) -> None:
    if not selectors.can_manage_staff(user):
        raise Http404


def _unit_choices():
    return list(Unit.objects.filter(is_active=True).order_by("name").values_list("pk", "name"))


def _form(cls, request, user, **kwargs):
    return cls(
        request.POST or None,
        roles=selectors.roles_grantable_by(request.user),
        units=_unit_choices(),
        **kwargs,
    )


def _data(form) -> services.StaffData:
    d = form.cleaned_data
    return services.StaffData(
        family_name=d["family_name"],
        given_name=d["given_name"],
        role=d["role"],
        area_code=d["area_code"],
        unit_ids=[int(u) for u in d["units"]],
        languages=d["languages"],
        phone=d["phone"],
        latitude=d["latitude"],
        longitude=d["longitude"],
    )


def add_errors(form, exc: ValidationError, rename: dict[str, str] | None = None) -> None:
    rename = rename or {}
    for field, errors in getattr(exc, "message_dict", {None: exc.messages}).items():
        field = rename.get(field, field)
        form.add_error(field if field in form.fields else None, errors)


STAFF_PAGE = 100


@login_required
def staff_list(request):
    user = request.user
    _require_manager(user)
    search = StaffSearchForm(request.GET or None)
    qs = selectors.staff_managed_by(user).select_related("area")
    if search.is_valid():
        if q := search.cleaned_data["q"].strip():
            qs = qs.filter(
                Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q)
            )
        qs = qs.filter(is_active=not search.cleaned_data["inactive"])
    else:
        qs = qs.filter(is_active=True)
    pages = Paginator(qs.order_by("area__path", "role", "username"), STAFF_PAGE)
    page = pages.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "administration/staff_list.html",
        {"staff": page, "page": page, "search": search, "query": query.urlencode()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_new(request):
    user = request.user
    _require_manager(user)
    form = _form(StaffCreateForm, request, user, initial={"area_code": user.area.code})
    if request.method == "POST" and form.is_valid():
        try:
            created = services.staff_create(
                actor=user,
                username=form.cleaned_data["username"],
                data=_data(form),
                channel=CHANNEL,
            )
        except ValidationError as exc:
            add_errors(form, exc, RENAME)
        else:
            messages.success(
                request, _("The account is created. Set a first password for it below.")
            )
            return redirect("administration:staff_detail", staff_id=created.pk)
    return render(request, "administration/staff_form.html", {"form": form})


def _initial(staff) -> dict:
    return {
        "family_name": staff.last_name,
        "given_name": staff.first_name,
        "role": staff.role,
        "area_code": staff.area.code if staff.area_id else "",
        "units": [
            str(u) for u in UnitMember.objects.filter(user=staff).values_list("unit_id", flat=True)
        ],
        "languages": staff.languages,
        "phone": staff.phone,
        "latitude": staff.latitude,
        "longitude": staff.longitude,
    }


@login_required
@require_http_methods(["GET", "POST"])
def staff_detail(request, staff_id: int):
    user = request.user
    staff = selectors.staff_for(user, staff_id)
    form = _form(StaffForm, request, user, initial=_initial(staff))
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_update(actor=user, user=staff, data=_data(form), channel=CHANNEL)
        except ValidationError as exc:
            add_errors(form, exc, RENAME)
        else:
            messages.success(request, _("The account is saved."))
            if selectors.staff_managed_by(user).filter(pk=staff.pk).exists():
                return redirect("administration:staff_detail", staff_id=staff.pk)
            return redirect("administration:staff")
    return render(
        request,
        "administration/staff_detail.html",
        {
            "staff": staff,
            "form": form,
            "enrolled": _enrolled(staff),
        },
    )


def _enrolled(staff) -> bool:
    from doorstep.accounts.models import TwoFactorDevice

    return TwoFactorDevice.objects.filter(user=staff, confirmed_at__isnull=False).exists()


def _act(request, staff_id: int, do, success: str):
    user = request.user
    staff = selectors.staff_for(user, staff_id)
    try:
        result = do(user, staff)
    except (ValidationError, PermissionDenied) as exc:
        for message in getattr(exc, "messages", [str(exc)]):
            messages.error(request, message)
        return redirect("administration:staff_detail", staff_id=staff.pk), None
    messages.success(request, success)
    return redirect("administration:staff_detail", staff_id=staff.pk), result


@login_required
@require_POST
def staff_deactivate(request, staff_id: int):
    response, _r = _act(
        request,
        staff_id,
        lambda a, s: services.staff_set_active(actor=a, user=s, active=False, channel=CHANNEL),
        _("The account is deactivated."),
    )
    return response


@login_required
@require_POST
def staff_reactivate(request, staff_id: int):
    response, _r = _act(
        request,
        staff_id,
        lambda a, s: services.staff_set_active(actor=a, user=s, active=True, channel=CHANNEL),
        _("The account is active again."),
    )
    return response


@login_required
@require_POST
def staff_two_factor_reset(request, staff_id: int):
    response, _r = _act(
        request,
        staff_id,
        lambda a, s: services.staff_two_factor_reset(actor=a, user=s, channel=CHANNEL),
        _("The authenticator is removed: the account sets up a new one at its next sign-in."),
    )
    return response


@login_required
@require_POST
def staff_password_reset(request, staff_id: int):
    user = request.user
    staff = selectors.staff_for(user, staff_id)
    try:
        password = services.staff_password_reset(actor=user, user=staff, channel=CHANNEL)
    except (ValidationError, PermissionDenied) as exc:
        for message in getattr(exc, "messages", [str(exc)]):
            messages.error(request, message)
        return redirect("administration:staff_detail", staff_id=staff.pk)
    # Shown once, on this answer only (never in a message stored in the session).
    response = render(
        request, "administration/staff_password.html", {"staff": staff, "password": password}
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def staff_import(request):
    user = request.user
    _require_manager(user)
    form = StaffImportForm(request.POST or None, request.FILES or None)
    report, file_error = None, ""
    if request.method == "POST" and form.is_valid():
        dry_run = request.POST.get("run") != "1"
        try:
            report = staff_import_upload(
                actor=user,
                upload=form.cleaned_data["file"],
                dry_run=dry_run,
                channel=CHANNEL,
                first_passwords=form.cleaned_data["first_passwords"],
            )
        except ImportFileError as exc:
            file_error = exc.message
        else:
            if report.written and report.passwords:
                # Shown once, never stored: the administrator prints the sheet and
                # hands each person theirs; each chooses their own at first sign-in.
                response = render(
                    request,
                    "administration/staff_first_passwords.html",
                    {"passwords": report.passwords},
                )
                add_never_cache_headers(response)
                return response
            if report.written:
                messages.success(
                    request,
                    _("%(count)s accounts are created. Set a first password for each.")
                    % {"count": report.created},
                )
                return redirect("administration:staff")
    status = 422 if file_error or (report and not report.ok) else 200
    return render(
        request,
        "administration/staff_import.html",
        {"form": form, "report": report, "file_error": file_error},
        status=status,
    )


@login_required
def staff_export_file(request):
    user = request.user
    _require_manager(user)
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    rows = staff_export(actor=user, chinese=request.GET.get("headers") == "zh", channel=CHANNEL)
    return staff_export_response(rows, fmt)
