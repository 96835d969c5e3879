"""Livelihoods pages: parse, call a selector or a service, render. Thin by design.

Reads go through livelihoods.selectors (404 outside the caller's scope); writes
through livelihoods.services, the same functions the API calls. A form refused by a
service comes back with the message on the field it names and status 422.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from doorstep.livelihoods import selectors, services
from doorstep.livelihoods.forms import (
    AcceptForm,
    AttendanceForm,
    BusinessForm,
    ClearFlagForm,
    CompleteForm,
    CooperativeForm,
    CourseForm,
    EmployerForm,
    EnrolForm,
    FindHouseholdForm,
    FollowUpForm,
    IncomeForm,
    LifeEventForm,
    LoanForm,
    MemberForm,
    OpeningForm,
    OutcomeForm,
    RuleForm,
    SeekerForm,
    SessionForm,
    SkillForm,
    YearForm,
)
from doorstep.livelihoods.matching import explain
from doorstep.livelihoods.models import (
    PROPOSAL_ACTIVE,
    EnrolmentStatus,
    FlagStatus,
    IncomeSource,
    OpeningStatus,
    PlacementStatus,
)
from doorstep.livelihoods.services.common import (
    CATALOGUE_ROLES,
    OFFICE_ROLES,
    RULE_ROLES,
    birth_date_bounds,
)
from doorstep.livelihoods.services.relapse import flag_explanation
from doorstep.privacy.services import audit_list_view
from doorstep.registry.selectors import household_by_number_for, resident_for

LIST_SIZE = 50


def _channel(name: str) -> str:
    return f"page:livelihoods:{name}"


def _reader(request) -> None:
    if not selectors.can_read(request.user):
        raise Http404


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _run(request, form, write):
    """Run a service write for a valid form; put its refusal on the form. Returns the
    result, or None when the write was refused (the form then holds why)."""
    try:
        return write(form.cleaned_data)
    except ValidationError as exc:
        _add_errors(form, exc)
    except PermissionDenied as exc:
        form.add_error(None, str(exc) or _("Your role does not allow this."))
    return None


def _status(request, *forms) -> int:
    return 422 if request.method == "POST" and any(f.is_bound and f.errors for f in forms) else 200


def _skills_from(ids):
    chosen = {int(i) for i in ids or []}
    return [s for s in selectors.skills() if s.pk in chosen]


# --- home -----------------------------------------------------------------------------------


@login_required
def home(request):
    user = request.user
    if not selectors.can_read(user):
        if user.role in selectors.SUMMARY_ROLES:
            return redirect("livelihoods:relapse")
        raise Http404
    today = timezone.localdate()
    openings = list(
        selectors.openings_visible_to(user)
        .filter(status=OpeningStatus.OPEN, closes_on__gte=today)
        .select_related("employer")
        .order_by("closes_on", "pk")[:LIST_SIZE]
    )
    sessions = list(
        selectors.sessions_visible_to(user)
        .filter(ends_on__gte=today)
        .select_related("course")
        .order_by("starts_on", "pk")[:LIST_SIZE]
    )
    flags = list(
        selectors.flags_visible_to(user)
        .filter(status=FlagStatus.OPEN)
        .select_related("rule", "event", "household")
        .order_by("-raised_at")[:LIST_SIZE]
    )
    for flag in flags:
        flag.explanation = flag_explanation(flag)
    placements = list(
        selectors.placements_visible_to(user)
        .filter(status=PlacementStatus.ACTIVE)
        .select_related("opening__employer", "seeker__resident", "household")
        .order_by("-started_on")[:LIST_SIZE]
    )
    audit_list_view(
        actor=user,
        object_type="livelihoods_home",
        household_ids=[f.household_id for f in flags] + [p.household_id for p in placements],
        channel=_channel("home"),
    )
    return render(
        request,
        "livelihoods/home.html",
        {
            "openings": openings,
            "sessions": sessions,
            "flags": flags,
            "placements": placements,
            "find": FindHouseholdForm(),
            "is_office": user.role in OFFICE_ROLES,
            "is_admin": user.role in CATALOGUE_ROLES,
        },
    )


@login_required
def find_household(request):
    _reader(request)
    form = FindHouseholdForm(request.GET or None)
    if form.is_valid():
        household = household_by_number_for(
            request.user, form.cleaned_data["household_no"].strip(), channel=_channel("find")
        )
        return redirect("livelihoods:household", household.pk)
    messages.error(request, _("Enter a household number."))
    return redirect("livelihoods:home")


# --- a household's livelihood ----------------------------------------------------------------


def _household_forms(request, record, bound: dict | None = None) -> dict:
    user = request.user
    today = timezone.localdate()
    residents = list(record.household.residents.all())
    born_after, born_by = birth_date_bounds(today)
    working = [r for r in residents if r.birth_date and born_after < r.birth_date <= born_by]
    sessions = list(
        selectors.sessions_visible_to(user)
        .filter(ends_on__gte=today)
        .select_related("course")
        .order_by("starts_on")[:100]
    )
    forms = {
        "income_form": IncomeForm(),
        "year_form": YearForm(),
        "event_form": LifeEventForm(),
        "enrol_form": EnrolForm(sessions=sessions, residents=working),
        "business_form": BusinessForm(residents=residents),
        "loan_form": LoanForm(),
        "clear_form": ClearFlagForm(),
    }
    forms.update(bound or {})
    return {"working_age": working, "sessions": sessions, **forms}


def _chart(record) -> str:
    """The income trend as JSON for livelihoods/household_chart.js (no inline script)."""
    years = [y.year for y in record.years]
    series = {
        source: [
            float(record.income.get(y, {}).get(source).amount)
            if record.income.get(y, {}).get(source)
            else 0
            for y in years
        ]
        for source in IncomeSource.values
    }
    return json.dumps(
        {
            "years": [str(y) for y in years],
            "per_person": [float(y.income_per_person) for y in record.years],
            "per_person_label": _("Income per person"),
            "sources": [
                {"name": str(label), "data": series[value]}
                for value, label in IncomeSource.choices
                if any(series[value])
            ],
        }
    )


def _render_household(request, household_id: int, bound: dict | None = None):
    record = selectors.household_livelihood(
        request.user, household_id, channel=_channel("household")
    )
    for flag in record.flags:
        flag.explanation = flag_explanation(flag)
    context = {
        "record": record,
        "household": record.household,
        "sources": IncomeSource.choices,
        "chart": _chart(record),
        "income_rows": [
            {
                "year": y,
                "amounts": [
                    getattr(record.income.get(y.year, {}).get(src), "amount", None)
                    for src in IncomeSource.values
                ],
            }
            for y in record.years
        ],
        **_household_forms(request, record, bound),
    }
    status = 422 if bound and any(f.errors for f in bound.values()) else 200
    return render(request, "livelihoods/household.html", context, status=status)


@login_required
def household(request, household_id: int):
    _reader(request)
    return _render_household(request, household_id)


def _household_post(request, household_id: int, key: str, form, write):
    record_household = selectors.household_livelihood(
        request.user, household_id, channel=_channel(key)
    ).household
    if form.is_valid() and _run(request, form, lambda d: write(record_household, d)) is not None:
        messages.success(request, _("Saved."))
        return redirect("livelihoods:household", household_id)
    return _render_household(request, household_id, {key: form})


@login_required
@require_POST
def income_set(request, household_id: int):
    def write(h, d):
        return services.income_record_set(
            actor=request.user,
            household=h,
            year=d["year"],
            source=d["source"],
            amount=d["amount"],
            channel=_channel("income"),
        )

    return _household_post(request, household_id, "income_form", IncomeForm(request.POST), write)


@login_required
@require_POST
def year_set(request, household_id: int):
    def write(h, d):
        return services.household_year_set(
            actor=request.user,
            household=h,
            year=d["year"],
            members=d["members"],
            medical_spending=d["medical_spending"],
            channel=_channel("year"),
        )

    return _household_post(request, household_id, "year_form", YearForm(request.POST), write)


@login_required
@require_POST
def event_record(request, household_id: int):
    def write(h, d):
        return services.life_event_record(
            actor=request.user,
            household=h,
            kind=d["kind"],
            occurred_on=d["occurred_on"],
            note=d["note"],
            channel=_channel("event"),
        )

    return _household_post(request, household_id, "event_form", LifeEventForm(request.POST), write)


@login_required
@require_POST
def enrol(request, household_id: int):
    user = request.user
    sessions = selectors.sessions_visible_to(user).select_related("course")
    residents = list(
        selectors.household_livelihood(
            user, household_id, channel=_channel("enrol")
        ).household.residents.all()
    )
    form = EnrolForm(request.POST, sessions=sessions, residents=residents)

    def write(h, d):
        session = selectors.session_for(user, int(d["session"]))
        resident = resident_for(user, int(d["resident"]), channel=_channel("enrol"))
        if resident.household_id != h.pk:
            raise Http404
        return services.enrolment_create(
            actor=user,
            session=session,
            resident=resident,
            resident_agreed=d["resident_agreed"],
            channel=_channel("enrol"),
        )

    return _household_post(request, household_id, "enrol_form", form, write)


@login_required
@require_POST
def business_create(request, household_id: int):
    user = request.user
    residents = list(
        selectors.household_livelihood(
            user, household_id, channel=_channel("business")
        ).household.residents.all()
    )
    form = BusinessForm(request.POST, residents=residents)

    def write(h, d):
        owner = resident_for(user, int(d["owner"]), channel=_channel("business"))
        return services.business_create(
            actor=user,
            owner=owner,
            name=d["name"],
            trade=d["trade"],
            started_on=d["started_on"],
            licence_no=d["licence_no"],
            premises=d["premises"],
            premises_address=d["premises_address"],
            channel=_channel("business"),
        )

    return _household_post(request, household_id, "business_form", form, write)


@login_required
@require_POST
def loan_create(request, business_id: int):
    business = selectors.business_for(request.user, business_id, channel=_channel("loan"))
    form = LoanForm(request.POST)

    def write(h, d):
        return services.loan_create(
            actor=request.user,
            business=business,
            amount=d["amount"],
            bank=d["bank"],
            term_months=d["term_months"],
            disbursed_on=d["disbursed_on"],
            repayment=d["repayment"],
            channel=_channel("loan"),
        )

    return _household_post(request, business.household_id, "loan_form", form, write)


@login_required
@require_POST
def flag_clear(request, flag_id: int):
    flag = selectors.flag_for(request.user, flag_id, channel=_channel("flag_clear"))
    form = ClearFlagForm(request.POST)

    def write(h, d):
        return services.flag_clear(
            actor=request.user, flag=flag, note=d["note"], channel=_channel("flag_clear")
        )

    return _household_post(request, flag.household_id, "clear_form", form, write)


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


# --- training ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def courses(request):
    _reader(request)
    user = request.user
    course_form = session_form = None
    all_courses = list(selectors.courses_visible_to(user).order_by("title"))
    if user.role in OFFICE_ROLES:
        course_form = CourseForm(
            request.POST if request.POST.get("form") == "course" else None,
            skills=selectors.skills(),
        )
        session_form = SessionForm(
            request.POST if request.POST.get("form") == "session" else None,
            user=user,
            courses=all_courses,
        )
        if request.method == "POST" and course_form.is_bound and course_form.is_valid():
            skill = next(
                (s for s in selectors.skills() if s.pk == int(course_form.cleaned_data["skill"])),
                None,
            )
            done = _run(
                request,
                course_form,
                lambda d: services.course_create(
                    actor=user,
                    skill=skill,
                    title=d["title"],
                    provider=d["provider"],
                    hours=d["hours"],
                    description=d["description"],
                    channel=_channel("courses"),
                ),
            )
            if done is not None:
                return redirect("livelihoods:courses")
        if request.method == "POST" and session_form.is_bound and session_form.is_valid():
            done = _run(
                request,
                session_form,
                lambda d: services.session_create(
                    actor=user,
                    course=selectors.course_for(user, int(d["course"])),
                    trainer=d["trainer"],
                    area=d["area"],
                    venue=d["venue"],
                    starts_on=d["starts_on"],
                    ends_on=d["ends_on"],
                    capacity=d["capacity"],
                    channel=_channel("sessions"),
                ),
            )
            if done is not None:
                return redirect("livelihoods:session", done.pk)
    rates = selectors.course_rates([c.pk for c in all_courses])
    for course in all_courses:
        course.rates = rates.get(course.pk)
    sessions = (
        selectors.sessions_visible_to(user)
        .select_related("course", "area")
        .order_by("-starts_on")[:100]
    )
    forms = [f for f in (course_form, session_form) if f is not None]
    return render(
        request,
        "livelihoods/courses.html",
        {
            "courses": all_courses,
            "sessions": sessions,
            "course_form": course_form,
            "session_form": session_form,
        },
        status=_status(request, *forms),
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_detail(request, session_id: int):
    _reader(request)
    user = request.user
    session = selectors.session_for(user, session_id)
    enrolments = list(
        selectors.enrolments_visible_to(user)
        .filter(session=session)
        .select_related("resident", "household")
        .order_by("pk")
    )
    active = [e for e in enrolments if e.status != EnrolmentStatus.DROPPED]
    form = AttendanceForm(request.POST or None, enrolments=active)
    if request.method == "POST" and form.is_valid():
        done = _run(
            request,
            form,
            lambda d: services.attendance_record(
                actor=user,
                session=session,
                day=d["day"],
                present={int(i) for i in d["present"]},
                channel=_channel("attendance"),
            ),
        )
        if done is not None:
            messages.success(request, _("The register is saved."))
            return redirect("livelihoods:session", session.pk)
    taken = session.enrolments.exclude(status=EnrolmentStatus.DROPPED).count()
    return render(
        request,
        "livelihoods/session.html",
        {
            "session": session,
            "enrolments": enrolments,
            "attendance_form": form,
            "complete_form": CompleteForm(),
            "outcome_form": OutcomeForm(),
            "places_left": max(session.capacity - taken, 0),
        },
        status=_status(request, form),
    )


@login_required
@require_POST
def enrolment_action(request, enrolment_id: int, action: str):
    _reader(request)
    user = request.user
    enrolment = selectors.enrolment_for(user, enrolment_id, channel=_channel("enrolment"))
    channel = _channel("enrolment")
    try:
        if action == "complete":
            form = CompleteForm(request.POST)
            if not form.is_valid():
                raise ValidationError({"completed_on": _("Enter a date as YYYY-MM-DD.")})
            services.enrolment_complete(
                actor=user,
                enrolment=enrolment,
                completed_on=form.cleaned_data["completed_on"],
                certificate_no=form.cleaned_data["certificate_no"],
                channel=channel,
            )
            messages.success(request, _("Completed. The skill is added to the resident's profile."))
        elif action == "outcome":
            form = OutcomeForm(request.POST)
            if not form.is_valid():
                raise ValidationError({"outcome": _("Choose one of the listed values.")})
            services.enrolment_outcome(
                actor=user,
                enrolment=enrolment,
                outcome=form.cleaned_data["outcome"],
                channel=channel,
            )
        elif action == "drop":
            services.enrolment_drop(actor=user, enrolment=enrolment, channel=channel)
        else:
            raise Http404
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("livelihoods:session", enrolment.session_id)


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


# --- relapse watch, outcomes, skills ----------------------------------------------------------


def _summary_area(request):
    from doorstep.areas.selectors import area_for

    area_id = request.GET.get("area", "")
    if area_id.isdigit():
        return area_for(request.user, int(area_id))
    return request.user.area


@login_required
def relapse(request):
    user = request.user
    if not selectors.can_read(user) and user.role not in selectors.SUMMARY_ROLES:
        raise Http404
    summary = None
    if user.role in selectors.SUMMARY_ROLES and user.area_id is not None:
        summary = selectors.relapse_summary(user, _summary_area(request))
    flags = []
    if selectors.can_read(user):
        flags = list(
            selectors.flags_visible_to(user)
            .filter(status=FlagStatus.OPEN)
            .select_related("rule", "event", "household", "need")
            .order_by("-raised_at")[:LIST_SIZE]
        )
        for flag in flags:
            flag.explanation = flag_explanation(flag)
    rules = list(selectors.rules_for(user)) if user.role in RULE_ROLES else []
    trend = ""
    if summary is not None:
        trend = json.dumps(
            {
                "months": summary.months,
                "series": [
                    {"name": _("Flagged"), "data": summary.raised},
                    {"name": _("Cleared"), "data": summary.cleared},
                ],
            }
        )
    return render(
        request,
        "livelihoods/relapse.html",
        {"summary": summary, "flags": flags, "rules": rules, "trend": trend},
    )


@login_required
@require_POST
def rule_update(request, rule_id: int):
    user = request.user
    if user.role not in RULE_ROLES:
        raise Http404
    rule = selectors.rule_for(user, rule_id)
    form = RuleForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.rule_update(
                actor=user,
                rule=rule,
                is_active=d["is_active"],
                threshold=d["threshold"],
                share=d["share"],
                lookback_days=d["lookback_days"],
                channel=_channel("rules"),
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The rule is saved; the next evaluation uses it."))
    else:
        messages.error(request, _("The rule's values are not valid."))
    return redirect("livelihoods:relapse")


@login_required
def outcomes(request):
    user = request.user
    if user.role not in selectors.SUMMARY_ROLES or user.area_id is None:
        raise Http404
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None
    data = selectors.outcomes(user, _summary_area(request), year=year)
    return render(request, "livelihoods/outcomes.html", {"data": data})


@login_required
@require_http_methods(["GET", "POST"])
def skills(request):
    _reader(request)
    user = request.user
    form = SkillForm(request.POST or None) if user.role in CATALOGUE_ROLES else None
    if form is not None and request.method == "POST" and form.is_valid():
        done = _run(
            request,
            form,
            lambda d: services.skill_create(
                actor=user, code=d["code"], name=d["name"], channel=_channel("skills")
            ),
        )
        if done is not None:
            return redirect("livelihoods:skills")
    return render(
        request,
        "livelihoods/skills.html",
        {"skills": selectors.skills(), "form": form},
        status=_status(request, *(f for f in [form] if f)),
    )
