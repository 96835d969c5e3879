"""Visit policies: the page where team leaders read, and supervisors and
administrators set, how often each area's households must be contacted. Reads through
casework.selectors, the write through services.visit_policy_set (which also queues the
area's schedule recomputation); anyone else gets 404, as on the other team pages.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from doorstep.casework import selectors, services
from doorstep.casework.forms import VisitPolicyForm
from doorstep.casework.services.common import POLICY_ROLES

CHANNEL = "page:casework:visit_policies"


@login_required
@require_http_methods(["GET", "POST"])
def visit_policies(request):
    user = request.user
    rows = selectors.visit_policies_for(user)  # 404 for roles that do not read them
    may_set = user.role in POLICY_ROLES
    if request.method == "POST" and not may_set:
        raise PermissionDenied  # team leaders read, and may not set
    form = VisitPolicyForm(request.POST or None, user=user) if may_set else None
    status = 200
    if form is not None and request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.visit_policy_set(
                    actor=user,
                    area=data["area"],
                    interval_days=data["interval_days"],
                    vulnerable_interval_days=data["vulnerable_interval_days"],
                    channel=CHANNEL,
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    _("The visit policy of %(area)s is saved; due dates are being updated.")
                    % {"area": data["area"].name},
                )
                return redirect("casework:visit_policies")
        status = 400
    return render(
        request,
        "casework/visit_policies.html",
        {"rows": rows, "form": form, "sources": selectors.PolicySource},
        status=status,
    )
