"""Casework pages: parse the request, call a selector or a service, render.

The worker's home is the due list; logging a visit from it is one tap on the household
("Log a visit"), typing, and one tap on "Save". Reads go through casework.selectors
(404 outside the scope); writes through casework.services, the same functions the API
calls.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from doorstep.accounts.models import Role
from doorstep.casework import selectors, services
from doorstep.casework.forms import (
    AssistanceStatusForm,
    BenefitForm,
    ContactForm,
    FeedbackForm,
    MaterialForm,
    NeedForm,
    ReferralAnswerForm,
    ReferralForm,
    TransitionForm,
)
from doorstep.casework.models import UNRESOLVED, BenefitStatus, NeedStatus, ReferralStatus
from doorstep.casework.services.common import CASEWORK_ROLES, PAIRING_ROLES
from doorstep.casework.services.needs import TRANSITIONS
from doorstep.casework.services.referrals import BENEFIT_STEPS
from doorstep.privacy.services import audit_list_view
from doorstep.registry.selectors import household_head

PAGE_LIST_SIZE = 50
# The home page lists the most overdue workers; the overdue page has the rest.
HOME_WORKERS = 20


def _channel(name: str) -> str:
    return f"page:casework:{name}"


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _flash_errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def home(request):
    user = request.user
    due = selectors.due_list_for(user, channel=_channel("home"))
    mine = (
        selectors.needs_visible_to(user)
        .filter(owner=user, status__in=UNRESOLVED)
        .select_related("household")
        .order_by("resolve_due_at")[:PAGE_LIST_SIZE]
    )
    escalated = (
        selectors.escalated_needs_visible_to(user)
        .filter(status__in=UNRESOLVED)
        .select_related("household", "owner")
        .order_by("resolve_due_at")[:PAGE_LIST_SIZE]
    )
    mine, escalated = list(mine), list(escalated)
    audit_list_view(
        actor=user,
        object_type="need_list",
        household_ids=[n.household_id for n in mine + escalated],
        channel=_channel("home"),
    )
    summary = feedback = None
    if user.role in selectors.SUMMARY_ROLES and user.area_id is not None:
        summary = selectors.overdue_summary(user, user.area, worker_limit=HOME_WORKERS)
        feedback = selectors.feedback_summary(user, user.area)
    return render(
        request,
        "casework/home.html",
        {
            "due": due,
            "mine": mine,
            "escalated": escalated,
            "summary": summary,
            "feedback": feedback,
            "is_responder": user.role == Role.RESPONDER,
            "can_pair": user.role in PAIRING_ROLES and user.area_id is not None,
            "is_admin": user.role == Role.ADMIN,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request, household_id: int):
    user = request.user
    household = selectors.household_reachable_for(
        user, household_id, channel=_channel("contact_create")
    )
    if user.role not in CASEWORK_ROLES:
        raise Http404
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.contact_log(
                actor=user,
                household=household,
                kind=data["kind"],
                occurred_at=data["occurred_at"],
                ended_at=data["ended_at"],
                duration_minutes=data["duration_minutes"] or 0,
                met_with=data["met_with"],
                notes=data["notes"],
                needs_found=data["needs_found"],
                client_id=data["client_id"],
                channel=_channel("contact_create"),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The contact is saved."))
            # Opened from the household page: back to it, where the visit now shows on
            # the timeline; from the due list: back to the list.
            if _back_to_household(request):
                return redirect("registry:household", household_id=household.pk)
            return redirect("casework:home")
    return render(
        request,
        "casework/contact_form.html",
        {"form": form, "household": household, "head": household_head(household)},
    )


def _back_to_household(request) -> bool:
    # A fixed choice, not a URL: nothing for an open redirect to ride on.
    return request.GET.get("back") == "household"


@login_required
@require_http_methods(["GET", "POST"])
def need_create(request, household_id: int):
    user = request.user
    household = selectors.household_reachable_for(
        user, household_id, channel=_channel("need_create")
    )
    if user.role not in CASEWORK_ROLES:
        raise Http404
    form = NeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            need = services.need_open(
                actor=user,
                household=household,
                channel=_channel("need_create"),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The need is opened."))
            return redirect("casework:need", need_id=need.pk)
    return render(
        request,
        "casework/need_form.html",
        {"form": form, "household": household, "head": household_head(household)},
    )


@login_required
def need_detail(request, need_id: int):
    user = request.user
    need = selectors.need_for(user, need_id, channel=_channel("need"))
    can_work = user.role in CASEWORK_ROLES
    # Responders record the help their unit gives (services.assistance_record checks).
    can_help = can_work or user.role == Role.RESPONDER
    actions = [
        (action, services.NeedAction(action).label)
        for action in services.allowed_actions(need)
        if user.role in TRANSITIONS[action].roles
    ]
    return render(
        request,
        "casework/need_detail.html",
        {
            "need": need,
            # Staff name the household by its head and open its page; a department's
            # responder keeps seeing the number only (they cannot open the household).
            "head": household_head(need.household) if can_work else None,
            "timeline": selectors.need_timeline(need),
            "actions": actions,
            "transition_form": TransitionForm(initial={"version": need.version}),
            "referrals": need.referrals.select_related("unit").order_by("created_at"),
            "units": selectors.units_taking_referrals() if can_work else [],
            "referral_form": ReferralForm() if can_work and need.status in UNRESOLVED else None,
            "assistance": _assistance_rows(need),
            "benefit_form": BenefitForm(auto_id="benefit_%s") if can_help else None,
            "material_form": MaterialForm(auto_id="material_%s") if can_help else None,
            "feedback_form": (
                FeedbackForm()
                if can_work
                and need.status in (NeedStatus.RESOLVED, NeedStatus.CONFIRMED)
                and not need.feedback.filter(cycle=need.cycle).exists()
                else None
            ),
        },
    )


def _assistance_rows(need) -> list:
    """The need's help, each benefit with the statuses it may move to next."""
    rows = list(need.assistance.order_by("given_on", "pk"))
    for row in rows:
        steps = BENEFIT_STEPS.get(row.benefit_status, set()) if row.benefit_status else set()
        row.next_statuses = [(s, BenefitStatus(s).label) for s in sorted(steps)]
    return rows


@login_required
@require_POST
def need_move(request, need_id: int):
    user = request.user
    need = selectors.need_for(user, need_id, channel=_channel("need_transition"))
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The request is not valid."))
        return redirect("casework:need", need_id=need.pk)
    data = form.cleaned_data
    try:
        services.need_transition(
            actor=user,
            need=need,
            action=data["action"],
            expected_version=data["version"],
            note=data["note"],
            client_id=data["client_id"],
            channel=_channel("need_transition"),
        )
    except services.NeedConflict as conflict:
        messages.error(
            request,
            _(
                "Someone else changed this need after you opened it (%(fields)s). "
                "Nothing was saved: check the page as it is now and try again."
            )
            % {"fields": ", ".join(conflict.changed_fields) or "—"},
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect("casework:need", need_id=need.pk)


@login_required
@require_POST
def need_refer(request, need_id: int):
    user = request.user
    need = selectors.need_for(user, need_id, channel=_channel("need_refer"))
    form = ReferralForm(request.POST)
    if form.is_valid():
        unit = selectors.units_taking_referrals().filter(pk=form.cleaned_data["unit"]).first()
        try:
            if unit is None:
                raise ValidationError(_("Choose a unit from the list."))
            services.referral_create(
                actor=user,
                need=need,
                unit=unit,
                note=form.cleaned_data["note"],
                resident_agreed=form.cleaned_data["resident_agreed"],
                client_id=form.cleaned_data["client_id"],
                channel=_channel("need_refer"),
            )
        except ValidationError as exc:
            _flash_errors(request, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The need is referred."))
    else:
        messages.error(request, _("Choose a unit from the list."))
    return redirect("casework:need", need_id=need.pk)


@login_required
@require_POST
def need_feedback(request, need_id: int):
    user = request.user
    need = selectors.need_for(user, need_id, channel=_channel("need_feedback"))
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.feedback_record(
                actor=user,
                need=need,
                satisfaction=form.cleaned_data["satisfaction"],
                comment=form.cleaned_data["comment"],
                client_id=form.cleaned_data["client_id"],
                channel=_channel("need_feedback"),
            )
        except ValidationError as exc:
            _flash_errors(request, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The resident's feedback is saved."))
    else:
        messages.error(request, _("Choose a satisfaction from 1 to 5."))
    return redirect("casework:need", need_id=need.pk)


@login_required
def referral_inbox(request):
    referrals = (
        selectors.referrals_visible_to(request.user)
        .select_related("need", "need__household", "unit")
        .order_by("-created_at")[:PAGE_LIST_SIZE]
    )
    referrals = list(referrals)
    audit_list_view(
        actor=request.user,
        object_type="referral_list",
        household_ids=[r.need.household_id for r in referrals],
        channel=_channel("referrals"),
    )
    return render(
        request,
        "casework/referral_inbox.html",
        {"referrals": referrals, "statuses": ReferralStatus},
    )


@login_required
@require_POST
def referral_answer(request, referral_id: int):
    user = request.user
    referral = selectors.referral_for(user, referral_id, channel=_channel("referral_answer"))
    form = ReferralAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The request is not valid."))
        return redirect("casework:referrals")
    answer, note = form.cleaned_data["answer"], form.cleaned_data["note"]
    channel = _channel("referral_answer")
    try:
        if answer == "accept":
            services.referral_accept(actor=user, referral=referral, note=note, channel=channel)
        elif answer == "decline":
            services.referral_decline(actor=user, referral=referral, reason=note, channel=channel)
        else:
            services.referral_record_action(
                actor=user,
                referral=referral,
                note=note,
                completed=answer in ("done", "final"),
                final=answer == "final",
                channel=channel,
            )
    except ValidationError as exc:
        _flash_errors(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your answer is saved."))
    return redirect("casework:referrals")


# --- assistance on the need page ------------------------------------------------------


@login_required
@require_POST
def need_assistance(request, need_id: int):
    """Record a benefit application or material help (the form says which)."""
    user = request.user
    need = selectors.need_for(user, need_id, channel=_channel("need_assistance"))
    kind = request.POST.get("kind")
    form_class = {"benefit": BenefitForm, "material": MaterialForm}.get(kind)
    if form_class is None:
        messages.error(request, _("Choose a benefit application or material help."))
        return redirect("casework:need", need_id=need.pk)
    form = form_class(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        return redirect("casework:need", need_id=need.pk)
    try:
        services.assistance_record(
            actor=user,
            need=need,
            kind=kind,
            channel=_channel("need_assistance"),
            **form.cleaned_data,
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The help is recorded."))
    return redirect("casework:need", need_id=need.pk)


@login_required
@require_POST
def assistance_status(request, assistance_id: int):
    """Move a benefit application on: approved or rejected, then paid."""
    user = request.user
    assistance = selectors.assistance_for(user, assistance_id)
    form = AssistanceStatusForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label}: {' '.join(errors)}")
        return redirect("casework:need", need_id=assistance.need_id)
    try:
        services.assistance_set_status(
            actor=user,
            assistance=assistance,
            status=form.cleaned_data["status"],
            amount=form.cleaned_data["amount"],
            channel=_channel("assistance_status"),
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The application is updated."))
    return redirect("casework:need", need_id=assistance.need_id)
