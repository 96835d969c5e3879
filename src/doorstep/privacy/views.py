"""Staff pages for residents' rights: a household's consent (with its history) and
programme status, and the correction requests residents send from the portal.

Reads go through registry.selectors / privacy.selectors (scoped, 404 outside the
caller's area, audited); writes through privacy.services and registry.services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from doorstep.privacy import selectors, services
from doorstep.privacy.forms import ConsentForm, CorrectionResolveForm, ProgrammeForm
from doorstep.privacy.models import CorrectionStatus
from doorstep.registry.selectors import household_for
from doorstep.registry.services import household_programme_set

CORRECTIONS_SHOWN = 100


def _channel(name: str) -> str:
    return f"page:privacy:{name}"


def _add_errors(form, exc: ValidationError) -> None:
    for field, errors in getattr(exc, "message_dict", {None: exc.messages}).items():
        form.add_error(field if field in form.fields else None, errors)


def _require_editor(user) -> None:
    if not user.can_edit_registry:
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def household_privacy(request, household_id: int):
    """Consent, programme status and correction requests of one household."""
    user = request.user
    household = household_for(user, household_id, channel=_channel("household"))
    consent_form = ConsentForm(prefix="consent")
    programme_form = ProgrammeForm(
        prefix="programme",
        initial={"programme_status": household.programme_status, "left_on": household.left_on},
    )
    status = 200
    if request.method == "POST":
        _require_editor(user)
        if "consent-purpose" in request.POST:
            consent_form = ConsentForm(request.POST, prefix="consent")
            if consent_form.is_valid():
                try:
                    services.consent_set(
                        household=household,
                        actor=user,
                        channel=_channel("consent"),
                        **consent_form.cleaned_data,
                    )
                except ValidationError as exc:
                    _add_errors(consent_form, exc)
                else:
                    messages.success(request, _("The consent is recorded."))
                    return redirect("privacy:household", household_id=household.pk)
        else:
            programme_form = ProgrammeForm(request.POST, prefix="programme")
            if programme_form.is_valid():
                try:
                    household_programme_set(
                        actor=user,
                        household=household,
                        status=programme_form.cleaned_data["programme_status"],
                        left_on=programme_form.cleaned_data["left_on"],
                        channel=_channel("programme"),
                    )
                except ValidationError as exc:
                    _add_errors(programme_form, exc)
                else:
                    messages.success(request, _("The programme status is saved."))
                    return redirect("privacy:household", household_id=household.pk)
        status = 400
    context = {
        "household": household,
        "consents": selectors.consent_state(household.pk),
        "history": selectors.consent_history(household.pk)[:50],
        "requests": selectors.correction_requests_visible_to(user)
        .filter(household=household)
        .select_related("resident", "resolved_by")
        .order_by("-created_at")[:50],
        "consent_form": consent_form,
        "programme_form": programme_form,
        "may_edit": user.can_edit_registry,
    }
    return render(request, "privacy/household.html", context, status=status)


@login_required
def corrections(request):
    """Open correction requests in the caller's scope, oldest first."""
    requests = (
        selectors.correction_requests_visible_to(request.user)
        .filter(status=CorrectionStatus.OPEN)
        .select_related("household")
        .order_by("created_at", "pk")[:CORRECTIONS_SHOWN]
    )
    requests = list(requests)
    services.audit_list_view(
        actor=request.user,
        object_type="correction_request_list",
        household_ids=[r.household_id for r in requests],
        channel=_channel("corrections"),
    )
    return render(request, "privacy/corrections.html", {"requests": requests})


@login_required
@require_http_methods(["GET", "POST"])
def correction(request, request_id: int):
    user = request.user
    item = selectors.correction_request_for(user, request_id, channel=_channel("correction"))
    form = CorrectionResolveForm(request.POST or None)
    status = 200
    if request.method == "POST":
        _require_editor(user)
        if form.is_valid():
            try:
                services.correction_request_resolve(
                    actor=user, request=item, channel=_channel("correction"), **form.cleaned_data
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("The resident's request is closed."))
                return redirect("privacy:household", household_id=item.household_id)
        status = 400
    return render(request, "privacy/correction.html", {"item": item, "form": form}, status=status)
