"""Duty-room pages: the live board, intake, the call page, the responder's view, the
roster and patrol hazards. Reads through hotline.selectors (404 outside the scope),
writes through hotline.services, the functions the API calls."""

from __future__ import annotations

import datetime as dt
import json
import mimetypes

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doorstep.areas.models import Area
from doorstep.core.htmx import fragment
from doorstep.hotline import selectors, services
from doorstep.hotline.models import (
    CallCategory,
    CallStatus,
    DutyShift,
    HazardKind,
    Responder,
    ShiftSwap,
    SwapStatus,
    Urgency,
)
from doorstep.hotline.services.calls import DISPATCH_STEPS, safety_step_label
from doorstep.hotline.services.common import ROSTER_ROLES


def _channel(name: str) -> str:
    return f"page:hotline:{name}"


def _flash(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _office(request, offices):
    office_id = request.GET.get("office") or request.POST.get("office")
    if office_id and office_id.isdigit():
        return selectors.office_for(request.user, int(office_id))
    return offices[0] if offices else None


def _board_context(user, office) -> dict:
    """The board's rows and, above them, the escalated calls (the duty leader is not
    sent a message: casework's Notification is tied to needs and referrals; the
    board refreshes every few seconds and names the leader who must act)."""
    calls = selectors.board_calls(user, office=office)
    return {
        "calls": calls,
        "escalated_calls": [c for c in calls if c.escalated],
        "now": timezone.now(),
    }


@login_required
def board(request):
    offices = list(selectors.offices_visible_to(request.user))
    office = _office(request, offices)
    return render(
        request,
        "hotline/board.html",
        {
            "offices": offices,
            "office": office,
            **_board_context(request.user, office),
        },
    )


@fragment
@login_required
def board_rows(request):
    offices = list(selectors.offices_visible_to(request.user))
    office = _office(request, offices)
    return render(request, "hotline/_board_rows.html", _board_context(request.user, office))


@login_required
def on_duty(request):
    return render(request, "hotline/on_duty.html", {"shifts": services.on_duty_now()})


@fragment
@login_required
def caller_lookup(request):
    name = request.GET.get("caller_name", "")[:64]
    residents = selectors.callers_matching(
        request.user,
        phone=request.GET.get("caller_phone", "")[:40],
        name=name,
        channel=_channel("intake"),
    )
    return render(
        request, "hotline/_callers.html", {"residents": residents, "by_name": bool(name.strip())}
    )


def _float_or_none(value):
    return value if value not in (None, "") else None


def _map_context(office, areas) -> dict:
    """The intake map's points: the office area's compounds that have coordinates
    (JSON in a data attribute, read by hotline/intake-map.js; no inline script)."""
    points = [
        {"id": a.pk, "name": a.name, "lat": a.latitude, "lng": a.longitude}
        for a in areas
        if a.latitude is not None and a.longitude is not None
    ]
    # As text, not floats: the template would format a float in the page's language.
    centre = ["" if v is None else repr(v) for v in (office.area.latitude, office.area.longitude)]
    return {"map_points": json.dumps(points, ensure_ascii=False), "map_centre": centre}


@login_required
def intake(request):
    offices = list(selectors.offices_visible_to(request.user))
    if not offices:
        raise Http404
    office = _office(request, offices)
    areas = list(Area.objects.within(office.area).order_by("path")[:500])
    values = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        p = request.POST
        try:
            resident = (
                selectors.resident_caller_for(request.user, int(p["caller_resident"]))
                if p.get("caller_resident", "").isdigit()
                else None
            )
            place = (
                Area.objects.within(office.area).filter(pk=int(p["place_area"])).first()
                if p.get("place_area", "").isdigit()
                else None
            )
            call = services.call_take(
                actor=request.user,
                office=office,
                category=p.get("category", ""),
                also_categories=p.getlist("also_categories"),
                urgency=p.get("urgency", ""),
                description=p.get("description", ""),
                caller_resident=resident,
                caller_name=p.get("caller_name", ""),
                caller_phone=p.get("caller_phone", ""),
                place_area=place,
                building=p.get("building", ""),
                unit=p.get("unit", ""),
                address=p.get("address", ""),
                latitude=_float_or_none(p.get("latitude")),
                longitude=_float_or_none(p.get("longitude")),
                channel=_channel("intake"),
            )
        except ValidationError as exc:
            _flash(request, exc)
        else:
            return redirect("hotline:call", call_id=call.pk)
    return render(
        request,
        "hotline/intake.html",
        {
            "offices": offices,
            "office": office,
            "areas": areas,
            "categories": [c for c in CallCategory.choices if office.takes(c[0])],
            "urgencies": Urgency.choices,
            "values": values,
            "also_values": request.POST.getlist("also_categories")
            if request.method == "POST"
            else [],
            "life_safety": sorted(services.SAFETY_STEPS),
            **_map_context(office, areas),
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
def call_detail(request, call_id: int):
    call = selectors.call_for(request.user, call_id, channel=_channel("call"))
    steps = [
        {"code": s.code, "label": safety_step_label(call.category, s.code), "done_at": s.done_at}
        for s in call.safety_steps.all()
    ]
    responders = Responder.objects.filter(office=call.office, is_active=True).prefetch_related(
        "contacts"
    )
    return render(
        request,
        "hotline/call.html",
        {
            "call": call,
            "steps": steps,
            "dispatches": call.dispatches.select_related("responder"),
            "responders": [
                r
                for r in responders
                if not r.category_list or set(call.category_list) & set(r.category_list)
            ],
            "events": call.events.select_related("actor"),
            "dispatch_steps": DISPATCH_STEPS,
            "statuses": CallStatus,
        },
    )


@login_required
@require_POST
def call_act(request, call_id: int):
    call = selectors.call_for(request.user, call_id, channel=_channel("call"))
    p, user, ch = request.POST, request.user, _channel("call")
    action = p.get("action")
    try:
        if action == "safety":
            services.safety_step_done(actor=user, call=call, code=p.get("code", ""), channel=ch)
        elif action == "dispatch":
            responder = Responder.objects.filter(
                pk=p.get("responder") if (p.get("responder") or "").isdigit() else 0,
                office=call.office,
            ).first()
            services.call_dispatch(
                actor=user, call=call, responder=responder, note=p.get("note", ""), channel=ch
            )
            messages.success(request, _("Dispatched."))
        elif action == "callback":
            services.call_callback(
                actor=user,
                call=call,
                outcome=p.get("outcome", ""),
                note=p.get("note", ""),
                channel=ch,
            )
        elif action == "reopen":
            services.call_reopen(actor=user, call=call, note=p.get("note", ""), channel=ch)
        elif action == "need":
            from doorstep.casework.selectors import household_reachable_for

            hid = p.get("household", "")
            household = household_reachable_for(user, int(hid) if hid.isdigit() else 0, channel=ch)
            services.call_open_need(
                actor=user, call=call, household=household, title=p.get("title", ""), channel=ch
            )
            messages.success(request, _("The need is open on the household's case."))
        else:
            messages.error(request, _("Choose an action."))
    except ValidationError as exc:
        _flash(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect("hotline:call", call_id=call.pk)


@login_required
@require_POST
def dispatch_step(request, dispatch_id: int):
    dispatch = selectors.dispatch_for(request.user, dispatch_id)
    try:
        services.dispatch_step(
            actor=request.user,
            dispatch=dispatch,
            step=request.POST.get("step", ""),
            note=request.POST.get("note", ""),
            channel=_channel("dispatch"),
        )
    except ValidationError as exc:
        _flash(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    nxt = request.POST.get("next")
    return redirect(
        nxt
        if nxt == reverse("hotline:responder")
        else reverse("hotline:call", args=[dispatch.call_id])
    )


@login_required
def responder_view(request):
    return render(
        request,
        "hotline/responder.html",
        {
            "dispatches": selectors.dispatches_for_responder(request.user),
            "dispatch_steps": DISPATCH_STEPS,
        },
    )


def _week_start(request) -> dt.date:
    day = parse_date(request.GET.get("week", "") or "") or timezone.localdate()
    return day - dt.timedelta(days=day.weekday())


@login_required
def roster(request):
    offices = list(selectors.offices_visible_to(request.user))
    if not offices:
        raise Http404
    office = _office(request, offices)
    user, ch = request.user, _channel("roster")
    if request.method == "POST":
        p = request.POST
        try:
            if p.get("action") == "plan":
                officer = (
                    get_user_model()
                    .objects.filter(pk=p.get("officer") or 0, is_active=True)
                    .first()
                )
                services.shift_plan(
                    actor=user,
                    office=office,
                    officer=officer,
                    starts_at=parse_datetime(p.get("starts_at", "") or ""),
                    ends_at=parse_datetime(p.get("ends_at", "") or ""),
                    role=p.get("role", "officer"),
                    channel=ch,
                )
            elif p.get("action") == "swap":
                shift = selectors.shift_for(user, int(p.get("shift") or 0))
                replacement = (
                    get_user_model()
                    .objects.filter(pk=p.get("replacement") or 0, is_active=True)
                    .first()
                )
                services.swap_request(
                    actor=user,
                    shift=shift,
                    replacement=replacement,
                    reason=p.get("reason", ""),
                    channel=ch,
                )
            elif p.get("action") in ("approve", "refuse"):
                swap = selectors.swap_for(user, int(p.get("swap") or 0))
                services.swap_decide(
                    actor=user, swap=swap, approve=p["action"] == "approve", channel=ch
                )
            messages.success(request, _("Saved."))
        except ValidationError as exc:
            _flash(request, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        return redirect(
            f"{reverse('hotline:roster')}?office={office.pk}&week={request.GET.get('week', '')}"
        )
    start_day = _week_start(request)
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(start_day, dt.time(0), tzinfo=tz)
    end = start + dt.timedelta(days=7)
    shifts = list(
        DutyShift.objects.filter(office=office, starts_at__lt=end, ends_at__gt=start)
        .select_related("officer")
        .order_by("starts_at")
    )
    days = [
        {
            "date": start_day + dt.timedelta(days=i),
            "shifts": [
                s
                for s in shifts
                if timezone.localtime(s.starts_at).date() == start_day + dt.timedelta(days=i)
            ],
        }
        for i in range(7)
    ]
    staff = (
        get_user_model()
        .objects.filter(area__path__startswith=office.area.path, is_active=True)
        .order_by("username")[:200]
    )
    return render(
        request,
        "hotline/roster.html",
        {
            "offices": offices,
            "office": office,
            "days": days,
            "gaps": services.coverage_gaps(office=office, start=start, end=end),
            "week": start_day,
            "prev_week": start_day - dt.timedelta(days=7),
            "next_week": start_day + dt.timedelta(days=7),
            "swaps": ShiftSwap.objects.filter(
                shift__office=office, status=SwapStatus.REQUESTED
            ).select_related("shift", "requested_by", "replacement"),
            "can_plan": user.role in ROSTER_ROLES,
            "staff": staff,
            "my_shifts": [s for s in shifts if s.officer_id == user.pk],
        },
    )


@login_required
def hazards(request):
    offices = list(selectors.offices_visible_to(request.user))
    if not offices:
        raise Http404
    office = _office(request, offices)
    if request.method == "POST":
        p = request.POST
        try:
            place = (
                Area.objects.within(office.area).filter(pk=int(p["place_area"])).first()
                if p.get("place_area", "").isdigit()
                else None
            )
            services.hazard_record(
                actor=request.user,
                office=office,
                # Found on the caller's patrol under way, if any.
                patrol=selectors.open_patrol_of(request.user, office),
                kind=p.get("kind", ""),
                description=p.get("description", ""),
                photo=request.FILES.get("photo"),
                place_area=place,
                address=p.get("address", ""),
                latitude=_float_or_none(p.get("latitude")),
                longitude=_float_or_none(p.get("longitude")),
                channel=_channel("hazards"),
            )
            messages.success(request, _("The hazard is recorded."))
            return redirect(f"{reverse('hotline:hazards')}?office={office.pk}")
        except ValidationError as exc:
            _flash(request, exc)
    return render(
        request,
        "hotline/hazards.html",
        {
            "offices": offices,
            "office": office,
            "kinds": HazardKind.choices,
            "hazards": selectors.hazards_visible_to(request.user)
            .filter(office=office)
            .select_related("call")
            .order_by("-found_at")[:100],
            "my_patrol": selectors.open_patrol_of(request.user),
            "patrols": selectors.patrols_visible_to(request.user)
            .filter(office=office)
            .select_related("walker")
            .order_by("-started_at")[:20],
        },
    )


@login_required
@require_POST
def patrol_start(request):
    """Start a patrol from the hazards page (hotline.services.patrols)."""
    offices = list(selectors.offices_visible_to(request.user))
    if not offices:
        raise Http404
    office = _office(request, offices)
    try:
        services.patrol_start(
            actor=request.user,
            office=office,
            route=request.POST.get("route", ""),
            channel=_channel("patrols"),
        )
        messages.success(request, _("The patrol has started."))
    except ValidationError as exc:
        _flash(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect(f"{reverse('hotline:hazards')}?office={office.pk}")


@login_required
@require_POST
def patrol_end(request, patrol_id: int):
    patrol = selectors.patrol_for(request.user, patrol_id)
    try:
        services.patrol_end(actor=request.user, patrol=patrol, channel=_channel("patrols"))
        messages.success(request, _("The patrol has ended."))
    except ValidationError as exc:
        _flash(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect(f"{reverse('hotline:hazards')}?office={patrol.office_id}")


@login_required
def hazard_photo(request, hazard_id: int):
    hazard = selectors.hazard_for(request.user, hazard_id)
    if not hazard.photo:
        raise Http404
    response = FileResponse(
        hazard.photo.open("rb"),
        content_type=hazard.photo_type or mimetypes.guess_type(hazard.photo.name)[0],
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def hazard_act(request, hazard_id: int):
    hazard = selectors.hazard_for(request.user, hazard_id)
    try:
        if request.POST.get("action") == "call":
            call = services.hazard_to_call(
                actor=request.user, hazard=hazard, channel=_channel("hazards")
            )
            return redirect("hotline:call", call_id=call.pk)
        services.hazard_resolve(actor=request.user, hazard=hazard, channel=_channel("hazards"))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect(f"{reverse('hotline:hazards')}?office={hazard.office_id}")
