"""Livelihoods: work, training, small businesses, household income and relapse watch.

Employers and their openings, a skills catalogue, job-seeker profiles of working-age
residents, proposals that become placements (with follow-ups at 1, 3 and 6 months),
vocational courses with enrolment and outcomes, residents' businesses and micro-loans,
cooperatives, yearly household income, life events, and the relapse-watch rules and
the flags they raise. Amounts are yuan.

Rows that belong to a household carry `household`; lists are scoped through
registry.selectors.households_visible_to (livelihoods/selectors.py). Employers,
openings, courses and cooperatives are not personal data; they carry a copy of their
area's path (`area_path`) so a county's rows are one index range, like households.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from doorstep.core.texts import render_text, text_columns

# Anything above is a typing slip (a wage of 10 million a month), refused with a message.
MAX_AMOUNT = Decimal("100000000")
MAX_MONTHLY_WAGE = Decimal("1000000")


def _path_of(area) -> str:
    return area.path if area is not None else ""


# --- skills ---------------------------------------------------------------------------

# Names of the skills seeded by migration 0002, translated; an administrator's own
# skills show the name they typed.
SEEDED_SKILL_NAMES = {
    "tailoring": _("Tailoring"),
    "electrical": _("Electrical work"),
    "car_repair": _("Car repair"),
    "driving": _("Driving"),
    "cooking": _("Cooking"),
    "embroidery": _("Embroidery"),
    "animal_husbandry": _("Animal husbandry"),
    "ecommerce": _("E-commerce"),
    "construction": _("Construction"),
    "farming": _("Farming"),
}


class Skill(models.Model):
    """One skill of the catalogue; administrators add more."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["code"]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self):
        return SEEDED_SKILL_NAMES.get(self.code, self.name)


# --- employers and openings ------------------------------------------------------------


class EmployerKind(models.TextChoices):
    COMPANY = "company", _("Company")
    COOPERATIVE = "cooperative", _("Cooperative")
    LABOUR_PROJECT = "labour_project", _("Labour project")
    INTERNSHIP_CENTRE = "internship_centre", _("Internship centre")


class Employer(models.Model):
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=EmployerKind.choices)
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(max_length=255, editable=False, default="")
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=64, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        indexes = [models.Index(fields=["area_path", "name"], name="employer_scope")]

    def __str__(self) -> str:
        return self.name


class WorkType(models.TextChoices):
    FULL_TIME = "full_time", _("Full time")
    PART_TIME = "part_time", _("Part time")
    SEASONAL = "seasonal", _("Seasonal")
    INTERNSHIP = "internship", _("Internship")


class OpeningStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class JobOpening(models.Model):
    employer = models.ForeignKey(
        Employer, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="openings"
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    work_type = models.CharField(
        _("kind of work"), max_length=12, choices=WorkType.choices, default=WorkType.FULL_TIME
    )
    skills = models.ManyToManyField(
        Skill, verbose_name=_("skills required"), blank=True, related_name="+"
    )
    # Languages spoken at work (codes); empty: any.
    languages = models.CharField(_("working languages"), max_length=64, blank=True)
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("place"), on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(max_length=255, editable=False, default="")
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    wage_monthly = models.DecimalField(_("monthly wage (yuan)"), max_digits=10, decimal_places=2)
    posts = models.PositiveIntegerField(_("number of posts"))
    starts_on = models.DateField(_("work starts on"))
    # Seasonal work ends; a permanent post has no end.
    ends_on = models.DateField(_("work ends on"), null=True, blank=True)
    closes_on = models.DateField(_("applications close on"))
    status = models.CharField(
        _("status"), max_length=8, choices=OpeningStatus.choices, default=OpeningStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("job opening")
        verbose_name_plural = _("job openings")
        constraints = [
            models.CheckConstraint(condition=Q(posts__gte=1), name="opening_posts_positive"),
            models.CheckConstraint(
                condition=Q(wage_monthly__gte=0), name="opening_wage_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="opening_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["status", "area_path"], name="opening_scope")]

    def __str__(self) -> str:
        return self.title


# --- job seekers -------------------------------------------------------------------------


# Skill ids that fit in JobSeeker.skill_mask (a signed 64-bit integer).
MASK_BITS = 62


def skill_mask(skill_ids) -> int:
    """Bits of the skills with ids 1–62 (matching.py counts the rest with a join)."""
    mask = 0
    for pk in skill_ids:
        if 0 < pk <= MASK_BITS:
            mask |= 1 << pk
    return mask


class JobSeeker(models.Model):
    """A working-age resident looking for work: what they can do and what they want.

    Kept here, not in the registry: the registry says who lives where; this says what
    work a person seeks. `area_path` and the coordinates are copied from the household
    by services.seeker_save so that matching reads this table alone (bench/).
    """

    resident = models.OneToOneField(
        "registry.Resident",
        verbose_name=_("resident"),
        on_delete=models.CASCADE,
        related_name="job_seeker",
    )
    household = models.ForeignKey(
        "registry.Household", on_delete=models.CASCADE, related_name="job_seekers"
    )
    area_path = models.CharField(max_length=255, editable=False, default="")
    latitude = models.FloatField(null=True, blank=True, editable=False)
    longitude = models.FloatField(null=True, blank=True, editable=False)
    birth_date = models.DateField(_("birth date"), editable=False)
    skills = models.ManyToManyField(
        Skill, verbose_name=_("skills"), blank=True, through="JobSeekerSkill", related_name="+"
    )
    # Bit n set: the seeker has the skill whose id is n (ids 1–62), kept by
    # services.jobs with the skill rows, so matching counts skills without a join.
    skill_mask = models.BigIntegerField(default=0, editable=False)
    languages = models.CharField(_("languages spoken"), max_length=64, blank=True)
    # Comma-separated WorkType values; empty: any.
    work_types = models.CharField(_("kinds of work wanted"), max_length=64, blank=True)
    min_wage = models.DecimalField(
        _("lowest monthly wage wanted (yuan)"), max_digits=10, decimal_places=2, default=0
    )
    max_distance_km = models.PositiveIntegerField(_("furthest distance (km)"), default=30)
    is_looking = models.BooleanField(_("looking for work"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("job seeker")
        verbose_name_plural = _("job seekers")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_wage__gte=0), name="seeker_min_wage_not_negative"
            ),
        ]
        indexes = [
            # Matching: the looking seekers of a county are one range of this index.
            models.Index(
                fields=["area_path"], condition=Q(is_looking=True), name="seeker_looking_scope"
            ),
        ]

    def __str__(self) -> str:
        return f"seeker {self.resident_id}"

    @property
    def work_type_list(self) -> list[str]:
        return [w for w in self.work_types.split(",") if w]

    @property
    def language_list(self) -> list[str]:
        return [c for c in self.languages.split(",") if c]


class JobSeekerSkill(models.Model):
    seeker = models.ForeignKey(JobSeeker, on_delete=models.CASCADE, related_name="skill_rows")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("job seeker's skill")
        verbose_name_plural = _("job seekers' skills")
        constraints = [
            models.UniqueConstraint(fields=["seeker", "skill"], name="seeker_skill_once"),
        ]
        # Matching asks "which of these seekers have these skills": (skill, seeker).
        indexes = [models.Index(fields=["skill", "seeker"], name="seeker_skill_by_skill")]

    def __str__(self) -> str:
        return f"{self.seeker_id}:{self.skill_id}"


# --- proposals and placements -------------------------------------------------------------


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed to the resident")
    AGREED = "agreed", _("Resident agreed")
    ACCEPTED = "accepted", _("Employer accepted")
    DECLINED_BY_RESIDENT = "declined_resident", _("Resident declined")
    DECLINED_BY_EMPLOYER = "declined_employer", _("Employer declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


PROPOSAL_ACTIVE = (ProposalStatus.PROPOSED, ProposalStatus.AGREED)


class Proposal(models.Model):
    """A worker proposes an opening to a resident; the resident agrees; the employer
    accepts, which makes the Placement. The score and its reasons are kept as shown."""

    opening = models.ForeignKey(JobOpening, on_delete=models.PROTECT, related_name="proposals")
    seeker = models.ForeignKey(JobSeeker, on_delete=models.CASCADE, related_name="proposals")
    household = models.ForeignKey("registry.Household", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    score = models.PositiveSmallIntegerField(_("match score"))
    reasons = models.JSONField(default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["opening", "seeker"],
                condition=Q(status__in=["proposed", "agreed"]),
                name="proposal_one_active",
            ),
            models.CheckConstraint(condition=Q(score__lte=100), name="proposal_score_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.opening_id} ← {self.seeker_id} ({self.status})"


class PlacementStatus(models.TextChoices):
    ACTIVE = "active", _("Employed")
    ENDED = "ended", _("Ended")


class Placement(models.Model):
    opening = models.ForeignKey(JobOpening, on_delete=models.PROTECT, related_name="placements")
    proposal = models.OneToOneField(
        Proposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="placement"
    )
    seeker = models.ForeignKey(JobSeeker, on_delete=models.PROTECT, related_name="placements")
    household = models.ForeignKey("registry.Household", on_delete=models.CASCADE, related_name="+")
    # Who follows it up: the household's paired worker when placed, else the placer.
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("followed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_on = models.DateField(_("started on"))
    wage_monthly = models.DecimalField(_("monthly wage (yuan)"), max_digits=10, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=8, choices=PlacementStatus.choices, default=PlacementStatus.ACTIVE
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            models.CheckConstraint(
                condition=Q(wage_monthly__gte=0), name="placement_wage_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="placement_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["household", "started_on"], name="placement_household")]

    def __str__(self) -> str:
        return f"{self.seeker_id} @ {self.opening_id}"


FOLLOW_UP_MONTHS = (1, 3, 6)


class PlacementFollowUp(models.Model):
    """Still employed? At what wage? Asked 1, 3 and 6 months after the start; each
    appears on the worker's due list a week before it is due (apps.py)."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="follow_ups")
    month = models.PositiveSmallIntegerField(_("month"))
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    still_employed = models.BooleanField(_("still employed"), null=True, blank=True)
    wage_monthly = models.DecimalField(
        _("monthly wage now (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("placement follow-up")
        verbose_name_plural = _("placement follow-ups")
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "month"], name="follow_up_once"),
            models.CheckConstraint(
                condition=Q(wage_monthly__isnull=True) | Q(wage_monthly__gte=0),
                name="follow_up_wage_not_negative",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_on"], condition=Q(done_on__isnull=True), name="follow_up_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.placement_id} +{self.month}m"


# --- vocational training ----------------------------------------------------------------


class Course(models.Model):
    skill = models.ForeignKey(
        Skill, verbose_name=_("skill taught"), on_delete=models.PROTECT, related_name="courses"
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    provider = models.CharField(_("training provider"), max_length=120, blank=True)
    hours = models.PositiveIntegerField(_("hours"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class CourseSession(models.Model):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    trainer = models.CharField(_("trainer"), max_length=80)
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("place"), on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(max_length=255, editable=False, default="")
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    capacity = models.PositiveIntegerField(_("places"))

    class Meta:
        verbose_name = _("course session")
        verbose_name_plural = _("course sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="session_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_capacity_positive"),
        ]
        indexes = [models.Index(fields=["area_path", "starts_on"], name="session_scope")]

    def __str__(self) -> str:
        return f"{self.course_id} {self.starts_on}"


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    COMPLETED = "completed", _("Completed")
    DROPPED = "dropped", _("Dropped out")


class TrainingOutcome(models.TextChoices):
    EMPLOYED = "employed", _("Employed")
    BUSINESS = "business", _("Started a business")
    NEITHER = "neither", _("Neither")


class Enrolment(models.Model):
    session = models.ForeignKey(CourseSession, on_delete=models.PROTECT, related_name="enrolments")
    resident = models.ForeignKey(
        "registry.Resident", on_delete=models.CASCADE, related_name="enrolments"
    )
    household = models.ForeignKey("registry.Household", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EnrolmentStatus.choices,
        default=EnrolmentStatus.ENROLLED,
    )
    enrolled_on = models.DateField(_("enrolled on"))
    # Training is voluntary: the day the resident agreed to this course, recorded by
    # whoever enrolled them (services.training.enrolment_create requires it).
    agreed_on = models.DateField(_("resident agreed on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    certificate_no = models.CharField(_("certificate number"), max_length=40, blank=True)
    outcome = models.CharField(
        _("outcome within 6 months"), max_length=10, choices=TrainingOutcome.choices, blank=True
    )
    outcome_on = models.DateField(_("outcome recorded on"), null=True, blank=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["session", "resident"], name="enrolment_once"),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_on__isnull=False),
                name="enrolment_completed_has_date",
            ),
        ]
        indexes = [models.Index(fields=["household"], name="enrolment_household")]

    def __str__(self) -> str:
        return f"{self.resident_id} in {self.session_id}"


class Attendance(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    day = models.DateField(_("day"))
    present = models.BooleanField(_("present"), default=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "day"], name="attendance_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} {self.day}"


# --- small businesses and cooperatives ----------------------------------------------------


class Premises(models.TextChoices):
    HOME = "home", _("At home")
    RENTED = "rented", _("Rented premises")
    OWNED = "owned", _("Own premises")
    MARKET_STALL = "market_stall", _("Market stall")
    NONE = "none", _("None")


class Business(models.Model):
    """A resident's small business: a shop, a restaurant, a workshop."""

    household = models.ForeignKey(
        "registry.Household", on_delete=models.CASCADE, related_name="businesses"
    )
    owner = models.ForeignKey(
        "registry.Resident",
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="businesses",
    )
    name = models.CharField(_("name"), max_length=120)
    trade = models.CharField(_("trade"), max_length=80, blank=True)
    skill = models.ForeignKey(
        Skill, verbose_name=_("skill"), null=True, blank=True, on_delete=models.PROTECT
    )
    started_on = models.DateField(_("started on"))
    licence_no = models.CharField(_("business licence number"), max_length=40, blank=True)
    premises = models.CharField(
        _("premises"), max_length=14, choices=Premises.choices, default=Premises.HOME
    )
    premises_address = models.CharField(_("premises address"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("business")
        verbose_name_plural = _("businesses")

    def __str__(self) -> str:
        return self.name


class Repayment(models.TextChoices):
    ON_TRACK = "on_track", _("Repaying on time")
    LATE = "late", _("Late")
    REPAID = "repaid", _("Repaid")
    DEFAULTED = "defaulted", _("Defaulted")


class MicroLoan(models.Model):
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="loans")
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    bank = models.CharField(_("bank"), max_length=80)
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    disbursed_on = models.DateField(_("disbursed on"))
    repayment = models.CharField(
        _("repayment"), max_length=10, choices=Repayment.choices, default=Repayment.ON_TRACK
    )

    class Meta:
        verbose_name = _("micro-loan")
        verbose_name_plural = _("micro-loans")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="loan_amount_positive"),
            models.CheckConstraint(condition=Q(term_months__gte=1), name="loan_term_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.business_id} {self.amount}"


class Certification(models.TextChoices):
    GREEN = "green", _("Green food")
    ORGANIC = "organic", _("Organic")
    GEOGRAPHICAL = "geographical", _("Geographical indication")


class SalesChannel(models.TextChoices):
    LOCAL = "local", _("Local")
    OTHER_PROVINCES = "other_provinces", _("Other provinces")
    ONLINE = "online", _("Online")


class Cooperative(models.Model):
    name = models.CharField(_("name"), max_length=120)
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(max_length=255, editable=False, default="")
    products = models.CharField(_("products"), max_length=200)
    # Comma-separated Certification and SalesChannel values.
    certifications = models.CharField(_("certifications"), max_length=100, blank=True)
    sales_channels = models.CharField(_("sales channels"), max_length=100, blank=True)
    founded_on = models.DateField(_("founded on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("cooperative")
        verbose_name_plural = _("cooperatives")
        indexes = [models.Index(fields=["area_path", "name"], name="cooperative_scope")]

    def __str__(self) -> str:
        return self.name

    @property
    def certification_labels(self) -> list[str]:
        """The stored codes ("green,organic") as labels in the reader's language."""
        return _labels(Certification, self.certifications)

    @property
    def sales_channel_labels(self) -> list[str]:
        return _labels(SalesChannel, self.sales_channels)


def _labels(choices, stored: str) -> list[str]:
    names = dict(choices.choices)
    return [str(names.get(code, code)) for code in stored.split(",") if code]


class CooperativeMember(models.Model):
    cooperative = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="members")
    resident = models.ForeignKey(
        "registry.Resident", on_delete=models.CASCADE, related_name="cooperative_memberships"
    )
    household = models.ForeignKey("registry.Household", on_delete=models.CASCADE, related_name="+")
    joined_on = models.DateField(_("joined on"))

    class Meta:
        verbose_name = _("cooperative member")
        verbose_name_plural = _("cooperative members")
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "resident"], name="member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.cooperative_id}:{self.resident_id}"


# --- household income ------------------------------------------------------------------


class IncomeSource(models.TextChoices):
    WAGES = "wages", _("Wages")
    FARMING = "farming", _("Farming")
    LIVESTOCK = "livestock", _("Livestock")
    BUSINESS = "business", _("Business")
    TRANSFERS = "transfers", _("Transfers and benefits")
    OTHER = "other", _("Other")


class IncomeRecord(models.Model):
    """One source of a household's income in one year."""

    household = models.ForeignKey(
        "registry.Household", on_delete=models.CASCADE, related_name="income_records"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=10, choices=IncomeSource.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("income record")
        verbose_name_plural = _("income records")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "year", "source"], name="income_once_per_source"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="income_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year} {self.source}"


class HouseholdYear(models.Model):
    """A household's year in figures: income by source summed, members, medical
    spending, and income per person derived. Kept by services.income_* on every write
    so that relapse watch compares two rows per household, set-based (relapse.py)."""

    household = models.ForeignKey(
        "registry.Household", on_delete=models.CASCADE, related_name="livelihood_years"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    members = models.PositiveSmallIntegerField(_("members"))
    income_total = models.DecimalField(
        _("income (yuan)"), max_digits=12, decimal_places=2, default=0
    )
    income_per_person = models.DecimalField(
        _("income per person (yuan)"), max_digits=12, decimal_places=2, default=0
    )
    medical_spending = models.DecimalField(
        _("medical spending (yuan)"), max_digits=12, decimal_places=2, default=0
    )
    # How many sources have a record: income rules ignore a year with none yet.
    sources = models.PositiveSmallIntegerField(default=0)
    # Months with monthly income (IncomeMonth); 0: yearly figures only.
    months = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("household year")
        verbose_name_plural = _("household years")
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="household_year_once"),
            models.CheckConstraint(condition=Q(members__gte=1), name="household_year_members"),
            models.CheckConstraint(
                condition=Q(income_total__gte=0) & Q(medical_spending__gte=0),
                name="household_year_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["year", "household"], name="household_year_by_year")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}"


class LifeEventKind(models.TextChoices):
    SERIOUS_ILLNESS = "serious_illness", _("Serious illness")
    DISABILITY = "disability", _("Disability")
    JOB_LOST = "job_lost", _("Lost a job")
    DISASTER = "disaster", _("Disaster (flood, fire, earthquake, hail)")


class LifeEvent(models.Model):
    """Something that can push a family back into hardship, as the worker learnt it."""

    household = models.ForeignKey(
        "registry.Household", on_delete=models.CASCADE, related_name="life_events"
    )
    kind = models.CharField(_("what happened"), max_length=16, choices=LifeEventKind.choices)
    occurred_on = models.DateField(_("when"))
    note = models.TextField(_("note"), blank=True)
    note_code, note_params = text_columns()  # a note Doorstep wrote (core.texts)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("life event")
        verbose_name_plural = _("life events")
        indexes = [models.Index(fields=["occurred_on", "kind"], name="life_event_recent")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.kind} {self.occurred_on}"

    @property
    def shown_note(self) -> str:
        return render_text(self.note_code, self.note_params, self.note)


# --- relapse watch ------------------------------------------------------------------------


class RuleKind(models.TextChoices):
    INCOME_BELOW = "income_below", _("Income per person below a threshold")
    INCOME_DROP = "income_drop", _("Income per person dropped")
    MEDICAL_SHARE = "medical_share", _("Medical spending above a share of income")
    ILLNESS_OR_DISABILITY = "illness_disability", _("New serious illness or disability")
    JOB_LOST = "job_lost", _("Lost a job")
    DISASTER = "disaster", _("Disaster")


# Rules on a year's figures are re-checked every night and a flag clears itself when
# its figures no longer meet the rule; rules on an event stay until a worker resolves.
FIGURE_RULES = (RuleKind.INCOME_BELOW, RuleKind.INCOME_DROP, RuleKind.MEDICAL_SHARE)


class RelapseRule(models.Model):
    """One rule of the relapse watch, with its parameters (supervisors edit them).

    Which parameters a kind reads: income_below: `threshold` (yuan per person and
    year); income_drop and medical_share: `share` (0–1); event rules: `lookback_days`.
    """

    kind = models.CharField(_("rule"), max_length=20, choices=RuleKind.choices, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    threshold = models.DecimalField(
        _("threshold (yuan per person a year)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    share = models.DecimalField(
        _("share (0–1)"), max_digits=4, decimal_places=3, null=True, blank=True
    )
    lookback_days = models.PositiveIntegerField(
        _("events of the last (days)"), null=True, blank=True
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("relapse rule")
        verbose_name_plural = _("relapse rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(share__isnull=True) | (Q(share__gt=0) & Q(share__lte=1)),
                name="rule_share_0_1",
            ),
            models.CheckConstraint(
                condition=Q(threshold__isnull=True) | Q(threshold__gte=0),
                name="rule_threshold_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLEARED = "cleared", _("Cleared")


class ClearReason(models.TextChoices):
    RESOLVED = "resolved", _("Helped: resolved")
    NO_LONGER_APPLIES = "no_longer_applies", _("The figures no longer meet the rule")


class RelapseFlag(models.Model):
    """A household flagged by one rule, on what figures, and what became of it.

    At most one open flag per household and rule. The figures are typed columns, not
    JSON, so the nightly INSERT ... SELECT writes them the same way on SQLite and
    PostgreSQL: `value` is what was measured (income per person, the share), `reference`
    what it was compared with (last year's income per person, the income),
    `rule_limit` the rule's parameter at the time; event rules name the event. `basis`
    says which fact fired ("y2026" or "e123"): a fact a worker resolved does not raise a flag again.
    """

    household = models.ForeignKey(
        "registry.Household", on_delete=models.CASCADE, related_name="relapse_flags"
    )
    rule = models.ForeignKey(RelapseRule, on_delete=models.PROTECT, related_name="flags")
    basis = models.CharField(max_length=24)
    status = models.CharField(
        _("status"), max_length=8, choices=FlagStatus.choices, default=FlagStatus.OPEN
    )
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    value = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    reference = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    rule_limit = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    event = models.ForeignKey(
        LifeEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField()
    # When the flag's figures were last written (raised, or changed on a later run).
    evaluated_at = models.DateTimeField()
    need = models.ForeignKey(
        "casework.Need", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cleared_at = models.DateTimeField(null=True, blank=True)
    clear_reason = models.CharField(max_length=20, choices=ClearReason.choices, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    clear_note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("relapse flag")
        verbose_name_plural = _("relapse flags")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "rule"],
                condition=Q(status="open"),
                name="flag_one_open_per_rule",
            ),
        ]
        indexes = [
            models.Index(fields=["household", "rule", "basis"], name="flag_household_rule"),
            models.Index(fields=["status", "raised_at"], name="flag_status_raised"),
            # Open flags still waiting for their need (services.relapse_open_needs).
            models.Index(
                fields=["raised_at"],
                condition=Q(status="open", need__isnull=True),
                name="flag_without_need",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.rule_id} {self.basis}"


# Loops: links from help to needs, placement changes, monthly income (models_loops.py).
from doorstep.livelihoods.models_loops import (  # noqa: E402, F401
    HelpKind,
    IncomeMonth,
    NeedLink,
    PlacementChange,
    PlacementChangeKind,
)
