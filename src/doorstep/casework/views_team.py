"""Team leaders' pages: the pairing screen (pair one household, re-pair, assign many
to one worker, end a pairing) and the overdue drill-down (area → worker →
households). Reads through casework.selectors, writes through casework.services;
anyone outside the pairing or summary roles gets 404, as for any record outside scope.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from doorstep.areas.selectors import area_for, areas_visible_to
from doorstep.casework import selectors, services
from doorstep.casework.forms import BulkAssignForm, EndPairingForm, PairForm
from doorstep.casework.services.common import PAIRING_ROLES
from doorstep.core.pagination import BadCursor, keyset_page
from doorstep.privacy.services import audit_list_view

PAGE_SIZE = 50
OVERDUE_HOUSEHOLDS_MAX = 200
OVERDUE_WORKERS_MAX = 200


def _channel(name: str) -> str:
    return f"page:casework:{name}"


def _flash(request, exc: ValidationError | PermissionDenied) -> None:
    for message in getattr(exc, "messages", None) or [str(exc)]:
        messages.error(request, message)


def _require_pairing_role(user) -> None:
    if user.role not in PAIRING_ROLES or user.area_id is None:
        raise Http404


def _int_param(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


# --- the pairing screen -------------------------------------------------------------


@login_required
def pairing_screen(request):
    user = request.user
    _require_pairing_role(user)
    area_id = _int_param(request, "area")
    area = area_for(user, area_id) if area_id else user.area
    unpaired = request.GET.get("unpaired") == "1"
    orphaned = request.GET.get("orphaned") == "1"
    qs = selectors.households_for_pairing(user, area=area, unpaired=unpaired, orphaned=orphaned)
    try:
        page = keyset_page(qs, key="pk", cursor=request.GET.get("cursor"), size=PAGE_SIZE)
    except BadCursor:
        page = keyset_page(qs, key="pk", cursor=None, size=PAGE_SIZE)
    audit_list_view(
        actor=user,
        object_type="household_list",
        household_ids=[h.pk for h in page.items],
        channel=_channel("pairings"),
    )
    query = {
        "area": area.pk,
        "unpaired": "1" if unpaired else "",
        "orphaned": "1" if orphaned else "",
    }
    return render(
        request,
        "casework/pairing_screen.html",
        {
            "area": area,
            "children": areas_visible_to(user).filter(parent=area).order_by("code"),
            "unpaired": unpaired,
            "orphaned": orphaned,
            "orphaned_count": selectors.households_needing_new_worker_count(user, area=area),
            "page": page,
            "next_url": (
                f"?{urlencode({**query, 'cursor': page.next_cursor})}" if page.next_cursor else ""
            ),
            "back": f"{reverse('casework:pairings')}?{urlencode(query)}",
            "form": BulkAssignForm(workers=selectors.pairable_workers_for(user)),
        },
    )


@login_required
@require_POST
def pairing_bulk(request):
    user = request.user
    _require_pairing_role(user)
    form = BulkAssignForm(request.POST, workers=selectors.pairable_workers_for(user))
    back = request.POST.get("back") or reverse("casework:pairings")
    if not back.startswith(reverse("casework:pairings")):
        back = reverse("casework:pairings")
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        return redirect(back)
    try:
        created = services.pairings_bulk_assign(
            actor=user,
            worker=form.cleaned_data["worker"],
            household_ids=form.cleaned_data["household_ids"],
            started_on=form.cleaned_data["started_on"],
            channel=_channel("pairing_bulk"),
        )
    except (ValidationError, PermissionDenied) as exc:
        _flash(request, exc)
    else:
        messages.success(
            request,
            _("%(count)s households are now paired with %(name)s.")
            % {"count": len(created), "name": form.cleaned_data["worker"].username},
        )
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def household_pairing(request, household_id: int):
    """One household: its current pairing and history; pair, re-pair or end."""
    user = request.user
    _require_pairing_role(user)
    household = selectors.household_for_pairing(
        user, household_id, channel=_channel("household_pairing")
    )
    workers = selectors.pairable_workers_for(user)
    form = PairForm(request.POST or None, workers=workers)
    if request.method == "POST" and form.is_valid():
        try:
            services.pairing_create(
                actor=user,
                worker=form.cleaned_data["worker"],
                household=household,
                started_on=form.cleaned_data["started_on"],
                replace=True,
                channel=_channel("household_pairing"),
            )
        except ValidationError as exc:
            for field, errors in getattr(exc, "message_dict", {None: exc.messages}).items():
                form.add_error(field if field in form.fields else None, errors)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The pairing is saved."))
            return redirect("casework:household_pairing", household_id=household.pk)
    history = (
        selectors.pairings_visible_to(user)
        .filter(household=household)
        .select_related("worker")
        .order_by("-started_on", "-pk")
    )
    return render(
        request,
        "casework/household_pairing.html",
        {
            "household": household,
            "history": history,
            "form": form,
            "end_form": EndPairingForm(),
        },
    )


@login_required
@require_POST
def pairing_end(request, pairing_id: int):
    user = request.user
    _require_pairing_role(user)
    pairing = selectors.pairing_for(user, pairing_id)
    form = EndPairingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("until") + ": " + " ".join(form.errors.get("ended_on", [])))
    else:
        try:
            services.pairing_end(
                actor=user,
                pairing=pairing,
                ended_on=form.cleaned_data["ended_on"],
                channel=_channel("pairing_end"),
            )
        except (ValidationError, PermissionDenied) as exc:
            _flash(request, exc)
        else:
            messages.success(request, _("The pairing has ended."))
    return redirect("casework:household_pairing", household_id=pairing.household_id)


# --- the overdue drill-down ---------------------------------------------------------


@login_required
def overdue(request):
    """A summary per worker for an area (the caller's own by default); choosing a
    worker lists their overdue households; child areas narrow the summary down."""
    user = request.user
    if user.role not in selectors.SUMMARY_ROLES or user.area_id is None:
        raise Http404
    area_id = _int_param(request, "area")
    area = area_for(user, area_id) if area_id else user.area
    worker_id = _int_param(request, "worker")
    summary = selectors.overdue_summary(user, area, worker_limit=OVERDUE_WORKERS_MAX)
    households = worker = None
    if worker_id is not None:
        # One index range on the worker's schedule rows, whether or not they made the list.
        chosen = selectors.overdue_summary(user, area, worker_id=worker_id).workers
        if not chosen:
            raise Http404
        worker = chosen[0]
        households = list(
            selectors.overdue_households_for(user, area, worker_id=worker_id)[
                :OVERDUE_HOUSEHOLDS_MAX
            ]
        )
    return render(
        request,
        "casework/overdue.html",
        {
            "area": area,
            "parent": area.parent if area.parent_id and area.pk != user.area_id else None,
            "children": areas_visible_to(user).filter(parent=area).order_by("code"),
            "summary": summary,
            "worker": worker,
            "households": households,
            "households_max": OVERDUE_HOUSEHOLDS_MAX,
            "workers_max": OVERDUE_WORKERS_MAX,
            "can_read_policies": user.role in selectors.POLICY_VIEW_ROLES,
        },
    )
