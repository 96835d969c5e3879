"""Livelihoods pages: parse, call a selector or a service, render. Thin by design.

Reads go through livelihoods.selectors (404 outside the caller's scope); writes
through livelihoods.services, the same functions the API calls. A form refused by a
service comes back with the message on the field it names and status 422.


This module: the home page, a household's livelihood, the relapse watch, outcomes and
skills. Jobs, training and cooperatives have their own modules (views_jobs.py,
views_training.py, views_cooperatives.py), all on views_common.py.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from doorstep.livelihoods import selectors, services
from doorstep.livelihoods.forms import (
    BusinessForm,
    ClearFlagForm,
    EnrolForm,
    FindHouseholdForm,
    IncomeForm,
    LifeEventForm,
    LoanForm,
    RuleForm,
    SkillForm,
    YearForm,
)
from doorstep.livelihoods.models import (
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
from doorstep.livelihoods.views_common import (
    LIST_SIZE,
    _channel,
    _reader,
    _run,
    _status,
)
from doorstep.privacy.services import audit_list_view
from doorstep.registry.selectors import household_by_number_for, resident_for

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
