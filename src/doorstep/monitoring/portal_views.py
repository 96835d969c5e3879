"""The resident's own application to be monitored, at /resident/monitoring/.

Under the portal's authentication (portal.auth: the session cookie is scoped to
/resident/), in this app so that portal's views stay as they are. The household
applies; the worker and the village take it from there."""

from __future__ import annotations

import functools

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from doorstep.monitoring import services
from doorstep.monitoring.forms import ResidentApplyForm
from doorstep.monitoring.models import OPEN_STAGES, Proposal, ProposalKind, ProposalSource
from doorstep.portal import auth

CHANNEL = "portal:monitoring_apply"


def resident_required(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        resident = auth.session_resident(request.COOKIES.get(auth.COOKIE_NAME))
        if resident is None:
            return redirect("portal:sign_in")
        request.resident = resident
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response

    return wrapper


@resident_required
@require_http_methods(["GET", "POST"])
def apply(request):
    resident = request.resident
    household = resident.household
    pending = (
        Proposal.objects.filter(household=household, stage__in=OPEN_STAGES)
        .order_by("-created_at")
        .first()
    )
    form = ResidentApplyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.proposal_create(
                    household=household,
                    resident=resident,
                    kind=ProposalKind.ENTER,
                    source=ProposalSource.RESIDENT,
                    risk_kinds=form.cleaned_data["risk_kinds"],
                    note=form.cleaned_data["note"],
                    channel=CHANNEL,
                )
            except ValidationError as exc:
                for field, errors in getattr(exc, "message_dict", {None: exc.messages}).items():
                    form.add_error(field if field in form.fields else None, errors)
            except services.StepRefused as exc:
                form.add_error(None, exc.message)
                status = 409
            except PermissionDenied:
                status = 403
            else:
                return redirect("monitoring_portal:apply")
    return render(
        request,
        "monitoring/portal_apply.html",
        {"form": form, "pending": pending, "resident": resident},
        status=status,
    )
