"""Livelihoods pages: job seekers, employers and openings, proposals and placements."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from doorstep.livelihoods import selectors, services
from doorstep.livelihoods.forms import (
    AcceptForm,
    EmployerForm,
    FollowUpForm,
    OpeningForm,
    SeekerForm,
)
from doorstep.livelihoods.matching import explain
from doorstep.livelihoods.models import (
    PROPOSAL_ACTIVE,
)
from doorstep.livelihoods.services.common import (
    OFFICE_ROLES,
)
from doorstep.livelihoods.views_common import (
    _channel,
    _reader,
    _run,
    _skills_from,
    _status,
)
from doorstep.registry.selectors import resident_for

# --- job seekers ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def seeker_edit(request, resident_id: int):
    _reader(request)
    user = request.user
    resident = resident_for(user, resident_id, channel=_channel("seeker_edit"))
    existing = selectors.seekers_visible_to(user).filter(resident=resident).first()
    initial = {}
    if existing is not None:
        initial = {
            "skills": [str(i) for i in existing.skill_rows.values_list("skill_id", flat=True)],
            "languages": existing.languages,
            "work_types": existing.work_type_list,
            "min_wage": existing.min_wage,
            "max_distance_km": existing.max_distance_km,
            "is_looking": existing.is_looking,
            "notes": existing.notes,
        }
    else:
        initial = {"languages": resident.household.languages}
    form = SeekerForm(request.POST or None, initial=initial, skills=selectors.skills())
    if request.method == "POST" and form.is_valid():
        seeker = _run(
            request,
            form,
            lambda d: services.seeker_save(
                actor=user,
                resident=resident,
                skills=_skills_from(d["skills"]),
                languages=d["languages"],
                work_types=d["work_types"],
                min_wage=d["min_wage"],
                max_distance_km=d["max_distance_km"],
                is_looking=d["is_looking"],
                notes=d["notes"],
                channel=_channel("seeker_edit"),
            ),
        )
        if seeker is not None:
            messages.success(request, _("The job-seeker profile is saved."))
            return redirect("livelihoods:seeker", seeker.pk)
    return render(
        request,
        "livelihoods/seeker_form.html",
        {"form": form, "resident": resident},
        status=_status(request, form),
    )


@login_required
def seeker_detail(request, seeker_id: int):
    _reader(request)
    user = request.user
    seeker = selectors.seeker_for(user, seeker_id, channel=_channel("seeker"))
    matches = selectors.matches_for_seeker(user, seeker)
    for m in matches:
        m.explanation = explain(m.reasons)
    proposals = list(
        selectors.proposals_visible_to(user)
        .filter(seeker=seeker)
        .select_related("opening__employer")
        .order_by("-proposed_at")
    )
    proposed = {p.opening_id for p in proposals if p.status in PROPOSAL_ACTIVE}
    return render(
        request,
        "livelihoods/seeker_detail.html",
        {
            "seeker": seeker,
            "skills": [str(s.label) for s in seeker.skills.all()],
            "matches": matches,
            "proposals": proposals,
            "proposed": proposed,
            "accept_form": AcceptForm(),
        },
    )


# --- employers and openings ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def employers(request):
    _reader(request)
    user = request.user
    form = None
    if user.role in OFFICE_ROLES:
        form = EmployerForm(request.POST or None, user=user)
        if request.method == "POST" and form.is_valid():
            employer = _run(
                request,
                form,
                lambda d: services.employer_create(
                    actor=user,
                    name=d["name"],
                    kind=d["kind"],
                    area=d["area"],
                    address=d["address"],
                    latitude=d["latitude"],
                    longitude=d["longitude"],
                    contact_name=d["contact_name"],
                    contact_phone=d["contact_phone"],
                    channel=_channel("employers"),
                ),
            )
            if employer is not None:
                messages.success(request, _("The employer is added."))
                return redirect("livelihoods:employers")
    rows = selectors.employers_visible_to(user).select_related("area").order_by("name")[:200]
    return render(
        request,
        "livelihoods/employers.html",
        {"employers": rows, "form": form},
        status=_status(request, *(f for f in [form] if f)),
    )


@login_required
def openings(request):
    _reader(request)
    rows = (
        selectors.openings_visible_to(request.user)
        .select_related("employer", "area")
        .order_by("status", "closes_on", "pk")[:200]
    )
    return render(
        request,
        "livelihoods/openings.html",
        {"openings": rows, "is_office": request.user.role in OFFICE_ROLES},
    )


@login_required
@require_http_methods(["GET", "POST"])
def opening_create(request):
    _reader(request)
    user = request.user
    if user.role not in OFFICE_ROLES:
        raise Http404
    emps = list(selectors.employers_visible_to(user).filter(is_active=True).order_by("name"))
    form = OpeningForm(request.POST or None, user=user, employers=emps, skills=selectors.skills())
    if request.method == "POST" and form.is_valid():

        def write(d):
            return services.opening_create(
                actor=user,
                employer=selectors.employer_for(user, int(d["employer"])),
                title=d["title"],
                area=d["area"],
                wage_monthly=d["wage_monthly"],
                posts=d["posts"],
                starts_on=d["starts_on"],
                ends_on=d["ends_on"],
                closes_on=d["closes_on"],
                work_type=d["work_type"],
                skills=_skills_from(d["skills"]),
                languages=d["languages"],
                description=d["description"],
                channel=_channel("opening_create"),
            )

        opening = _run(request, form, write)
        if opening is not None:
            return redirect("livelihoods:opening", opening.pk)
    return render(
        request, "livelihoods/opening_form.html", {"form": form}, status=_status(request, form)
    )


@login_required
def opening_detail(request, opening_id: int):
    _reader(request)
    user = request.user
    opening = selectors.opening_for(user, opening_id)
    proposals = list(
        selectors.proposals_visible_to(user)
        .filter(opening=opening)
        .select_related("seeker__resident")
        .order_by("-proposed_at")
    )
    placements = list(
        selectors.placements_visible_to(user)
        .filter(opening=opening)
        .select_related("seeker__resident")
        .order_by("-started_on")
    )
    return render(
        request,
        "livelihoods/opening_detail.html",
        {
            "opening": opening,
            "skills": [str(s.label) for s in opening.skills.all()],
            "proposals": proposals,
            "placements": placements,
            "accept_form": AcceptForm(initial={"wage_monthly": opening.wage_monthly}),
            "is_office": user.role in OFFICE_ROLES,
        },
    )


@login_required
def opening_matches(request, opening_id: int):
    """The ranked seekers, as an htmx fragment (or a page without JavaScript)."""
    _reader(request)
    user = request.user
    opening = selectors.opening_for(user, opening_id)
    matches = selectors.matches_for_opening(user, opening, channel=_channel("opening_matches"))
    for m in matches:
        m.explanation = explain(m.reasons)
    proposed = set(
        selectors.proposals_visible_to(user)
        .filter(opening=opening, status__in=PROPOSAL_ACTIVE)
        .values_list("seeker_id", flat=True)
    )
    template = (
        "livelihoods/_matches.html"
        if request.headers.get("HX-Request")
        else "livelihoods/matches.html"
    )
    return render(request, template, {"opening": opening, "matches": matches, "proposed": proposed})


@login_required
@require_POST
def opening_close(request, opening_id: int):
    _reader(request)
    opening = selectors.opening_for(request.user, opening_id)
    try:
        services.opening_close(
            actor=request.user, opening=opening, channel=_channel("opening_close")
        )
    except PermissionDenied:
        raise Http404 from None
    return redirect("livelihoods:opening", opening.pk)


# --- proposals and placements ----------------------------------------------------------------


@login_required
@require_POST
def proposal_create(request):
    _reader(request)
    user = request.user
    try:
        opening = selectors.opening_for(user, int(request.POST.get("opening", "0")))
        seeker = selectors.seeker_for(
            user, int(request.POST.get("seeker", "0")), channel=_channel("propose")
        )
    except ValueError:
        raise Http404 from None
    try:
        services.proposal_create(
            actor=user,
            opening=opening,
            seeker=seeker,
            note=request.POST.get("note", ""),
            channel=_channel("propose"),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Proposed. Ask the resident, then record the answer."))
    if request.POST.get("back") == "seeker":
        return redirect("livelihoods:seeker", seeker.pk)
    return redirect("livelihoods:opening", opening.pk)


@login_required
@require_POST
def proposal_action(request, proposal_id: int, action: str):
    _reader(request)
    user = request.user
    proposal = selectors.proposal_for(user, proposal_id, channel=_channel("proposal"))
    back = (
        reverse("livelihoods:seeker", args=[proposal.seeker_id])
        if request.POST.get("back") == "seeker"
        else reverse("livelihoods:opening", args=[proposal.opening_id])
    )
    channel = _channel("proposal")
    try:
        if action == "agree":
            services.proposal_agree(actor=user, proposal=proposal, channel=channel)
        elif action == "decline_resident":
            services.proposal_decline(
                actor=user, proposal=proposal, by_employer=False, channel=channel
            )
        elif action == "decline_employer":
            services.proposal_decline(
                actor=user, proposal=proposal, by_employer=True, channel=channel
            )
        elif action == "accept":
            form = AcceptForm(request.POST)
            if not form.is_valid():
                raise ValidationError({"started_on": _("Enter a date as YYYY-MM-DD.")})
            placement = services.proposal_accept(
                actor=user,
                proposal=proposal,
                started_on=form.cleaned_data["started_on"],
                wage_monthly=form.cleaned_data["wage_monthly"],
                channel=channel,
            )
            messages.success(
                request, _("Placed. Follow-ups are on the due list at 1, 3 and 6 months.")
            )
            return redirect("livelihoods:placement", placement.pk)
        else:
            raise Http404
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(back)
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def placement_detail(request, placement_id: int):
    _reader(request)
    user = request.user
    placement = selectors.placement_for(user, placement_id, channel=_channel("placement"))
    follow_ups = list(placement.follow_ups.order_by("month"))
    pending = next((f for f in follow_ups if f.done_on is None), None)
    form = FollowUpForm(request.POST or None, initial={"wage_monthly": placement.wage_monthly})
    if request.method == "POST":
        if pending is None:
            raise Http404
        if form.is_valid():
            done = _run(
                request,
                form,
                lambda d: services.follow_up_record(
                    actor=user,
                    follow_up=pending,
                    still_employed=d["still_employed"],
                    wage_monthly=d["wage_monthly"],
                    notes=d["notes"],
                    done_on=d["done_on"],
                    channel=_channel("follow_up"),
                ),
            )
            if done is not None:
                messages.success(request, _("The follow-up is recorded."))
                return redirect("livelihoods:placement", placement.pk)
    from doorstep.livelihoods.views_loops import placement_context

    return render(
        request,
        "livelihoods/placement.html",
        {"placement": placement, "follow_ups": follow_ups, "pending": pending, "form": form}
        | placement_context(placement),
        status=_status(request, form),
    )
