"""Office set-up pages (administrators only; 404 for everyone else): the
administration home, duty offices with their responders and on-call contacts, and
service levels. Units, twinnings and members keep their pages in casework
(casework/views_units.py), linked from the home."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from doorstep.administration import selectors
from doorstep.administration.forms import ContactsForm, OfficeForm, ResponderForm, ServiceLevelForm
from doorstep.administration.views_staff import add_errors
from doorstep.areas.models import Area
from doorstep.casework.models import ServiceLevel
from doorstep.casework.services.service_levels import service_level_set
from doorstep.hotline.services.offices import office_save, responder_save
from doorstep.hotline.services.responders import responder_contacts_set

CHANNEL = "page:administration:setup"


def _require_admin(user) -> None:
    if not selectors.can_set_up_offices(user):
        raise Http404


@login_required
def home(request):
    user = request.user
    if not selectors.can_manage_staff(user):
        raise Http404
    return render(
        request,
        "administration/home.html",
        {
            "setup": selectors.can_set_up_offices(user),
            "levels": selectors.may_set_service_levels(user),
            "staff_count": selectors.staff_managed_by(user).filter(is_active=True).count(),
        },
    )


def _area(user, form, field: str):
    code = (form.cleaned_data.get(field) or "").strip()
    area = Area.objects.within(user.area).filter(code=code).first() if code else None
    if area is None:
        form.add_error(field, _("No area of yours has the code %(code)s.") % {"code": code})
    return area


def _save_office(request, form, office=None):
    if not form.is_valid():
        return None
    area = _area(request.user, form, "area_code")
    if area is None:
        return None
    d = form.cleaned_data
    try:
        return office_save(
            actor=request.user,
            office=office,
            name=d["name"],
            area=area,
            phone=d["phone"],
            categories=d["categories"],
            min_officers=d["min_officers"],
            is_active=d["is_active"],
            channel=CHANNEL,
        )
    except ValidationError as exc:
        add_errors(form, exc)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def offices(request):
    user = request.user
    _require_admin(user)
    form = OfficeForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and (office := _save_office(request, form)) is not None:
        messages.success(request, _("The duty office is saved."))
        return redirect("administration:office", office_id=office.pk)
    return render(
        request,
        "administration/offices.html",
        {"offices": selectors.offices_for_setup(user), "form": form},
        status=422 if form.errors else 200,
    )


def _office_initial(office) -> dict:
    return {
        "name": office.name,
        "area_code": office.area.code,
        "phone": office.phone,
        "categories": office.category_list,
        "min_officers": office.min_officers,
        "is_active": office.is_active,
    }


@login_required
@require_http_methods(["GET", "POST"])
def office_detail(request, office_id: int):
    user = request.user
    office = selectors.office_for_setup(user, office_id)
    form = OfficeForm(request.POST or None, initial=_office_initial(office))
    if request.method == "POST" and _save_office(request, form, office) is not None:
        messages.success(request, _("The duty office is saved."))
        return redirect("administration:office", office_id=office.pk)
    return _render_office(request, office, form=form)


def _render_office(request, office, *, form=None, responder_form=None):
    return render(
        request,
        "administration/office_detail.html",
        {
            "office": office,
            "form": form or OfficeForm(initial=_office_initial(office)),
            "responders": office.responders.prefetch_related("contacts").order_by(
                "-is_active", "name"
            ),
            "responder_form": responder_form or ResponderForm(initial={"is_active": True}),
        },
        status=422 if (form and form.errors) or (responder_form and responder_form.errors) else 200,
    )


def _members(user, form):
    names = [n.strip() for n in (form.cleaned_data.get("members") or "").split(",") if n.strip()]
    found = list(selectors.staff_managed_by(user).filter(username__in=names, is_active=True))
    missing = sorted(set(names) - {u.username for u in found})
    if missing:
        form.add_error(
            "members",
            _("No active staff account of yours is called %(names)s.")
            % {"names": ", ".join(missing)},
        )
        return None
    return found


def _save_responder(request, form, office, responder=None):
    if not form.is_valid():
        return None
    members = _members(request.user, form)
    if members is None:
        return None
    d = form.cleaned_data
    try:
        return responder_save(
            actor=request.user,
            office=office,
            responder=responder,
            name=d["name"],
            kind=d["kind"],
            contact_name=d["contact_name"],
            phone=d["phone"],
            categories=d["categories"],
            members=members,
            is_active=d["is_active"],
            channel=CHANNEL,
        )
    except ValidationError as exc:
        add_errors(form, exc)
    return None


@login_required
@require_POST
def responder_new(request, office_id: int):
    office = selectors.office_for_setup(request.user, office_id)
    form = ResponderForm(request.POST)
    if (responder := _save_responder(request, form, office)) is not None:
        messages.success(request, _("The responder is saved. Add whom to ring below."))
        return redirect("administration:responder", responder_id=responder.pk)
    return _render_office(request, office, responder_form=form)


def _responder_initial(responder) -> dict:
    return {
        "name": responder.name,
        "kind": responder.kind,
        "contact_name": responder.contact_name,
        "phone": responder.phone,
        "categories": responder.category_list,
        "members": ", ".join(sorted(m.username for m in responder.members.all())),
        "is_active": responder.is_active,
    }


def _contacts_text(responder) -> str:
    return "\n".join(f"{c.name}, {c.role}, {c.phone}" for c in responder.contacts.all())


@login_required
@require_http_methods(["GET", "POST"])
def responder_detail(request, responder_id: int):
    user = request.user
    responder = selectors.responder_for_setup(user, responder_id)
    form = ResponderForm(request.POST or None, initial=_responder_initial(responder))
    if request.method == "POST" and _save_responder(request, form, responder.office, responder):
        messages.success(request, _("The responder is saved."))
        return redirect("administration:responder", responder_id=responder.pk)
    return _render_responder(request, responder, form=form)


def _render_responder(request, responder, *, form=None, contacts_form=None):
    return render(
        request,
        "administration/responder_detail.html",
        {
            "responder": responder,
            "form": form or ResponderForm(initial=_responder_initial(responder)),
            "contacts_form": contacts_form
            or ContactsForm(initial={"contacts": _contacts_text(responder)}),
        },
        status=422 if (form and form.errors) or (contacts_form and contacts_form.errors) else 200,
    )


@login_required
@require_POST
def responder_contacts(request, responder_id: int):
    user = request.user
    responder = selectors.responder_for_setup(user, responder_id)
    form = ContactsForm(request.POST)
    if form.is_valid():
        entries = []
        for line in form.cleaned_data["contacts"].splitlines():
            if not line.strip():
                continue
            # "name, role, phone" or "name, phone"; a role may itself hold commas.
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            name = parts[0]
            phone = parts[-1] if len(parts) > 1 else ""
            role = ", ".join(parts[1:-1])
            entries.append({"name": name, "role": role, "phone": phone})
        try:
            responder_contacts_set(
                actor=user, responder=responder, contacts=entries, channel=CHANNEL
            )
        except ValidationError as exc:
            for key, errors in exc.message_dict.items():
                # "contacts.2.phone" → line 3
                _c, index, _f = (key.split(".") + ["", ""])[:3]
                for message in errors:
                    form.add_error(
                        "contacts",
                        _("Line %(line)s: %(message)s")
                        % {"line": int(index) + 1 if index.isdigit() else "-", "message": message},
                    )
        else:
            messages.success(request, _("The contact list is saved."))
            return redirect("administration:responder", responder_id=responder.pk)
    return _render_responder(request, responder, contacts_form=form)


def _require_levels(user) -> None:
    if not selectors.may_set_service_levels(user):
        raise Http404


@login_required
def service_levels(request):
    _require_levels(request.user)
    levels = list(ServiceLevel.objects.order_by("category", "urgency"))
    rows = [
        (
            level,
            ServiceLevelForm(
                initial={
                    "acknowledge_hours": level.acknowledge_hours,
                    "resolve_hours": level.resolve_hours,
                    "supervisor_after_hours": level.supervisor_after_hours,
                },
                prefix=f"l{level.pk}",
            ),
        )
        for level in levels
    ]
    return render(request, "administration/service_levels.html", {"rows": rows})


@login_required
@require_POST
def service_level_edit(request, level_id: int):
    user = request.user
    _require_levels(user)
    level = ServiceLevel.objects.filter(pk=level_id).first()
    if level is None:
        raise Http404
    form = ServiceLevelForm(request.POST, prefix=f"l{level.pk}")
    if form.is_valid():
        try:
            service_level_set(actor=user, level=level, channel=CHANNEL, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The service level is saved."))
            return redirect("administration:service_levels")
    for errors in form.errors.values():
        for message in errors:
            label = f"{level.get_category_display()} / {level.get_urgency_display()}"
            messages.error(request, f"{label}: {message}")
    return redirect("administration:service_levels")
