"""Livelihoods pages: courses, their sessions and enrolments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from doorstep.livelihoods import selectors, services
from doorstep.livelihoods.forms import (
    AttendanceForm,
    CompleteForm,
    CourseForm,
    OutcomeForm,
    SessionForm,
)
from doorstep.livelihoods.models import (
    EnrolmentStatus,
)
from doorstep.livelihoods.services.common import (
    OFFICE_ROLES,
)
from doorstep.livelihoods.views_common import (
    _channel,
    _reader,
    _run,
    _status,
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
