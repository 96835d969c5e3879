"""The holiday roster page: plan a whole Spring Festival or National Day for an office
in one go (hotline.services.holiday_roster_plan: every hour covered, officers in turn,
a duty leader a day; all or nothing), then see what is still uncovered."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from doorstep.hotline import selectors, services
from doorstep.hotline.models import Holiday, Office
from doorstep.hotline.services.common import DUTY_ROLES, ROSTER_ROLES

SHIFT_HOURS = (6, 8, 12, 24)
CHANNEL = "page:hotline:holiday_roster"


def _office(request, offices) -> Office:
    office_id = request.GET.get("office") or request.POST.get("office")
    if office_id and office_id.isdigit():
        return selectors.office_for(request.user, int(office_id))
    return offices[0]


def candidate_staff(office: Office) -> list:
    """Duty staff of the office's area: its subtree (officers, grid workers) and the
    areas above it (a township's team leader leads a community's duty room)."""
    parts = [p for p in office.area.path.split("/") if p]
    ancestors = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts))]
    return list(
        get_user_model()
        .objects.filter(is_active=True, role__in=DUTY_ROLES)
        .filter(Q(area__path__startswith=office.area.path) | Q(area__path__in=ancestors))
        .order_by("username")[:300]
    )


def _holiday_range(holiday: Holiday) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(holiday.starts_on, dt.time(0), tzinfo=tz)
    return start, dt.datetime.combine(holiday.ends_on + dt.timedelta(days=1), dt.time(0), tzinfo=tz)


def _picked(post, name: str, staff_by_id: dict) -> list:
    ids = post.getlist(name)
    if any(i not in staff_by_id for i in ids):
        raise ValidationError({name: _("Choose staff of this office's area from the list.")})
    return [staff_by_id[i] for i in ids]


@login_required
def holiday_roster(request):
    offices = list(selectors.offices_visible_to(request.user).select_related("area"))
    if not offices:
        raise Http404
    office = _office(request, offices)
    staff = candidate_staff(office)
    staff_by_id = {str(u.pk): u for u in staff}
    holidays = list(
        Holiday.objects.filter(ends_on__gte=timezone.localdate()).annotate(
            planned=Count("shifts", filter=Q(shifts__office=office))
        )
    )
    can_plan = request.user.role in ROSTER_ROLES
    if request.method == "POST":
        p = request.POST
        holiday = next((h for h in holidays if str(h.pk) == p.get("holiday")), None)
        try:
            if holiday is None:
                raise ValidationError({"holiday": _("Choose a coming holiday from the list.")})
            hours = int(p["shift_hours"]) if p.get("shift_hours", "").isdigit() else 0
            shifts = services.holiday_roster_plan(
                actor=request.user,
                office=office,
                holiday=holiday,
                officers=_picked(p, "officers", staff_by_id),
                leaders=_picked(p, "leaders", staff_by_id),
                shift_hours=hours,
                channel=CHANNEL,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s shift planned for %(holiday)s.",
                    "%(count)s shifts planned for %(holiday)s.",
                    len(shifts),
                )
                % {"count": len(shifts), "holiday": holiday},
            )
            return redirect(
                f"{reverse('hotline:holiday_roster')}?office={office.pk}&holiday={holiday.pk}"
            )
    shown = next((h for h in holidays if str(h.pk) == request.GET.get("holiday")), None)
    gaps = None
    if shown is not None:
        start, end = _holiday_range(shown)
        gaps = services.coverage_gaps(office=office, start=start, end=end)
    return render(
        request,
        "hotline/holiday_roster.html",
        {
            "offices": offices,
            "office": office,
            "holidays": holidays,
            "shown": shown,
            "gaps": gaps,
            "staff": staff,
            "shift_hours": SHIFT_HOURS,
            "can_plan": can_plan,
            "values": request.POST if request.method == "POST" else {},
        },
        status=422 if request.method == "POST" else 200,
    )
