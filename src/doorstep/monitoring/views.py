"""Monitoring pages: parse, call a selector or a service, render. Thin by design.

A form refused by a service comes back with the message: on the field it names
(422), or above the form when the step cannot be taken now (409). A role that may
not take a step gets 403; a record outside the caller's scope 404.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from doorstep.areas.models import Area, AreaLevel
from doorstep.areas.selectors import area_for
from doorstep.casework.models import Assistance, Need
from doorstep.core.pagination import BadCursor, keyset_page
from doorstep.livelihoods.models import Enrolment, MicroLoan, Placement
from doorstep.monitoring import rules, selectors, services
from doorstep.monitoring.forms import (
    FilterForm,
    LineForm,
    MeasureForm,
    ObjectionForm,
    PolicyForm,
    ProposalForm,
    ResubmitForm,
    ReviewForm,
    StatusForm,
    StepForm,
)
from doorstep.monitoring.models import (
    OPEN_STAGES,
    MeasureKind,
    MonitoringLine,
    Proposal,
    ProposalSource,
    Stage,
)
from doorstep.privacy.services import audit_list_view

PAGE_LIMIT = 200


def _channel(name: str) -> str:
    return f"page:monitoring:{name}"


def _reader(request) -> None:
    if not selectors.can_read(request.user):
        raise Http404


def _run(request, form, write):
    """Run a service; on refusal put its message on the form. Returns (result, status)."""
    try:
        return write(form.cleaned_data), 200
    except ValidationError as exc:
        for field, errors in getattr(exc, "message_dict", {None: exc.messages}).items():
            form.add_error(field if field in form.fields else None, errors)
        return None, 422
    except services.StepRefused as exc:
        form.add_error(None, exc.message)
        return None, 409


@login_required
def home(request):
    if not selectors.can_read(request.user):
        if selectors.can_see_figures(request.user):
            return redirect("monitoring:figures")
        raise Http404
    open_proposals = list(
        selectors.proposals_visible_to(request.user)
        .filter(stage__in=OPEN_STAGES)
        .select_related("household__area")
        .order_by("created_at")[:PAGE_LIMIT]
    )
    audit_list_view(
        actor=request.user,
        object_type="monitoring_proposal_list",
        household_ids=[p.household_id for p in open_proposals],
        channel=_channel("home"),
    )
    villages = {}
    for p in open_proposals:
        if p.stage == Stage.NOTICE:
            village = rules.village_of(p.household.area)
            villages[village.pk] = village
    return render(
        request,
        "monitoring/home.html",
        {
            "proposals": open_proposals,
            "notice_villages": list(villages.values()),
            "can_set_policy": request.user.role in rules.COUNTY_ROLES,
        },
    )


@login_required
def household_list(request):
    """Households by poverty status and type, a keyset page at a time (area path, then
    household number: the registry's list order and index), the filters kept in the
    next page's link."""
    _reader(request)
    form = FilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(
            request,
            "monitoring/households.html",
            {"form": form, "page": None},
            status=400,
        )
    data = form.cleaned_data if form.is_bound else {}
    qs = selectors.households_with_status(
        request.user,
        status=data.get("status", ""),
        monitoring_type=data.get("monitoring_type", ""),
    )
    try:
        page = keyset_page(
            qs,
            key=("area_path", "household_no"),
            cursor=request.GET.get("cursor") or None,
            size=settings.DOORSTEP_PAGE_SIZE,
        )
    except BadCursor:
        form.add_error(None, _("This page link is not valid. Start again from the list."))
        return render(
            request, "monitoring/households.html", {"form": form, "page": None}, status=400
        )
    audit_list_view(
        actor=request.user,
        object_type="household_list",
        household_ids=[h.pk for h in page.items],
        channel=_channel("households"),
    )
    return render(request, "monitoring/households.html", {"form": form, "page": page})


def _records(household) -> list[tuple[str, str]]:
    """The household's records a help measure may point at, as form choices."""
    choices = []
    for need in Need.objects.filter(household=household).order_by("-pk")[:50]:
        choices.append(
            (f"{MeasureKind.NEED}:{need.pk}", f"{MeasureKind.NEED.label}: {need.shown_title}")
        )
    for a in Assistance.objects.filter(need__household=household).order_by("-pk")[:50]:
        choices.append(
            (
                f"{MeasureKind.ASSISTANCE}:{a.pk}",
                f"{MeasureKind.ASSISTANCE.label}: {a.get_kind_display()}",
            )
        )
    for p in Placement.objects.filter(household=household).select_related("opening")[:50]:
        choices.append(
            (f"{MeasureKind.PLACEMENT}:{p.pk}", f"{MeasureKind.PLACEMENT.label}: {p.opening.title}")
        )
    for e in Enrolment.objects.filter(household=household).select_related("session__course")[:50]:
        choices.append(
            (
                f"{MeasureKind.ENROLMENT}:{e.pk}",
                f"{MeasureKind.ENROLMENT.label}: {e.session.course.title}",
            )
        )
    for loan in MicroLoan.objects.filter(business__household=household)[:50]:
        choices.append(
            (f"{MeasureKind.LOAN}:{loan.pk}", f"{MeasureKind.LOAN.label}: {loan.amount}")
        )
    return choices


def _render_household(request, household_id: int, forms: dict | None = None, status: int = 200):
    record = selectors.household_record(request.user, household_id, channel=_channel("household"))
    household = record["household"]
    context = {
        **record,
        "proposal_form": ProposalForm(),
        "measure_form": MeasureForm(records=_records(household)),
        "review_form": ReviewForm(initial={"reviewed_on": timezone.localdate()}),
        "status_form": StatusForm(),
        "can_set_status": request.user.role in rules.STATUS_ROLES,
        "today": timezone.localdate(),
        **(forms or {}),
    }
    return render(request, "monitoring/household.html", context, status=status)


@login_required
def household(request, household_id: int):
    _reader(request)
    return _render_household(request, household_id)


def _household_post(request, household_id, key, form, write):
    _reader(request)
    h = selectors.household_record(request.user, household_id, channel=_channel(key))["household"]
    if form.is_valid():
        result, status = _run(request, form, lambda d: write(h, d))
        if result is not None:
            messages.success(request, _("Saved."))
            return redirect("monitoring:household", household_id)
    else:
        status = 422
    return _render_household(request, household_id, {key: form}, status=status)


@login_required
@require_POST
def propose(request, household_id: int):
    def write(h, d):
        return services.proposal_create(
            actor=request.user,
            household=h,
            kind=d["kind"],
            source=ProposalSource.WORKER,
            monitoring_type=d["monitoring_type"],
            risk_kinds=d["risk_kinds"],
            note=d["note"],
            channel=_channel("propose"),
        )

    return _household_post(
        request, household_id, "proposal_form", ProposalForm(request.POST), write
    )


@login_required
@require_POST
def measure(request, household_id: int):
    _reader(request)
    h = selectors.household_record(request.user, household_id, channel=_channel("measure"))[
        "household"
    ]
    form = MeasureForm(request.POST, records=_records(h))

    def write(h, d):
        kind, record_id = d["record"]
        return services.measure_record(
            actor=request.user,
            household=h,
            kind=kind,
            record_id=record_id,
            description=d["description"],
            started_on=d["started_on"],
            channel=_channel("measure"),
        )

    return _household_post(request, household_id, "measure_form", form, write)


@login_required
@require_POST
def review(request, household_id: int):
    def write(h, d):
        return services.review_record(
            actor=request.user,
            household=h,
            reviewed_on=d["reviewed_on"],
            note=d["note"],
            channel=_channel("review"),
        )

    return _household_post(request, household_id, "review_form", ReviewForm(request.POST), write)


@login_required
@require_POST
def status_set(request, household_id: int):
    def write(h, d):
        return services.status_set(
            actor=request.user,
            household=h,
            status=d["status"],
            lifted_year=d["lifted_year"],
            channel=_channel("status"),
        )

    return _household_post(request, household_id, "status_form", StatusForm(request.POST), write)


def _render_proposal(request, proposal: Proposal, forms: dict | None = None, status: int = 200):
    context = {
        "proposal": proposal,
        **selectors.proposal_detail(proposal),
        "step_form": StepForm(initial={"meeting_on": timezone.localdate()}),
        "objection_form": ObjectionForm(initial={"received_on": timezone.localdate()}),
        "may_take": rules.may_take(request.user, proposal.stage),
        "today": timezone.localdate(),
        "notice_open": proposal.stage == Stage.NOTICE
        and proposal.notice_ends_on
        and timezone.localdate() < proposal.notice_ends_on,
        "village": rules.village_of(proposal.household.area),
        "may_resubmit": proposal.stage == Stage.RETURNED and request.user.role in rules.FIELD_ROLES,
        "resubmit_form": ResubmitForm(
            initial={
                "monitoring_type": proposal.monitoring_type,
                "risk_kinds": [c for c in proposal.risk_kinds.split(",") if c],
                "note": proposal.note,
            }
        ),
        **(forms or {}),
    }
    return render(request, "monitoring/proposal.html", context, status=status)


@login_required
def proposal(request, proposal_id: int):
    _reader(request)
    p = selectors.proposal_for(request.user, proposal_id, channel=_channel("proposal"))
    return _render_proposal(request, p)


@login_required
@require_POST
def step(request, proposal_id: int):
    _reader(request)
    p = selectors.proposal_for(request.user, proposal_id, channel=_channel("step"))
    form = StepForm(request.POST)
    if not form.is_valid():
        return _render_proposal(request, p, {"step_form": form}, status=422)
    result, status = _run(
        request,
        form,
        lambda d: services.step_take(
            actor=request.user,
            proposal=p,
            stage=request.POST.get("stage", ""),
            decision=d["decision"],
            reason=d["reason"],
            meeting_on=d["meeting_on"],
            attendees=d["attendees"],
            monitoring_type=d["monitoring_type"],
            channel=_channel("step"),
        ),
    )
    if result is None:
        p.refresh_from_db()
        return _render_proposal(request, p, {"step_form": form}, status=status)
    messages.success(request, _("Saved."))
    return redirect("monitoring:proposal", p.pk)


@login_required
@require_POST
def resubmit(request, proposal_id: int):
    _reader(request)
    p = selectors.proposal_for(request.user, proposal_id, channel=_channel("resubmit"))
    form = ResubmitForm(request.POST)
    if not form.is_valid():
        return _render_proposal(request, p, {"resubmit_form": form}, status=422)
    result, status = _run(
        request,
        form,
        lambda d: services.proposal_resubmit(
            actor=request.user,
            proposal=p,
            reason=d["reason"],
            monitoring_type=d["monitoring_type"],
            risk_kinds=d["risk_kinds"],
            note=d["note"],
            channel=_channel("resubmit"),
        ),
    )
    if result is None:
        p.refresh_from_db()
        return _render_proposal(request, p, {"resubmit_form": form}, status=status)
    messages.success(request, _("Resubmitted."))
    return redirect("monitoring:proposal", p.pk)


@login_required
@require_POST
def objection(request, proposal_id: int):
    _reader(request)
    p = selectors.proposal_for(request.user, proposal_id, channel=_channel("objection"))
    form = ObjectionForm(request.POST)
    if not form.is_valid():
        return _render_proposal(request, p, {"objection_form": form}, status=422)
    result, status = _run(
        request,
        form,
        lambda d: services.objection_record(
            actor=request.user,
            proposal=p,
            received_on=d["received_on"],
            summary=d["summary"],
            channel=_channel("objection"),
        ),
    )
    if result is None:
        return _render_proposal(request, p, {"objection_form": form}, status=status)
    messages.success(request, _("Saved."))
    return redirect("monitoring:proposal", p.pk)


@login_required
def notice(request, area_id: int):
    village, proposals = selectors.notice_for(request.user, area_id)
    policy = rules.policy_for(rules.county_of(village)) if rules.county_of(village) else None
    return render(
        request,
        "monitoring/notice.html",
        {
            "village": village,
            "proposals": proposals,
            "policy": policy,
            "notice_languages": ["zh-hans", "ug"],
        },
    )


def _period(request) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = today.replace(month=1, day=1)
    try:
        end = dt.date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        end = today
    if end < start or start.year < 2000 or end.year > 2100:
        start, end = today.replace(month=1, day=1), today
    return start, end


@login_required
def figures(request):
    raw = request.GET.get("area", "")
    area = selectors.figures_area(request.user, int(raw) if raw.isdigit() else None)
    start, end = _period(request)
    return render(
        request,
        "monitoring/figures.html",
        {"figures": selectors.figures(request.user, area, start=start, end=end)},
    )


def _county_for_policy(request) -> Area:
    raw = request.GET.get("county") or request.POST.get("county") or ""
    if raw.isdigit():
        county = area_for(request.user, int(raw))
    else:
        county = rules.county_of(request.user.area) if request.user.area else None
        if county is None:
            county = (
                Area.objects.within(request.user.area)
                .filter(level=AreaLevel.COUNTY)
                .order_by("code")
                .first()
                if request.user.area
                else None
            )
    if county is None or county.level != AreaLevel.COUNTY:
        raise Http404
    return county


@login_required
@require_http_methods(["GET", "POST"])
def policy(request):
    if request.user.role not in rules.COUNTY_ROLES:
        raise PermissionDenied(_("Only a supervisor of the county decides for the county."))
    county = _county_for_policy(request)
    current = rules.policy_for(county)
    form = PolicyForm(
        request.POST if request.POST.get("form") == "policy" else None,
        initial={
            "village_review": current.village_review,
            "township_review": current.township_review,
            "notice_days": current.notice_days,
            "stable_years": current.stable_years,
            "review_days": current.review_days,
        },
    )
    line_form = LineForm(request.POST if request.POST.get("form") == "line" else None)
    status = 200
    if request.method == "POST":
        target = form if request.POST.get("form") == "policy" else line_form
        if target.is_valid():
            if target is form:
                _result, status = _run(
                    request,
                    form,
                    lambda d: services.policy_update(
                        actor=request.user, county=county, channel=_channel("policy"), **d
                    ),
                )
            else:
                _result, status = _run(
                    request,
                    line_form,
                    lambda d: services.line_set(
                        actor=request.user, county=county, channel=_channel("line"), **d
                    ),
                )
            if status == 200:
                messages.success(request, _("Saved."))
                return redirect(f"{request.path}?county={county.pk}")
        else:
            status = 422
    return render(
        request,
        "monitoring/policy.html",
        {
            "county": county,
            "form": form,
            "line_form": line_form,
            "lines": MonitoringLine.objects.filter(county=county).order_by("-year"),
        },
        status=status,
    )
