"""Registry pages: parse the request, call a selector or a service, render.

Every read of personal data goes through registry.selectors (scoped, 404 outside the
caller's area, single-record reads audited); every write through registry.services.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from doorstep.core.pagination import BadCursor
from doorstep.registry import services
from doorstep.registry.exporter import may_export
from doorstep.registry.forms import (
    HouseholdForm,
    ResidentForm,
    add_service_errors,
    area_from_chain,
    area_picker_levels,
)
from doorstep.registry.models import Vulnerability
from doorstep.registry.panels import household_panels
from doorstep.registry.selectors import (
    household_for,
    household_head,
    household_page,
    resident_for,
)
from doorstep.registry.timeline import household_timeline

HOME_PAGE_SIZE = 20


def _bad_request(request, message: str) -> HttpResponse:
    return render(request, "400.html", {"message": message}, status=400)


def _require_editor(user) -> None:
    # 404 like a record outside scope: the edit pages of a record do not exist for them.
    if not user.can_edit_registry:
        raise Http404


def _is_partial(request) -> bool:
    """An htmx request for the results only; a history restore needs the whole page."""
    return bool(
        request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request")
    )


@login_required
def home(request):
    user = request.user
    if not user.can_read_registry:
        return render(request, "registry/home_no_registry.html")
    page = household_page(user, size=HOME_PAGE_SIZE, channel="page:home")
    return render(request, "registry/home.html", {"page": page})


@login_required
def household_list(request):
    user = request.user
    if not user.can_read_registry:
        raise PermissionDenied
    q = request.GET.get("q", "").strip()[:100]
    vulnerability = request.GET.get("vulnerability", "")
    if vulnerability and vulnerability not in Vulnerability.values:
        return _bad_request(request, _("Unknown vulnerability category."))
    try:
        area = area_from_chain(user, request.GET.getlist("area"))
    except ValueError:
        return _bad_request(request, _("Choose an area from the list."))
    try:
        page = household_page(
            user,
            q=q,
            area=area,
            vulnerability=vulnerability,
            cursor=request.GET.get("cursor") or None,
            channel="page:households",
        )
    except BadCursor:
        return _bad_request(request, _("This page link is not valid. Start again from the list."))
    context = {
        "page": page,
        "q": q,
        "vulnerability": vulnerability,
        "vulnerabilities": Vulnerability.choices,
        "area": area,
        "area_levels": area_picker_levels(user, area),
        "filtered": bool(q or area or vulnerability),
        "may_export": may_export(user),
    }
    template = "registry/_household_results.html" if _is_partial(request) else None
    return render(request, template or "registry/household_list.html", context)


@login_required
def household_detail(request, household_id: int):
    household = household_for(request.user, household_id, channel="page:household")
    panels = household_panels(request, household)
    head = household_head(household)
    return render(
        request,
        "registry/household_detail.html",
        {
            "household": household,
            "head": head,
            # Tap to call: the household's own line, else the head's phone.
            "call_phone": household.phone or (head.phone if head else ""),
            "panels": panels,
            "timeline": household_timeline(request.user, household),
        },
    )


@login_required
def household_timeline_more(request, household_id: int):
    """The next page of the household's timeline ("show more", htmx): the same scoped,
    audited read as the page, then one keyset page."""
    household = household_for(request.user, household_id, channel="page:household_timeline")
    try:
        timeline = household_timeline(request.user, household, cursor=request.GET.get("cursor"))
    except BadCursor:
        return _bad_request(request, _("This page link is not valid. Start again from the list."))
    context = {"household": household, "head": household_head(household), "timeline": timeline}
    # Without htmx (or on a history restore): the same entries on a page of their own.
    template = "registry/_timeline_page.html" if _is_partial(request) else None
    return render(request, template or "registry/household_timeline.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def household_create(request):
    user = request.user
    _require_editor(user)
    form = HouseholdForm(request.POST or None, user=user)
    head_form = ResidentForm(request.POST or None, prefix="head", head=True)
    status = 200
    if request.method == "POST":
        if form.is_valid() and head_form.is_valid():
            try:
                household = services.household_create(
                    actor=user,
                    head=head_form.service_fields(),
                    vulnerabilities=form.cleaned_data["vulnerabilities"],
                    channel="page:household_create",
                    **form.service_fields(),
                )
            except ValidationError as exc:
                add_service_errors(exc, form, head_form)
            else:
                return redirect("registry:household", household_id=household.pk)
        status = 400
    return render(
        request,
        "registry/household_form.html",
        {"form": form, "head_form": head_form, "household": None},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def household_edit(request, household_id: int):
    user = request.user
    _require_editor(user)
    household = household_for(user, household_id, channel="page:household_edit")
    if request.method == "GET":
        form = HouseholdForm(user=user, household=household)
        return render(
            request, "registry/household_form.html", {"form": form, "household": household}
        )
    form = HouseholdForm(request.POST, user=user, household=household)
    changes = None
    if form.is_valid():
        try:
            services.household_update(
                actor=user,
                household=household,
                expected_version=form.cleaned_data["version"] or 0,
                vulnerabilities=form.cleaned_data["vulnerabilities"],
                channel="page:household_edit",
                **form.service_fields(),
            )
        except services.ConcurrencyConflict as conflict:
            form, changes = form.after_conflict(conflict.current)
            form.is_valid()  # draw the merged input with any errors it has
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            return redirect("registry:household", household_id=household.pk)
    status = 409 if changes is not None else 400
    return render(
        request,
        "registry/household_form.html",
        {"form": form, "household": household, "conflict": changes},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def resident_create(request, household_id: int):
    user = request.user
    _require_editor(user)
    household = household_for(user, household_id, channel="page:resident_create")
    form = ResidentForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.resident_create(
                    actor=user,
                    household=household,
                    channel="page:resident_create",
                    **form.service_fields(),
                )
            except ValidationError as exc:
                add_service_errors(exc, form)
            else:
                return redirect("registry:household", household_id=household.pk)
        return render(
            request,
            "registry/resident_form.html",
            {"form": form, "household": household},
            status=400,
        )
    return render(request, "registry/resident_form.html", {"form": form, "household": household})


def _resident_in(user, household_id: int, resident_id: int, channel: str):
    resident = resident_for(user, resident_id, channel=channel)
    if resident.household_id != household_id:
        raise Http404
    return resident


@login_required
@require_http_methods(["GET", "POST"])
def resident_edit(request, household_id: int, resident_id: int):
    user = request.user
    _require_editor(user)
    resident = _resident_in(user, household_id, resident_id, "page:resident_edit")
    form = ResidentForm(request.POST or None, resident=resident)
    context = {"form": form, "household": resident.household, "resident": resident}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.resident_update(
                    actor=user,
                    resident=resident,
                    channel="page:resident_edit",
                    expected_version=form.cleaned_data.get("version") or 0,
                    **form.service_fields(),
                )
            except ValidationError as exc:
                add_service_errors(exc, form)
            except services.ConcurrencyConflict as conflict:
                form.add_error(
                    None,
                    _(
                        "Someone else changed this resident after you opened the form "
                        "(%(fields)s). Check the record, then save again to keep your values."
                    )
                    % {"fields": ", ".join(conflict.changed_fields) or "-"},
                )
                # Saving again now overwrites knowingly: the form carries the new version.
                form.data = form.data.copy()
                form.data["version"] = str(conflict.current.version)
            else:
                return redirect("registry:household", household_id=household_id)
        return render(request, "registry/resident_form.html", context, status=400)
    return render(request, "registry/resident_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def resident_delete(request, household_id: int, resident_id: int):
    user = request.user
    _require_editor(user)
    resident = _resident_in(user, household_id, resident_id, "page:resident_delete")
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.resident_delete(actor=user, resident=resident, channel="page:resident_delete")
        except ValidationError as exc:
            errors = exc.messages
        else:
            return redirect("registry:household", household_id=household_id)
    return render(
        request,
        "registry/resident_confirm_delete.html",
        {"resident": resident, "household": resident.household, "errors": errors},
        status=400 if errors else 200,
    )
