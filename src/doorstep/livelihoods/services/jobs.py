"""Employers, openings, job-seeker profiles, proposals, placements and follow-ups.

The flow: a worker proposes an opening to a resident (proposal_create, with the score
as the list showed it); the resident agrees (proposal_agree); the employer accepts
(proposal_accept), which makes the Placement and its follow-ups at 1, 3 and 6 months.
A follow-up answered "no longer employed" ends the placement, records a lost job and
runs the relapse watch for the household at once.

Posts are counted under a row lock on the opening (SELECT ... FOR UPDATE), so two
acceptances at once never fill more posts than the opening has.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstep.casework.models import Pairing
from doorstep.core.texts import Text
from doorstep.core.validators import check_date_order
from doorstep.livelihoods import texts
from doorstep.livelihoods.matching import score_pair
from doorstep.livelihoods.models import (
    FOLLOW_UP_MONTHS,
    MAX_MONTHLY_WAGE,
    PROPOSAL_ACTIVE,
    Employer,
    EmployerKind,
    Enrolment,
    EnrolmentStatus,
    JobOpening,
    JobSeeker,
    JobSeekerSkill,
    LifeEventKind,
    OpeningStatus,
    Placement,
    PlacementFollowUp,
    PlacementStatus,
    Proposal,
    ProposalStatus,
    Skill,
    TrainingOutcome,
    WorkType,
    skill_mask,
)
from doorstep.livelihoods.services import loops
from doorstep.livelihoods.services.common import (
    CATALOGUE_ROLES,
    FIELD_ROLES,
    OFFICE_ROLES,
    audit,
    check_amount,
    check_choice,
    check_codes,
    check_dates,
    check_text,
    check_working_age,
    require_role,
)
from doorstep.privacy.models import AuditAction
from doorstep.registry.models import Household, Resident
from doorstep.registry.validators import normalize_languages, validate_languages

MAX_POSTS = 10000
MAX_DISTANCE_KM = 2000


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it has no such day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _languages(value, *, field: str) -> str:
    if isinstance(value, list):
        value = ",".join(value)
    value = normalize_languages(value or "")
    try:
        validate_languages(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None
    return value


def _coordinates(latitude, longitude) -> tuple[float | None, float | None]:
    if (latitude is None) != (longitude is None):
        raise ValidationError({"longitude": _("Give both latitude and longitude, or neither.")})
    if latitude is not None and not -90 <= latitude <= 90:
        raise ValidationError({"latitude": _("Latitude must be between -90 and 90.")})
    if longitude is not None and not -180 <= longitude <= 180:
        raise ValidationError({"longitude": _("Longitude must be between -180 and 180.")})
    return latitude, longitude


# --- skills catalogue ---------------------------------------------------------------------


@transaction.atomic
def skill_create(*, actor, code: str, name: str, channel: str) -> Skill:
    require_role(actor, CATALOGUE_ROLES)
    code = check_text(code, field="code", max_length=40).lower()
    if not code.replace("_", "").replace("-", "").isalnum() or not code.isascii():
        raise ValidationError({"code": _("Use letters, digits, - and _ only.")})
    name = check_text(name, field="name", max_length=80)
    if Skill.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A skill with this code exists already.")})
    skill = Skill.objects.create(code=code, name=name)
    audit(actor, action=AuditAction.CREATE, obj=skill, household_id=None, channel=channel)
    return skill


# --- employers and openings ----------------------------------------------------------------


@transaction.atomic
def employer_create(
    *,
    actor,
    name: str,
    kind: str,
    area,
    address: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    channel: str,
) -> Employer:
    """`area` comes from areas.selectors (inside the actor's scope)."""
    require_role(actor, OFFICE_ROLES)
    latitude, longitude = _coordinates(latitude, longitude)
    employer = Employer.objects.create(
        name=check_text(name, field="name", max_length=120),
        kind=check_choice(kind, EmployerKind, field="kind"),
        area=area,
        area_path=area.path,
        address=check_text(address, field="address", required=False),
        latitude=latitude,
        longitude=longitude,
        contact_name=check_text(contact_name, field="contact_name", required=False, max_length=64),
        contact_phone=check_text(
            contact_phone, field="contact_phone", required=False, max_length=20
        ),
        created_by=actor,
    )
    audit(actor, action=AuditAction.CREATE, obj=employer, household_id=None, channel=channel)
    return employer


@transaction.atomic
def opening_create(
    *,
    actor,
    employer: Employer,
    title: str,
    area,
    wage_monthly,
    posts: int,
    starts_on: dt.date,
    closes_on: dt.date,
    ends_on: dt.date | None = None,
    work_type: str = WorkType.FULL_TIME,
    skills: list[Skill] | None = None,
    languages: str | list[str] = "",
    description: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    channel: str,
) -> JobOpening:
    require_role(actor, OFFICE_ROLES)
    latitude, longitude = _coordinates(latitude, longitude)
    if posts is None or not 1 <= int(posts) <= MAX_POSTS:
        raise ValidationError(
            {"posts": _("Give between 1 and %(max)s posts.") % {"max": MAX_POSTS}}
        )
    check_dates(starts_on, ends_on, field="ends_on")
    # Applications run from the opening's start to their closing day (issue 17).
    check_date_order(
        starts_on,
        closes_on,
        field="closes_on",
        message=_("Applications cannot close before the work starts."),
    )
    if ends_on is not None and closes_on > ends_on:
        raise ValidationError({"closes_on": _("Applications must close before the work ends.")})
    if latitude is None and employer.area_id == area.pk:
        latitude, longitude = employer.latitude, employer.longitude
    opening = JobOpening.objects.create(
        employer=employer,
        title=check_text(title, field="title", max_length=120),
        description=check_text(description, field="description", required=False, max_length=4000),
        work_type=check_choice(work_type, WorkType, field="work_type"),
        languages=_languages(languages, field="languages"),
        area=area,
        area_path=area.path,
        latitude=latitude,
        longitude=longitude,
        wage_monthly=check_amount(wage_monthly, field="wage_monthly", maximum=MAX_MONTHLY_WAGE),
        posts=int(posts),
        starts_on=starts_on,
        ends_on=ends_on,
        closes_on=closes_on,
        created_by=actor,
    )
    opening.skills.set(skills or [])
    audit(actor, action=AuditAction.CREATE, obj=opening, household_id=None, channel=channel)
    return opening


@transaction.atomic
def opening_close(*, actor, opening: JobOpening, channel: str) -> JobOpening:
    require_role(actor, OFFICE_ROLES)
    JobOpening.objects.filter(pk=opening.pk).update(status=OpeningStatus.CLOSED)
    Proposal.objects.filter(opening=opening, status__in=PROPOSAL_ACTIVE).update(
        status=ProposalStatus.WITHDRAWN
    )
    opening.status = OpeningStatus.CLOSED
    audit(actor, action=AuditAction.UPDATE, obj=opening, household_id=None, channel=channel)
    return opening


# --- job seekers ---------------------------------------------------------------------------


def _place_of(household: Household) -> tuple[float | None, float | None]:
    if household.latitude is not None and household.longitude is not None:
        return household.latitude, household.longitude
    return household.area.latitude, household.area.longitude


@transaction.atomic
def seeker_save(
    *,
    actor,
    resident: Resident,
    skills: list[Skill],
    languages: str | list[str] = "",
    work_types: str | list[str] = "",
    min_wage=0,
    max_distance_km: int = 30,
    is_looking: bool = True,
    notes: str = "",
    today: dt.date | None = None,
    channel: str,
) -> JobSeeker:
    """Create or update a resident's job-seeker profile. `resident` comes from
    registry.selectors. Only residents of working age have one."""
    require_role(actor, FIELD_ROLES)
    today = today or timezone.localdate()
    check_working_age(resident.birth_date, today, field="resident")
    if max_distance_km is None or not 0 <= int(max_distance_km) <= MAX_DISTANCE_KM:
        raise ValidationError(
            {
                "max_distance_km": _("Give a distance between 0 and %(max)s km.")
                % {"max": MAX_DISTANCE_KM}
            }
        )
    household = Household.objects.select_related("area").get(pk=resident.household_id)
    latitude, longitude = _place_of(household)
    values = {
        "household": household,
        "area_path": household.area_path,
        "latitude": latitude,
        "longitude": longitude,
        "birth_date": resident.birth_date,
        "languages": _languages(languages, field="languages"),
        "work_types": check_codes(work_types, WorkType, field="work_types"),
        "min_wage": check_amount(min_wage, field="min_wage", maximum=MAX_MONTHLY_WAGE),
        "max_distance_km": int(max_distance_km),
        "is_looking": bool(is_looking),
        "notes": check_text(notes, field="notes", required=False, max_length=4000),
        "updated_by": actor,
    }
    seeker, created = JobSeeker.objects.update_or_create(resident=resident, defaults=values)
    JobSeekerSkill.objects.filter(seeker=seeker).exclude(skill__in=skills).delete()
    JobSeekerSkill.objects.bulk_create(
        [JobSeekerSkill(seeker=seeker, skill=s) for s in skills], ignore_conflicts=True
    )
    _refresh_mask(seeker)
    audit(
        actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=seeker,
        household_id=household.pk,
        channel=channel,
    )
    return seeker


def _refresh_mask(seeker: JobSeeker) -> None:
    mask = skill_mask(
        JobSeekerSkill.objects.filter(seeker=seeker).values_list("skill_id", flat=True)
    )
    JobSeeker.objects.filter(pk=seeker.pk).update(skill_mask=mask)
    seeker.skill_mask = mask


def seeker_add_skill(*, seeker: JobSeeker, skill: Skill) -> None:
    """A completed course teaches its skill (called inside enrolment_complete)."""
    JobSeekerSkill.objects.bulk_create(
        [JobSeekerSkill(seeker=seeker, skill=skill)], ignore_conflicts=True
    )
    _refresh_mask(seeker)


# --- proposals and placements ------------------------------------------------------------


def _posts_left(opening: JobOpening) -> int:
    taken = Placement.objects.filter(opening=opening, status=PlacementStatus.ACTIVE).count()
    return opening.posts - taken


@transaction.atomic
def proposal_create(
    *,
    actor,
    opening: JobOpening,
    seeker: JobSeeker,
    note: str = "",
    today: dt.date | None = None,
    channel: str,
) -> Proposal:
    """Both come from livelihoods.selectors (inside the actor's scope)."""
    require_role(actor, FIELD_ROLES)
    today = today or timezone.localdate()
    opening = JobOpening.objects.select_for_update().select_related("area").get(pk=opening.pk)
    if opening.status != OpeningStatus.OPEN or opening.closes_on < today:
        raise ValidationError({"opening": _("This opening is closed.")})
    if _posts_left(opening) <= 0:
        raise ValidationError({"opening": _("Every post of this opening is filled.")})
    check_working_age(seeker.birth_date, today, field="seeker")
    if Proposal.objects.filter(opening=opening, seeker=seeker, status__in=PROPOSAL_ACTIVE).exists():
        raise ValidationError(
            {"seeker": _("This resident has been proposed for this opening already.")}
        )
    match = score_pair(opening, seeker)
    try:
        with transaction.atomic():
            proposal = Proposal.objects.create(
                opening=opening,
                seeker=seeker,
                household_id=seeker.household_id,
                score=match.score,
                reasons=match.reasons,
                note=check_text(note, field="note", required=False, max_length=2000),
                proposed_by=actor,
                proposed_at=timezone.now(),
            )
    except IntegrityError:
        raise ValidationError(
            {"seeker": _("This resident has been proposed for this opening already.")}
        ) from None
    audit(
        actor,
        action=AuditAction.CREATE,
        obj=proposal,
        household_id=seeker.household_id,
        channel=channel,
    )
    return proposal


def _move(proposal: Proposal, *, sources, target: str, refused: str) -> Proposal:
    current = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if current.status not in sources:
        raise ValidationError({"status": refused})
    current.status = target
    current.save(update_fields=["status", "updated_at"])
    return current


@transaction.atomic
def proposal_agree(*, actor, proposal: Proposal, channel: str) -> Proposal:
    """The resident agreed to be put forward to the employer."""
    require_role(actor, FIELD_ROLES)
    proposal = _move(
        proposal,
        sources={ProposalStatus.PROPOSED},
        target=ProposalStatus.AGREED,
        refused=_("Only a proposal waiting for the resident can be agreed."),
    )
    audit(
        actor,
        action=AuditAction.UPDATE,
        obj=proposal,
        household_id=proposal.household_id,
        channel=channel,
        status=proposal.status,
    )
    return proposal


@transaction.atomic
def proposal_decline(
    *, actor, proposal: Proposal, by_employer: bool, note: str = "", channel: str
) -> Proposal:
    require_role(actor, FIELD_ROLES)
    if by_employer:
        proposal = _move(
            proposal,
            sources={ProposalStatus.AGREED},
            target=ProposalStatus.DECLINED_BY_EMPLOYER,
            refused=_("The employer answers only once the resident has agreed."),
        )
    else:
        proposal = _move(
            proposal,
            sources=set(PROPOSAL_ACTIVE),
            target=ProposalStatus.DECLINED_BY_RESIDENT,
            refused=_("This proposal is no longer waiting for an answer."),
        )
    if note:
        Proposal.objects.filter(pk=proposal.pk).update(
            note=check_text(note, field="note", max_length=2000)
        )
    audit(
        actor,
        action=AuditAction.UPDATE,
        obj=proposal,
        household_id=proposal.household_id,
        channel=channel,
        status=proposal.status,
    )
    return proposal


def _follower(household_id: int, actor):
    worker_id = (
        Pairing.objects.active()
        .filter(household_id=household_id)
        .values_list("worker_id", flat=True)
        .first()
    )
    return worker_id or actor.pk


@transaction.atomic
def proposal_accept(
    *,
    actor,
    proposal: Proposal,
    started_on: dt.date,
    wage_monthly=None,
    channel: str,
) -> Placement:
    """The employer accepted: the resident is placed, follow-ups are scheduled."""
    require_role(actor, FIELD_ROLES)
    opening = JobOpening.objects.select_for_update().get(pk=proposal.opening_id)
    proposal = Proposal.objects.select_for_update().select_related("seeker").get(pk=proposal.pk)
    if proposal.status != ProposalStatus.AGREED:
        raise ValidationError(
            {"status": _("The employer can accept only once the resident has agreed.")}
        )
    if started_on is None:
        raise ValidationError({"started_on": _("This field is required.")})
    if started_on < opening.starts_on - dt.timedelta(
        days=366
    ) or started_on > timezone.localdate() + dt.timedelta(days=366):
        raise ValidationError(
            {"started_on": _("Give the date the resident starts (or started) work.")}
        )
    check_working_age(proposal.seeker.birth_date, started_on, field="started_on")
    if _posts_left(opening) <= 0:
        raise ValidationError({"opening": _("Every post of this opening is filled.")})
    wage = check_amount(
        opening.wage_monthly if wage_monthly is None else wage_monthly,
        field="wage_monthly",
        maximum=MAX_MONTHLY_WAGE,
    )
    proposal.status = ProposalStatus.ACCEPTED
    proposal.save(update_fields=["status", "updated_at"])
    placement = Placement.objects.create(
        opening=opening,
        proposal=proposal,
        seeker=proposal.seeker,
        household_id=proposal.household_id,
        worker_id=_follower(proposal.household_id, actor),
        started_on=started_on,
        wage_monthly=wage,
        created_by=actor,
    )
    PlacementFollowUp.objects.bulk_create(
        [
            PlacementFollowUp(placement=placement, month=m, due_on=add_months(started_on, m))
            for m in FOLLOW_UP_MONTHS
        ]
    )
    JobSeeker.objects.filter(pk=proposal.seeker_id).update(is_looking=False)
    # A trainee placed within six months of completing a course (or placed while still
    # training) counts as employed.
    Enrolment.objects.filter(
        resident_id=proposal.seeker.resident_id,
        status=EnrolmentStatus.COMPLETED,
        outcome="",
        completed_on__gte=add_months(started_on, -6),
    ).update(outcome=TrainingOutcome.EMPLOYED, outcome_on=started_on)
    audit(
        actor,
        action=AuditAction.CREATE,
        obj=placement,
        household_id=placement.household_id,
        channel=channel,
    )
    return placement


def _end_placement(*, actor, placement: Placement, ended_on: dt.date, channel: str) -> None:
    from doorstep.livelihoods.services.income import life_event_record

    Placement.objects.filter(pk=placement.pk).update(
        status=PlacementStatus.ENDED, ended_on=ended_on
    )
    PlacementFollowUp.objects.filter(
        placement=placement, done_on__isnull=True, due_on__gt=ended_on
    ).delete()
    JobSeeker.objects.filter(pk=placement.seeker_id).update(is_looking=True)
    life_event_record(
        actor=actor,
        household=placement.household,
        kind=LifeEventKind.JOB_LOST,
        occurred_on=ended_on,
        note=Text(texts.PLACEMENT_ENDED, {"opening": placement.opening.title}),
        channel=channel,
    )


@transaction.atomic
def follow_up_record(
    *,
    actor,
    follow_up: PlacementFollowUp,
    still_employed: bool,
    wage_monthly=None,
    notes: str = "",
    done_on: dt.date | None = None,
    channel: str,
) -> PlacementFollowUp:
    """Still employed, at what wage. "No" ends the placement and records the lost job
    (which the relapse watch sees at once)."""
    require_role(actor, FIELD_ROLES)
    follow_up = (
        PlacementFollowUp.objects.select_for_update()
        .select_related("placement", "placement__opening", "placement__household")
        .get(pk=follow_up.pk)
    )
    placement = follow_up.placement
    done_on = done_on or timezone.localdate()
    if done_on < placement.started_on:
        raise ValidationError(
            {"done_on": _("The follow-up cannot come before the placement started.")}
        )
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("This date is in the future.")})
    if follow_up.done_on is not None:
        raise ValidationError({"follow_up": _("This follow-up is recorded already.")})
    if placement.status != PlacementStatus.ACTIVE:
        raise ValidationError({"follow_up": _("This placement has ended.")})
    if still_employed is None:
        raise ValidationError({"still_employed": _("Say whether the resident still works there.")})
    wage: Decimal | None = None
    if wage_monthly not in (None, ""):
        wage = check_amount(wage_monthly, field="wage_monthly", maximum=MAX_MONTHLY_WAGE)
    follow_up.done_on = done_on
    follow_up.still_employed = bool(still_employed)
    follow_up.wage_monthly = wage
    follow_up.notes = check_text(notes, field="notes", required=False, max_length=4000)
    follow_up.recorded_by = actor
    follow_up.save()
    if not still_employed:
        loops.placement_end_reason(
            actor=actor,
            placement=placement,
            reason=follow_up.notes or _("Not employed at the follow-up."),
            on=done_on,
        )
        _end_placement(actor=actor, placement=placement, ended_on=done_on, channel=channel)
    elif follow_up.month == 1:
        # Placed and past the 1-month follow-up: the needs it answers can be resolved.
        loops.help_reached_end(actor=actor, kind="placement", obj=placement)
    audit(
        actor,
        action=AuditAction.UPDATE,
        obj=follow_up,
        household_id=placement.household_id,
        channel=channel,
    )
    return follow_up


@transaction.atomic
def placement_end(
    *, actor, placement: Placement, ended_on: dt.date, reason: str = "", channel: str
) -> Placement:
    """End a placement with the reason (kept as a PlacementChange)."""
    require_role(actor, FIELD_ROLES)
    reason = check_text(reason, field="reason", max_length=2000)
    placement = (
        Placement.objects.select_for_update()
        .select_related("opening", "household")
        .get(pk=placement.pk)
    )
    if placement.status != PlacementStatus.ACTIVE:
        raise ValidationError({"placement": _("This placement has ended already.")})
    if ended_on is None or ended_on < placement.started_on:
        raise ValidationError({"ended_on": _("This date comes before the start date.")})
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": _("This date is in the future.")})
    loops.placement_end_reason(actor=actor, placement=placement, reason=reason, on=ended_on)
    _end_placement(actor=actor, placement=placement, ended_on=ended_on, channel=channel)
    audit(
        actor,
        action=AuditAction.UPDATE,
        obj=placement,
        household_id=placement.household_id,
        channel=channel,
        reason=reason,
    )
    placement.refresh_from_db()
    return placement
