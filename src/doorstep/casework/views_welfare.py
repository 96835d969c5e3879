"""Welfare-check pages: the rounds (start, watch coverage live, escalate, reassign,
close) for team leaders, supervisors and administrators, and the check itself for the
worker it is given to. Reads through casework.selectors_welfare, writes through
casework.services.welfare (the same functions the API calls).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from doorstep.accounts.models import Role
from doorstep.casework import selectors_welfare as sel
from doorstep.casework.forms_welfare import CheckForm, RoundForm
from doorstep.casework.models import Urgency, WelfareCheckStatus
from doorstep.casework.services import welfare as svc
from doorstep.core.htmx import fragment
from doorstep.privacy.services import audit_list_view

ESCALATION_ROWS = 100
ROUND_ROWS = 50
MY_CHECK_ROWS = 200
NO_ROUNDS = frozenset({Role.ANALYST, Role.RESPONDER})


def _channel(name: str) -> str:
    return f"page:casework:{name}"


def _add_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        if field.startswith("answers."):
            field = "q_" + field.removeprefix("answers.")
        form.add_error(field if field in form.fields else None, errors)


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


@login_required
def welfare_rounds(request):
    """Rounds for those who run them; everyone with checks sees theirs."""
    user = request.user
    if user.role in NO_ROUNDS:
        raise Http404
    rounds = list(
        sel.rounds_visible_to(user)
        .select_related("area")
        .order_by("status", "-starts_on", "-pk")[:ROUND_ROWS]
    )
    totals = sel.round_totals_for(user, rounds) if rounds else {}
    for r in rounds:
        r.tally = totals[r.pk]
    checks = list(sel.my_checks(user)[:MY_CHECK_ROWS])
    audit_list_view(
        actor=user,
        object_type="welfare_check_list",
        household_ids=[c.household_id for c in checks],
        channel=_channel("welfare_rounds"),
    )
    return render(
        request,
        "casework/welfare_rounds.html",
        {
            "rounds": rounds,
            "may_start": user.role in svc.ROUND_ROLES and user.area_id is not None,
            "checks": checks,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def welfare_round_new(request):
    user = request.user
    if user.role not in svc.ROUND_ROLES or user.area_id is None:
        raise Http404
    form = RoundForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            if data["preset"]:
                criteria = svc.PRESETS[data["preset"]][1]
            else:
                criteria = svc.RoundCriteria(
                    categories=tuple(data["categories"]),
                    min_age=data["min_age"],
                    max_age=data["max_age"],
                    heads_only=data["heads_only"],
                )
            if data["deadline"] is None:
                form.add_error("deadline", _("Give the round a deadline."))
            else:
                try:
                    started = svc.welfare_round_start(
                        actor=user,
                        area=data["area"],
                        name=data["name"],
                        deadline=data["deadline"],
                        criteria=criteria,
                        checklist=data["checklist"],
                        extra_questions=form.extra_list(),
                        interval_days=data["interval_days"],
                        channel=_channel("welfare_round_new"),
                    )
                except ValidationError as exc:
                    _add_errors(form, exc)
                else:
                    messages.success(
                        request,
                        _(
                            "The round has started: %(checks)s residents to check, "
                            "%(nearest)s households given to the nearest worker, "
                            "%(none)s without a worker."
                        )
                        % {
                            "checks": started.checks,
                            "nearest": started.nearest,
                            "none": started.unassigned,
                        },
                    )
                    return redirect("casework:welfare_round", started.welfare_round.pk)
        status = 400
    return render(request, "casework/welfare_round_form.html", {"form": form}, status=status)


def _round_context(request, round_id: int) -> dict:
    user = request.user
    welfare_round = sel.round_for(user, round_id)
    area = sel.round_area_for(user, welfare_round, _int(request.GET.get("area")))
    coverage = sel.round_coverage(welfare_round, area)
    return {"round": welfare_round, "area": area, "coverage": coverage}


@login_required
def welfare_round(request, round_id: int):
    context = _round_context(request, round_id)
    user = request.user
    welfare_round, area = context["round"], context["area"]
    root = sel.round_root(user, welfare_round)
    status = request.GET.get("status")
    if status not in (WelfareCheckStatus.NOT_REACHED, WelfareCheckStatus.PENDING):
        status = WelfareCheckStatus.NOT_REACHED
    context.update(
        {
            "crumbs": [a for a in area.ancestors() if a.is_within(root)] if area != root else [],
            "escalation": list(
                sel.checks_to_escalate(user, welfare_round, area, status=status)[:ESCALATION_ROWS]
            ),
            "escalation_status": status,
            "workers": list(sel.reassignable_workers_for(user)[:500])
            if welfare_round.is_open
            else [],
            "may_close": welfare_round.is_open and welfare_round.area.is_within(user.area),
            "questions": svc.round_questions(welfare_round),
        }
    )
    return render(request, "casework/welfare_round.html", context)


@fragment
@login_required
def welfare_round_coverage(request, round_id: int):
    """The coverage panel alone: the round page polls it (htmx) while the round is open."""
    return render(request, "casework/welfare_coverage.html", _round_context(request, round_id))


@login_required
def welfare_round_map(request, round_id: int):
    context = _round_context(request, round_id)
    return JsonResponse(sel.round_map(context["round"], context["coverage"]))


@login_required
@require_POST
def welfare_round_close(request, round_id: int):
    welfare_round = sel.round_for(request.user, round_id)
    try:
        svc.welfare_round_close(
            actor=request.user, welfare_round=welfare_round, channel=_channel("welfare_round")
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The round is closed."))
    return redirect("casework:welfare_round", welfare_round.pk)


@login_required
@require_POST
def welfare_round_reassign(request, round_id: int):
    user = request.user
    welfare_round = sel.round_for(user, round_id)
    back = reverse("casework:welfare_round", args=[welfare_round.pk])
    if area := _int(request.POST.get("area")):
        back += f"?area={area}"
    ids = [i for i in (_int(v) for v in request.POST.getlist("checks")) if i is not None]
    try:
        worker = sel.worker_for_reassignment(user, _int(request.POST.get("worker")) or 0)
        count = svc.welfare_checks_reassign(
            actor=user,
            welfare_round=welfare_round,
            check_ids=ids,
            worker=worker,
            checks_in_scope=sel.checks_managed_by(user, welfare_round),
            channel=_channel("welfare_round"),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(count)s residents given to %(worker)s.")
            % {"count": count, "worker": worker.get_full_name() or worker.username},
        )
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def welfare_check(request, check_id: int):
    user = request.user
    check = sel.check_for(user, check_id, channel=_channel("welfare_check"))
    questions = svc.round_questions(check.round)
    form = CheckForm(request.POST or None, questions=questions, initial={"version": check.version})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                recorded = svc.welfare_check_record(
                    actor=user,
                    check=check,
                    outcome=data["outcome"],
                    expected_version=data["version"],
                    answers=form.answers(),
                    note=data["note"],
                    kind=data["kind"],
                    need_category=data["need_category"] or None,
                    need_urgency=data["need_urgency"] or Urgency.HIGH,
                    channel=_channel("welfare_check"),
                )
            except svc.WelfareConflict:
                form.add_error(
                    None, _("Someone else changed this check after you opened it. Look again.")
                )
                check = sel.check_for(user, check_id, channel=_channel("welfare_check"))
                status = 409
            except ValidationError as exc:
                _add_errors(form, exc)
                status = 400
            else:
                if recorded.need_id:
                    messages.warning(
                        request, _("The check is saved and a need was opened for the problem.")
                    )
                else:
                    messages.success(request, _("The check is saved."))
                return redirect("casework:home")
        else:
            status = 400
    return render(
        request,
        "casework/welfare_check.html",
        {"check": check, "form": form, "questions": questions},
        status=status,
    )
