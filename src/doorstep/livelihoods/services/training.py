"""Vocational training: courses, sessions, enrolment, attendance, completion, outcomes.

Enrolment counts the session's places under a row lock on the session (SELECT ... FOR
UPDATE; SQLite serialises writers anyway), so two workers enrolling the last place at
once get one enrolment and one clear refusal. Completing a course adds its skill to
the resident's job-seeker profile, so matching sees it the same day.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstep.casework.services.common import M_TRAINING_VOLUNTARY
from doorstep.livelihoods.models import (
    Attendance,
    Course,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
    JobSeeker,
    Skill,
    TrainingOutcome,
)
from doorstep.livelihoods.services.common import (
    FIELD_ROLES,
    OFFICE_ROLES,
    age_on,
    audit,
    check_choice,
    check_dates,
    check_text,
    require_role,
    working_age,
)
from doorstep.livelihoods.services.jobs import add_months, seeker_add_skill
from doorstep.privacy.models import AuditAction
from doorstep.registry.models import Resident

MAX_CAPACITY = 1000


@transaction.atomic
def course_create(
    *,
    actor,
    skill: Skill,
    title: str,
    description: str = "",
    provider: str = "",
    hours: int = 0,
    channel: str,
) -> Course:
    require_role(actor, OFFICE_ROLES)
    if hours is None or not 0 <= int(hours) <= 5000:
        raise ValidationError({"hours": _("Give between 0 and 5000 hours.")})
    course = Course.objects.create(
        skill=skill,
        title=check_text(title, field="title", max_length=120),
        description=check_text(description, field="description", required=False, max_length=4000),
        provider=check_text(provider, field="provider", required=False, max_length=120),
        hours=int(hours),
        created_by=actor,
    )
    audit(actor, action=AuditAction.CREATE, obj=course, household_id=None, channel=channel)
    return course


@transaction.atomic
def session_create(
    *,
    actor,
    course: Course,
    trainer: str,
    area,
    starts_on: dt.date,
    ends_on: dt.date,
    capacity: int,
    venue: str = "",
    channel: str,
) -> CourseSession:
    """`area` comes from areas.selectors (inside the actor's scope)."""
    require_role(actor, OFFICE_ROLES)
    check_dates(starts_on, ends_on, field="ends_on")
    if capacity is None or not 1 <= int(capacity) <= MAX_CAPACITY:
        raise ValidationError(
            {"capacity": _("Give between 1 and %(max)s places.") % {"max": MAX_CAPACITY}}
        )
    session = CourseSession.objects.create(
        course=course,
        trainer=check_text(trainer, field="trainer", max_length=80),
        area=area,
        area_path=area.path,
        venue=check_text(venue, field="venue", required=False),
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=int(capacity),
    )
    audit(actor, action=AuditAction.CREATE, obj=session, household_id=None, channel=channel)
    return session


@transaction.atomic
def enrolment_create(
    *,
    actor,
    session: CourseSession,
    resident: Resident,
    resident_agreed: bool = False,
    today: dt.date | None = None,
    channel: str,
) -> Enrolment:
    """`resident` comes from registry.selectors. Refused without the resident's
    recorded agreement (training is voluntary, never an outcome imposed on a person),
    when the session is full or over, or the resident is under working age or already
    enrolled."""
    require_role(actor, FIELD_ROLES)
    if not resident_agreed:
        raise ValidationError({"resident_agreed": M_TRAINING_VOLUNTARY})
    today = today or timezone.localdate()
    session = CourseSession.objects.select_for_update().get(pk=session.pk)
    if session.ends_on < today:
        raise ValidationError({"session": _("This session is over.")})
    if (
        resident.birth_date is None
        or age_on(resident.birth_date, session.starts_on) < working_age()[0]
    ):
        raise ValidationError(
            {
                "resident": _("Only residents of working age (%(low)s or older) can be enrolled.")
                % {"low": working_age()[0]}
            }
        )
    taken = session.enrolments.exclude(status=EnrolmentStatus.DROPPED).count()
    if taken >= session.capacity:
        raise ValidationError(
            {
                "session": _("This session is full: all %(capacity)s places are taken.")
                % {"capacity": session.capacity}
            }
        )
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                session=session,
                resident=resident,
                household_id=resident.household_id,
                enrolled_on=today,
                agreed_on=today,
                enrolled_by=actor,
            )
    except IntegrityError:
        raise ValidationError(
            {"resident": _("This resident is enrolled in this session already.")}
        ) from None
    audit(
        actor,
        action=AuditAction.CREATE,
        obj=enrolment,
        household_id=resident.household_id,
        channel=channel,
    )
    return enrolment


@transaction.atomic
def attendance_record(
    *, actor, session: CourseSession, day: dt.date, present: set[int], channel: str
) -> int:
    """One day's register: `present` holds the enrolment ids there; the rest were absent."""
    require_role(actor, FIELD_ROLES)
    if day is None or not session.starts_on <= day <= session.ends_on:
        raise ValidationError({"day": _("The day must fall within the session's dates.")})
    if day > timezone.localdate():
        raise ValidationError({"day": _("This date is in the future.")})
    enrolments = list(session.enrolments.exclude(status=EnrolmentStatus.DROPPED))
    unknown = set(present) - {e.pk for e in enrolments}
    if unknown:
        raise ValidationError(
            {"present": _("Some of these people are not enrolled in this session.")}
        )
    for enrolment in enrolments:
        Attendance.objects.update_or_create(
            enrolment=enrolment, day=day, defaults={"present": enrolment.pk in present}
        )
    audit(
        actor,
        action=AuditAction.UPDATE,
        obj=session,
        household_id=None,
        channel=channel,
        day=str(day),
    )
    return len(enrolments)


@transaction.atomic
def enrolment_complete(
    *,
    actor,
    enrolment: Enrolment,
    completed_on: dt.date,
    certificate_no: str = "",
    channel: str,
) -> Enrolment:
    require_role(actor, FIELD_ROLES)
    enrolment = (
        Enrolment.objects.select_for_update().select_related("session__course").get(pk=enrolment.pk)
    )
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise ValidationError({"status": _("Only an enrolled trainee can complete the course.")})
    if completed_on is None or completed_on < enrolment.session.starts_on:
        raise ValidationError(
            {"completed_on": _("The course cannot be completed before it starts.")}
        )
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": _("This date is in the future.")})
    enrolment.status = EnrolmentStatus.COMPLETED
    enrolment.completed_on = completed_on
    enrolment.certificate_no = check_text(
        certificate_no, field="certificate_no", required=False, max_length=40
    )
    enrolment.save(update_fields=["status", "completed_on", "certificate_no"])
    seeker = JobSeeker.objects.filter(resident_id=enrolment.resident_id).first()
    if seeker is not None:
        seeker_add_skill(seeker=seeker, skill=enrolment.session.course.skill)
    audit(
        actor,
        action=AuditAction.UPDATE,
        obj=enrolment,
        household_id=enrolment.household_id,
        channel=channel,
        status="completed",
    )
    from doorstep.livelihoods.services.loops import help_reached_end

    help_reached_end(actor=actor, kind="enrolment", obj=enrolment)
    return enrolment


@transaction.atomic
def enrolment_drop(*, actor, enrolment: Enrolment, channel: str) -> Enrolment:
    require_role(actor, FIELD_ROLES)
    updated = Enrolment.objects.filter(pk=enrolment.pk, status=EnrolmentStatus.ENROLLED).update(
        status=EnrolmentStatus.DROPPED
    )
    if not updated:
        raise ValidationError({"status": _("Only an enrolled trainee can drop out.")})
    enrolment.refresh_from_db()
    audit(
        actor,
        action=AuditAction.UPDATE,
        obj=enrolment,
        household_id=enrolment.household_id,
        channel=channel,
        status="dropped",
    )
    return enrolment


@transaction.atomic
def enrolment_outcome(
    *, actor, enrolment: Enrolment, outcome: str, recorded_on: dt.date | None = None, channel: str
) -> Enrolment:
    """What the trainee did within six months of completing: employed, a business, neither."""
    require_role(actor, FIELD_ROLES)
    outcome = check_choice(outcome, TrainingOutcome, field="outcome")
    recorded_on = recorded_on or timezone.localdate()
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status != EnrolmentStatus.COMPLETED:
        raise ValidationError({"outcome": _("Record the outcome once the course is completed.")})
    if recorded_on < enrolment.completed_on:
        raise ValidationError({"recorded_on": _("The outcome cannot come before the completion.")})
    if outcome != TrainingOutcome.NEITHER and recorded_on > add_months(enrolment.completed_on, 6):
        raise ValidationError(
            {"recorded_on": _("Outcomes count within six months of completing the course.")}
        )
    enrolment.outcome = outcome
    enrolment.outcome_on = recorded_on
    enrolment.save(update_fields=["outcome", "outcome_on"])
    audit(
        actor,
        action=AuditAction.UPDATE,
        obj=enrolment,
        household_id=enrolment.household_id,
        channel=channel,
        outcome=outcome,
    )
    return enrolment
