"""The administrator's pages for units, their twinned villages and their members
(the Django admin stays for service levels and visit policies). Other roles get 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from doorstep.accounts.models import Role, User
from doorstep.areas.selectors import areas_visible_to
from doorstep.casework import selectors
from doorstep.casework.forms import MemberForm, TwinningForm, UnitForm
from doorstep.casework.services import units as unit_services

CHANNEL = "page:casework:units"


def _require_admin(user) -> None:
    if user.role != Role.ADMIN:
        raise Http404


def _add_errors(form, exc: ValidationError, rename: dict[str, str] | None = None) -> None:
    rename = rename or {}
    for field, errors in getattr(exc, "message_dict", {None: exc.messages}).items():
        field = rename.get(field, field)
        form.add_error(field if field in form.fields else None, errors)


def _area_from_code(user, form, field: str):
    code = (form.cleaned_data.get(field) or "").strip()
    if not code:
        return None
    area = areas_visible_to(user).filter(code=code).first()
    if area is None:
        form.add_error(field, _("No area of yours has this code."))
    return area


def _save_unit(request, form, unit=None):
    if not form.is_valid():
        return None
    area = _area_from_code(request.user, form, "area_code")
    if form.errors:
        return None
    data = form.cleaned_data
    try:
        return unit_services.unit_save(
            actor=request.user,
            unit=unit,
            name=data["name"],
            kind=data["kind"],
            area=area,
            accepts_referrals=data["accepts_referrals"],
            is_active=data["is_active"],
            channel=CHANNEL,
        )
    except ValidationError as exc:
        _add_errors(form, exc, {"area": "area_code"})
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
    return None


@login_required
@require_http_methods(["GET", "POST"])
def units(request):
    _require_admin(request.user)
    form = UnitForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and (unit := _save_unit(request, form)) is not None:
        messages.success(request, _("The unit is saved."))
        return redirect("casework:unit", unit_id=unit.pk)
    return render(
        request,
        "casework/units.html",
        {"units": selectors.units_managed_by(request.user).select_related("area"), "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_detail(request, unit_id: int):
    user = request.user
    _require_admin(user)
    unit = selectors.unit_for_admin(user, unit_id)
    initial = {
        "name": unit.name,
        "kind": unit.kind,
        "area_code": unit.area.code if unit.area_id else "",
        "accepts_referrals": unit.accepts_referrals,
        "is_active": unit.is_active,
    }
    form = UnitForm(request.POST or None, initial=initial)
    if request.method == "POST" and _save_unit(request, form, unit) is not None:
        messages.success(request, _("The unit is saved."))
        return redirect("casework:unit", unit_id=unit.pk)
    return _render_detail(request, unit, form=form)


def _render_detail(request, unit, *, form=None, twinning_form=None, member_form=None):
    return render(
        request,
        "casework/unit_detail.html",
        {
            "unit": unit,
            "form": form or UnitForm(initial={"name": unit.name, "kind": unit.kind}),
            "twinnings": unit.twinnings.select_related("village").order_by(
                "ended_on", "village__code"
            ),
            "members": unit.members.select_related("user").order_by("user__username"),
            "twinning_form": twinning_form or TwinningForm(),
            "member_form": member_form or MemberForm(),
        },
    )


@login_required
@require_POST
def unit_twinning_add(request, unit_id: int):
    user = request.user
    _require_admin(user)
    unit = selectors.unit_for_admin(user, unit_id)
    form = TwinningForm(request.POST)
    if form.is_valid():
        village = _area_from_code(user, form, "village_code")
        if village is not None:
            try:
                unit_services.twinning_add(
                    actor=user,
                    unit=unit,
                    village=village,
                    started_on=form.cleaned_data["started_on"],
                    channel=CHANNEL,
                )
            except ValidationError as exc:
                _add_errors(form, exc, {"village": "village_code"})
            else:
                messages.success(request, _("The twinning is saved."))
                return redirect("casework:unit", unit_id=unit.pk)
    return _render_detail(request, unit, twinning_form=form)


@login_required
@require_POST
def unit_twinning_end(request, unit_id: int, twinning_id: int):
    user = request.user
    _require_admin(user)
    unit = selectors.unit_for_admin(user, unit_id)
    twinning = unit.twinnings.filter(pk=twinning_id).first()
    if twinning is None:
        raise Http404
    try:
        unit_services.twinning_end(actor=user, twinning=twinning, channel=CHANNEL)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The twinning has ended."))
    return redirect("casework:unit", unit_id=unit.pk)


@login_required
@require_POST
def unit_member_add(request, unit_id: int):
    user = request.user
    _require_admin(user)
    unit = selectors.unit_for_admin(user, unit_id)
    form = MemberForm(request.POST)
    if form.is_valid():
        staff = User.objects.filter(username=form.cleaned_data["username"].strip()).first()
        try:
            unit_services.unit_member_add(actor=user, unit=unit, user=staff, channel=CHANNEL)
        except ValidationError as exc:
            _add_errors(form, exc, {"user": "username"})
        else:
            messages.success(request, _("The member is added."))
            return redirect("casework:unit", unit_id=unit.pk)
    return _render_detail(request, unit, member_form=form)


@login_required
@require_POST
def unit_member_remove(request, unit_id: int, member_id: int):
    user = request.user
    _require_admin(user)
    unit = selectors.unit_for_admin(user, unit_id)
    member = unit.members.filter(pk=member_id).first()
    if member is None:
        raise Http404
    unit_services.unit_member_remove(actor=user, member=member, channel=CHANNEL)
    messages.success(request, _("The member is removed."))
    return redirect("casework:unit", unit_id=unit.pk)
