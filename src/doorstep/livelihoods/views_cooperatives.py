"""Livelihoods pages: cooperatives and their members."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from doorstep.livelihoods import selectors, services
from doorstep.livelihoods.forms import (
    CooperativeForm,
    MemberForm,
)
from doorstep.livelihoods.services.common import (
    OFFICE_ROLES,
)
from doorstep.livelihoods.views_common import (
    _channel,
    _reader,
    _run,
    _status,
)
from doorstep.privacy.services import audit_list_view
from doorstep.registry.selectors import household_by_number_for

# --- cooperatives ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def cooperatives(request):
    _reader(request)
    user = request.user
    form = None
    if user.role in OFFICE_ROLES:
        form = CooperativeForm(request.POST or None, user=user)
        if request.method == "POST" and form.is_valid():
            coop = _run(
                request,
                form,
                lambda d: services.cooperative_create(
                    actor=user,
                    name=d["name"],
                    area=d["area"],
                    products=d["products"],
                    founded_on=d["founded_on"],
                    certifications=d["certifications"],
                    sales_channels=d["sales_channels"],
                    channel=_channel("cooperatives"),
                ),
            )
            if coop is not None:
                return redirect("livelihoods:cooperative", coop.pk)
    rows = selectors.cooperatives_visible_to(user).select_related("area").order_by("name")[:200]
    return render(
        request,
        "livelihoods/cooperatives.html",
        {"cooperatives": rows, "form": form},
        status=_status(request, *(f for f in [form] if f)),
    )


@login_required
@require_http_methods(["GET", "POST"])
def cooperative_detail(request, cooperative_id: int):
    _reader(request)
    user = request.user
    coop = selectors.cooperative_for(user, cooperative_id)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def write(d):
            household = household_by_number_for(
                user, d["household_no"].strip(), channel=_channel("member")
            )
            resident = household.residents.filter(name=d["resident_name"].strip()).first()
            if resident is None:
                raise ValidationError(
                    {"resident_name": _("No one of this name lives in this household.")}
                )
            return services.cooperative_add_member(
                actor=user,
                cooperative=coop,
                resident=resident,
                joined_on=d["joined_on"],
                channel=_channel("member"),
            )

        try:
            member = _run(request, form, write)
        except Http404:
            form.add_error(
                "household_no", _("There is no household with this number in your area.")
            )
            member = None
        if member is not None:
            return redirect("livelihoods:cooperative", coop.pk)
    members = list(selectors.members_visible_to(user, coop))
    audit_list_view(
        actor=user,
        object_type="cooperative_members",
        household_ids=[m.household_id for m in members],
        channel=_channel("cooperative"),
    )
    return render(
        request,
        "livelihoods/cooperative.html",
        {"cooperative": coop, "members": members, "form": form},
        status=_status(request, form),
    )
