"""Pages that close the loops (services/loops.py): a placement's needs, its end or
change with a reason, and income by month. Each is a POST from the placement or
household page that comes back to it with a message; refusals name the field."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from doorstep.casework.models import UNRESOLVED, Need
from doorstep.livelihoods import selectors, services
from doorstep.livelihoods.models import IncomeSource, NeedLink, PlacementChange
from doorstep.livelihoods.services import income, loops


class PlacementEndForm(forms.Form):
    ended_on = forms.DateField(label=gettext_lazy("ended on"))
    reason = forms.CharField(label=gettext_lazy("reason"), max_length=2000)


class PlacementChangeForm(forms.Form):
    wage_monthly = forms.DecimalField(
        label=gettext_lazy("monthly wage (yuan)"), max_digits=10, decimal_places=2
    )
    reason = forms.CharField(label=gettext_lazy("reason"), max_length=2000)


class IncomeMonthForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("year"))
    month = forms.IntegerField(label=gettext_lazy("month"))
    source = forms.ChoiceField(label=gettext_lazy("source"), choices=IncomeSource.choices)
    amount = forms.DecimalField(
        label=gettext_lazy("amount (yuan)"), max_digits=14, decimal_places=2
    )


def _channel(name: str) -> str:
    return f"page:livelihoods:{name}"


def _flash(request, form=None, exc: Exception | None = None) -> None:
    if form is not None and form.errors:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                messages.error(request, f"{field}: {' '.join(errors)}")
        else:
            messages.error(request, " ".join(exc.messages))
    elif isinstance(exc, PermissionDenied):
        messages.error(request, str(exc) or _("Your role does not allow this."))


def placement_context(placement) -> dict:
    """What the placement page adds for the loops: its needs, the household's open
    needs it could answer, its changes, and the forms."""
    linked = list(
        Need.objects.filter(
            pk__in=NeedLink.objects.filter(placement=placement).values("need_id")
        ).order_by("pk")
    )
    linkable = list(
        Need.objects.filter(household_id=placement.household_id, status__in=UNRESOLVED)
        .exclude(pk__in=[n.pk for n in linked])
        .order_by("-opened_at")[:20]
    )
    return {
        "linked_needs": linked,
        "linkable_needs": linkable,
        "changes": list(PlacementChange.objects.filter(placement=placement).order_by("changed_at")),
        "end_form": PlacementEndForm(initial={"ended_on": timezone.localdate()}),
        "change_form": PlacementChangeForm(initial={"wage_monthly": placement.wage_monthly}),
    }


@login_required
@require_POST
def placement_needs(request, placement_id: int):
    placement = selectors.placement_for(request.user, placement_id, channel=_channel("link"))
    try:
        loops.help_link_needs(
            actor=request.user,
            kind="placement",
            obj=placement,
            need_ids=[i for i in request.POST.getlist("needs") if i.isdigit()],
            channel=_channel("link"),
        )
    except (ValidationError, PermissionDenied) as exc:
        _flash(request, exc=exc)
    else:
        messages.success(request, _("The placement is linked to the need."))
    return redirect("livelihoods:placement", placement.pk)


@login_required
@require_POST
def placement_end(request, placement_id: int):
    placement = selectors.placement_for(request.user, placement_id, channel=_channel("end"))
    form = PlacementEndForm(request.POST)
    if not form.is_valid():
        _flash(request, form)
        return redirect("livelihoods:placement", placement.pk)
    try:
        services.placement_end(
            actor=request.user,
            placement=placement,
            ended_on=form.cleaned_data["ended_on"],
            reason=form.cleaned_data["reason"],
            channel=_channel("end"),
        )
    except (ValidationError, PermissionDenied) as exc:
        _flash(request, exc=exc)
    else:
        messages.success(request, _("The placement is ended."))
    return redirect("livelihoods:placement", placement.pk)


@login_required
@require_POST
def placement_change(request, placement_id: int):
    placement = selectors.placement_for(request.user, placement_id, channel=_channel("change"))
    form = PlacementChangeForm(request.POST)
    if not form.is_valid():
        _flash(request, form)
        return redirect("livelihoods:placement", placement.pk)
    try:
        loops.placement_change(
            actor=request.user,
            placement=placement,
            wage_monthly=form.cleaned_data["wage_monthly"],
            reason=form.cleaned_data["reason"],
            on=None,
            channel=_channel("change"),
        )
    except (ValidationError, PermissionDenied) as exc:
        _flash(request, exc=exc)
    else:
        messages.success(request, _("The placement is changed."))
    return redirect("livelihoods:placement", placement.pk)


@login_required
@require_POST
def income_month(request, household_id: int):
    household = selectors.household_livelihood(
        request.user, household_id, channel=_channel("income_month")
    ).household
    form = IncomeMonthForm(request.POST)
    if not form.is_valid():
        _flash(request, form)
        return redirect("livelihoods:household", household_id)
    try:
        income.income_month_add(
            actor=request.user,
            household=household,
            channel=_channel("income_month"),
            **form.cleaned_data,
        )
    except (ValidationError, PermissionDenied) as exc:
        _flash(request, exc=exc)
    else:
        messages.success(request, _("Saved."))
    return redirect("livelihoods:household", household_id)
