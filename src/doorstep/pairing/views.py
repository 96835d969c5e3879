"""Pairing pages: plans (create, watch progress, preview by area, apply), a worker's
route, and the work-team proposal. Thin: reads through selectors/reads, writes
through services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from doorstep.core.htmx import fragment
from doorstep.pairing import reads, selectors, services
from doorstep.pairing.api import explain, team_message
from doorstep.pairing.forms import PlanForm, TeamForm
from doorstep.pairing.models import UnservedReason
from doorstep.pairing.teams import coverage

CHANNEL = "page:pairing"
CHANGES_SHOWN = 200


def _flash(request, exc: ValidationError | PermissionDenied) -> None:
    if isinstance(exc, ValidationError):
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(exc) or _("Your role does not allow this."))


@login_required
@require_http_methods(["GET", "POST"])
def home(request):
    user = request.user
    if not selectors.may_plan(user):
        return redirect("pairing:route")
    form = PlanForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                plan = services.plan_create(actor=user, channel=CHANNEL, **data)
            except (ValidationError, PermissionDenied) as exc:
                _flash(request, exc)
                status = 400
            else:
                return redirect("pairing:plan", plan_id=plan.pk)
        else:
            status = 400
    plans = selectors.plans_visible_to(user).select_related("area", "created_by").order_by("-pk")
    return render(request, "pairing/home.html", {"form": form, "plans": plans[:30]}, status=status)


def _plan_context(request, plan) -> dict:
    parent = None
    area_id = request.GET.get("area")
    if area_id and area_id.isdigit():
        try:
            candidate = selectors.plan_area_for(request.user, int(area_id))
        except Http404:
            candidate = None
        if candidate is not None and candidate.is_within(plan.area):
            parent = candidate
    figures = plan.figures or {}
    ctx = {"plan": plan, "figures": figures, "parent": parent or plan.area}
    if plan.is_finished and figures:
        ctx["rows"] = selectors.plan_preview(plan, parent=parent)
        changes = list(selectors.plan_changes(plan, area=parent)[: CHANGES_SHOWN + 1])
        ctx["changes"] = changes[:CHANGES_SHOWN]
        ctx["more_changes"] = len(changes) > CHANGES_SHOWN
        ctx["reasons"] = dict(UnservedReason.choices)
        after, before = figures.get("after", {}), figures.get("before", {})
        if figures.get("gap") is not None:
            ctx["gap_percent"] = 100 * figures["gap"]
        if figures.get("greedy_gap") is not None:
            ctx["greedy_gap_percent"] = 100 * figures["greedy_gap"]
        ctx["columns"] = [
            (_("Today"), before),
            (_("Plan (optimum)"), after),
            *(
                [(_("Greedy (cheapest available, same costs)"), figures["greedy"])]
                if figures.get("greedy")
                else []
            ),
        ]
    return ctx


@login_required
def plan_detail(request, plan_id: int):
    plan = selectors.plan_for(request.user, plan_id)
    return render(request, "pairing/plan_detail.html", _plan_context(request, plan))


@fragment
@login_required
def plan_progress(request, plan_id: int):
    """The htmx fragment the plan page polls while the plan is computed; once it is
    finished it asks the page to reload (HX-Refresh) so the preview appears."""
    plan = selectors.plan_for(request.user, plan_id)
    response = render(request, "pairing/_progress.html", {"plan": plan})
    if plan.is_finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def plan_apply(request, plan_id: int):
    plan = selectors.plan_for(request.user, plan_id)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that the changes are written now."))
        return redirect("pairing:plan", plan_id=plan.pk)
    try:
        counts = services.plan_apply(actor=request.user, plan=plan, channel=CHANNEL)
    except (ValidationError, PermissionDenied) as exc:
        _flash(request, exc)
    else:
        messages.success(
            request,
            _("The plan is applied: %(ended)s pairings ended, %(created)s started.") % counts,
        )
    return redirect("pairing:plan", plan_id=plan.pk)


@login_required
@require_POST
def plan_discard(request, plan_id: int):
    plan = selectors.plan_for(request.user, plan_id)
    try:
        services.plan_discard(actor=request.user, plan=plan, channel=CHANNEL)
    except (ValidationError, PermissionDenied) as exc:
        _flash(request, exc)
    return redirect("pairing:plan", plan_id=plan.pk)


@login_required
def route(request, worker_id: int | None = None):
    worker = selectors.route_worker_for(request.user, worker_id)
    r = reads.worker_route(worker)
    points = [
        {"lat": s.latitude, "lng": s.longitude, "label": f"{i}. {s.household_no}"}
        for i, s in enumerate(r.stops, start=1)
    ]
    return render(
        request,
        "pairing/route.html",
        {
            "route": r,
            "worker": worker,
            "points": points,
            "base": {"lat": r.base[0], "lng": r.base[1]} if r.base else None,
            "saved_m": r.due_order_length_m - r.length_m,
        },
    )


@login_required
def teams(request):
    user = request.user
    form = TeamForm(request.GET or None, user=user)
    area_id = None
    team_max = 3
    if form.is_bound and form.is_valid():
        area_id = form.cleaned_data["area"].pk if form.cleaned_data["area"] else None
        team_max = form.cleaned_data["team_max"]
    area = selectors.team_area_for(user, area_id)
    proposal = reads.team_proposal(area, team_max=team_max)
    return render(
        request,
        "pairing/teams.html",
        {
            "form": form,
            "area": area,
            "proposal": proposal,
            "message": team_message(proposal),
            "coverage": coverage(proposal),
            "explained": [(m, explain(m)) for m in proposal.matches],
            "status": 400 if form.is_bound and not form.is_valid() else 200,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
