"""Resident portal pages at /resident/: sign in with phone and code, then the
household's own record. Thin: portal.auth, portal.selectors and portal.services do
the work. The resident comes from the portal cookie only (never a staff session)."""

from __future__ import annotations

import functools

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from doorstep.casework.models import NeedStatus
from doorstep.portal import auth, selectors, services
from doorstep.portal.forms import (
    CodeForm,
    CorrectionForm,
    FeedbackForm,
    NeedAnswerForm,
    NeedForm,
    PhoneForm,
)
from doorstep.privacy.models import ConsentPurpose
from doorstep.privacy.selectors import (
    answered_correction_requests,
    consent_state,
    open_correction_requests,
)


def _channel(name: str) -> str:
    return f"portal:{name}"


def _add_errors(form, exc: ValidationError) -> None:
    for field, errors in getattr(exc, "message_dict", {None: exc.messages}).items():
        form.add_error(field if field in form.fields else None, errors)


def resident_required(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        resident = auth.session_resident(request.COOKIES.get(auth.COOKIE_NAME))
        if resident is None:
            return redirect("portal:sign_in")
        request.resident = resident
        response = view(request, *args, **kwargs)
        # Personal pages: never kept by a shared phone's browser or a proxy.
        response["Cache-Control"] = "no-store"
        return response

    return wrapper


@require_http_methods(["GET", "POST"])
def sign_in(request):
    form = PhoneForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                auth.code_request(phone=form.cleaned_data["phone"])
            except ValidationError as exc:
                _add_errors(form, exc)
            except auth.Throttled as exc:
                form.add_error("phone", exc.message)
                status = 429
            else:
                code_form = CodeForm(
                    initial={"phone": auth.clean_phone(form.cleaned_data["phone"])}
                )
                return render(request, "portal/code.html", {"form": code_form})
        status = status if status != 200 else 400
    return render(request, "portal/sign_in.html", {"form": form}, status=status)


@require_POST
def code(request):
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            resident = auth.code_verify(
                phone=form.cleaned_data["phone"], code=form.cleaned_data["code"]
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            token, _session = auth.session_start(resident=resident)
            response = redirect("portal:home")
            response.set_cookie(
                auth.COOKIE_NAME,
                token,
                max_age=int(auth.SESSION_LIFETIME.total_seconds()),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
                path="/resident/",
            )
            return response
    return render(request, "portal/code.html", {"form": form}, status=400)


@require_POST
def sign_out(request):
    auth.session_end(request.COOKIES.get(auth.COOKIE_NAME))
    response = redirect("portal:sign_in")
    response.delete_cookie(auth.COOKIE_NAME, path="/resident/")
    return response


@resident_required
def home(request):
    resident = request.resident
    household = selectors.own_household(resident, channel=_channel("home"))
    context = {
        "resident": resident,
        "household": household,
        "needs": list(selectors.own_needs(resident)),
        "contacts": selectors.own_contacts(resident),
        "openings": selectors.record_openings(resident),
        "worker": selectors.paired_worker(resident),
        "consents": consent_state(household.pk),
        "corrections": open_correction_requests(household.pk),
        "answered_corrections": answered_correction_requests(household.pk),
    }
    return render(request, "portal/home.html", context)


@resident_required
@require_http_methods(["GET", "POST"])
def need_create(request):
    form = NeedForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.resident_need_submit(
                    resident=request.resident, channel=_channel("need_create"), **form.cleaned_data
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                return redirect("portal:home")
        return render(request, "portal/need_form.html", {"form": form}, status=400)
    return render(request, "portal/need_form.html", {"form": form})


@resident_required
@require_http_methods(["GET", "POST"])
def need_detail(request, need_id: int):
    need = selectors.own_need(request.resident, need_id, channel=_channel("need"))
    rated = any(f.cycle == need.cycle for f in need.feedback.all())
    may_rate = need.status in (NeedStatus.RESOLVED, NeedStatus.CONFIRMED) and not rated
    form = FeedbackForm(request.POST or None) if may_rate else None
    status = 200
    if request.method == "POST":
        if form is None:
            status = 400
        elif form.is_valid():
            try:
                services.resident_feedback_give(
                    resident=request.resident,
                    need=need,
                    channel=_channel("feedback"),
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                _add_errors(form, exc)
                status = 400
            else:
                return redirect("portal:need", need_id=need.pk)
        else:
            status = 400
    answer_form = NeedAnswerForm() if need.status == NeedStatus.RESOLVED else None
    return render(
        request,
        "portal/need_detail.html",
        {"need": need, "form": form, "answer_form": answer_form},
        status=status,
    )


@resident_required
@require_POST
def need_answer(request, need_id: int):
    """Confirm that a resolved need is solved, or dispute it (it reopens)."""
    need = selectors.own_need(request.resident, need_id, channel=_channel("need_answer"))
    form = NeedAnswerForm(request.POST)
    error = None
    if not form.is_valid():
        error = _("Say whether the need is solved.")
    else:
        try:
            if form.cleaned_data["answer"] == "confirm":
                services.resident_need_confirm(
                    resident=request.resident, need=need, channel=_channel("need_answer")
                )
            else:
                services.resident_need_dispute(
                    resident=request.resident,
                    need=need,
                    words=form.cleaned_data["words"],
                    channel=_channel("need_answer"),
                )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    if error:
        form.add_error(None, error)
        return render(
            request,
            "portal/need_detail.html",
            {"need": need, "form": None, "answer_form": form},
            status=400,
        )
    return redirect("portal:need", need_id=need.pk)


@resident_required
@require_http_methods(["GET", "POST"])
def correction(request):
    form = CorrectionForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.resident_correction_ask(
                    resident=request.resident,
                    channel=_channel("correction"),
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                return redirect("portal:home")
        return render(request, "portal/correction_form.html", {"form": form}, status=400)
    return render(request, "portal/correction_form.html", {"form": form})


@resident_required
@require_POST
def consent(request):
    purpose = request.POST.get("purpose", "")
    given = request.POST.get("given", "")
    if purpose not in ConsentPurpose.values or given not in ("0", "1"):
        return render(
            request,
            "portal/message.html",
            {"message": _("Choose what the consent is for and your answer.")},
            status=400,
        )
    services.resident_consent_set(
        resident=request.resident,
        purpose=purpose,
        given=given == "1",
        channel=_channel("consent"),
    )
    return redirect("portal:home")
