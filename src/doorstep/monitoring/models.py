"""The poverty-monitoring procedure (防止返贫监测帮扶): a household's poverty status with
its history, proposals to put a household under monitoring or to remove its risk, each
step of the decision as a record, objections to the public notice, help measures and
reviews, and each county's settings (which levels decide, notice period, monitoring
line per year).

registry never imports this app: the status lives here, one row per household that
has one (no row means "never registered").
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doorstep.core.texts import render_text, text_columns

MAX_AMOUNT = 10_000_000


class PovertyStatus(models.TextChoices):
    NEVER = "never", _("Never registered")
    LIFTED = "lifted", _("Lifted out of poverty")
    MONITORED = "monitored", _("Monitored")
    RISK_REMOVED = "risk_removed", _("Risk removed")


class MonitoringType(models.TextChoices):
    UNSTABLE = "unstable", _("Unstable after alleviation")
    EDGE = "edge", _("On the edge of poverty")
    SUDDEN = "sudden", _("Sudden severe hardship")


class RiskKind(models.TextChoices):
    ILLNESS = "illness", _("Illness")
    DISABILITY = "disability", _("Disability")
    ACCIDENT = "accident", _("Accident")
    UNEMPLOYMENT = "unemployment", _("Unemployment")
    INCOME_DROP = "income_drop", _("Income drop")
    DISASTER = "disaster", _("Natural disaster")
    EDUCATION = "education", _("Education costs")
    HOUSING = "housing", _("Housing")
    OTHER = "other", _("Other")


def risk_labels(codes: str) -> list[str]:
    labels = dict(RiskKind.choices)
    return [str(labels[c]) for c in codes.split(",") if c in labels]


class HouseholdPoverty(models.Model):
    """A household's current poverty status. History: StatusChange."""

    household = models.OneToOneField(
        "registry.Household", primary_key=True, on_delete=models.CASCADE, related_name="poverty"
    )
    status = models.CharField(
        _("poverty status"), max_length=14, choices=PovertyStatus.choices, default="never"
    )
    lifted_year = models.PositiveSmallIntegerField(
        _("lifted out of poverty in"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2013), MaxValueValidator(2100)],
    )
    monitored_since = models.DateField(_("monitored since"), null=True, blank=True)
    monitoring_type = models.CharField(
        _("monitoring type"), max_length=10, choices=MonitoringType.choices, blank=True
    )
    # Comma-separated RiskKind codes (several may apply).
    risk_kinds = models.CharField(_("risk kinds"), max_length=120, blank=True)
    risk_removed_on = models.DateField(_("risk removed on"), null=True, blank=True)
    risk_removed_reason = models.TextField(_("reason the risk was removed"), blank=True)
    # Monitored households: when the paired worker next reviews (on their due list).
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("poverty status")
        verbose_name_plural = _("poverty statuses")
        indexes = [
            models.Index(fields=["status", "monitoring_type"], name="poverty_status_type"),
            models.Index(
                fields=["next_review_on"],
                name="poverty_review_due",
                condition=Q(status="monitored"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.status}"

    @property
    def risk_labels(self) -> list[str]:
        return risk_labels(self.risk_kinds)


class StatusChange(models.Model):
    """One change of a household's poverty status: never edited, never deleted."""

    household = models.ForeignKey(
        "registry.Household", on_delete=models.CASCADE, related_name="poverty_changes"
    )
    status = models.CharField(_("poverty status"), max_length=14, choices=PovertyStatus.choices)
    lifted_year = models.PositiveSmallIntegerField(null=True, blank=True)
    monitoring_type = models.CharField(max_length=10, choices=MonitoringType.choices, blank=True)
    risk_kinds = models.CharField(max_length=120, blank=True)
    effective_on = models.DateField(_("from"))
    reason = models.TextField(_("reason"), blank=True)
    proposal = models.ForeignKey(
        "monitoring.Proposal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("poverty status change")
        verbose_name_plural = _("poverty status changes")
        ordering = ["household", "changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.household_id} {self.status} {self.effective_on}"


class CountyPolicy(models.Model):
    """A county's settings for the procedure, set by a supervisor."""

    county = models.OneToOneField(
        "areas.Area", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    village_review = models.BooleanField(_("village review required"), default=True)
    township_review = models.BooleanField(_("township review required"), default=True)
    notice_days = models.PositiveSmallIntegerField(
        _("public notice (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    # Risk removal: income per person above the line in this many latest years.
    stable_years = models.PositiveSmallIntegerField(
        _("years above the line before risk removal"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    review_days = models.PositiveSmallIntegerField(
        _("review every (days)"),
        default=30,
        validators=[MinValueValidator(7), MaxValueValidator(180)],
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("county monitoring settings")
        verbose_name_plural = _("county monitoring settings")

    def __str__(self) -> str:
        return str(self.county_id)


class MonitoringLine(models.Model):
    """The county's monitoring line for a year: yuan per person and year."""

    county = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2013), MaxValueValidator(2100)]
    )
    amount = models.DecimalField(
        _("monitoring line (yuan per person a year)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_AMOUNT)],
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("monitoring line")
        verbose_name_plural = _("monitoring lines")
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="monitoring_line_once")
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.year}"


class ProposalKind(models.TextChoices):
    ENTER = "enter", _("Put under monitoring")
    REMOVE = "remove", _("Remove the risk")


class ProposalSource(models.TextChoices):
    RESIDENT = "resident", _("The household applied")
    WORKER = "worker", _("A worker after a visit")
    WATCH = "watch", _("The relapse watch")


class Stage(models.TextChoices):
    VILLAGE_REVIEW = "village_review", _("Village review")
    NOTICE = "notice", _("Public notice")
    TOWNSHIP_REVIEW = "township_review", _("Township review")
    COUNTY_DECISION = "county_decision", _("County decision")
    APPROVED = "approved", _("Decided")
    RETURNED = "returned", _("Returned")


OPEN_STAGES = (Stage.VILLAGE_REVIEW, Stage.NOTICE, Stage.TOWNSHIP_REVIEW, Stage.COUNTY_DECISION)


class Proposal(models.Model):
    """A proposal to put a household under monitoring, or to remove its risk, with the
    figures that support it and where it stands in the procedure."""

    household = models.ForeignKey(
        "registry.Household", on_delete=models.CASCADE, related_name="monitoring_proposals"
    )
    county = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("proposal"), max_length=8, choices=ProposalKind.choices)
    source = models.CharField(_("proposed by"), max_length=10, choices=ProposalSource.choices)
    monitoring_type = models.CharField(
        _("monitoring type"), max_length=10, choices=MonitoringType.choices, blank=True
    )
    risk_kinds = models.CharField(_("risk kinds"), max_length=120, blank=True)
    # Supporting figures, copied when proposed (livelihoods' year figures, the line).
    figures_year = models.PositiveSmallIntegerField(null=True, blank=True)
    income_per_person = models.DecimalField(
        _("income per person (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    monitoring_line = models.DecimalField(
        _("monitoring line"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    medical_spending = models.DecimalField(
        _("medical spending (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    events = models.CharField(_("events"), max_length=300, blank=True)
    note = models.TextField(_("why"), blank=True)
    note_code, note_params = text_columns()  # words Doorstep wrote (core.texts)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_by_resident = models.ForeignKey(
        "registry.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    notice_starts_on = models.DateField(_("notice from"), null=True, blank=True)
    notice_ends_on = models.DateField(_("notice until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    returned_reason = models.TextField(_("reason returned"), blank=True)

    class Meta:
        verbose_name = _("monitoring proposal")
        verbose_name_plural = _("monitoring proposals")
        constraints = [
            # One proposal in progress per household at a time.
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(stage__in=list(OPEN_STAGES)),
                name="proposal_one_open_per_household",
            )
        ]
        indexes = [
            models.Index(fields=["county", "stage"], name="proposal_county_stage"),
            models.Index(fields=["decided_at"], name="proposal_decided"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.kind} {self.stage}"

    @property
    def shown_note(self) -> str:
        return render_text(self.note_code, self.note_params, self.note)

    @property
    def risk_labels(self) -> list[str]:
        return risk_labels(self.risk_kinds)

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def below_line(self) -> bool | None:
        if self.income_per_person is None or self.monitoring_line is None:
            return None
        return self.income_per_person < self.monitoring_line


class Decision(models.TextChoices):
    APPROVE = "approve", _("Agree")
    RETURN = "return", _("Return with a reason")
    # Not a decision of a level: the proposer amended a returned proposal and sent it
    # back into the procedure (services.proposal_resubmit). Never taken as a step.
    RESUBMIT = "resubmit", _("Amended and resubmitted")


# What a level may decide at its step (Decision.RESUBMIT is the proposer's).
STEP_DECISIONS = (Decision.APPROVE, Decision.RETURN)


class Step(models.Model):
    """One step of the procedure: who, when, at which stage, what was decided and why."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="steps")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices)
    reason = models.TextField(_("reason"), blank=True)
    # Village review: the village committee's meeting.
    meeting_on = models.DateField(_("meeting on"), null=True, blank=True)
    attendees = models.PositiveSmallIntegerField(
        _("attendees"), null=True, blank=True, validators=[MaxValueValidator(5000)]
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A resubmission: what the proposal said before it was amended (type, risk kinds,
    # note, the figures and the reason it was returned), so the history keeps it.
    previous = models.JSONField(_("before the amendment"), null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("procedure step")
        verbose_name_plural = _("procedure steps")
        ordering = ["proposal", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.stage} {self.decision}"


class Objection(models.Model):
    """An objection received during the public notice. Only what it says about the
    proposal, not who objected (objections may be anonymous)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="objections")
    received_on = models.DateField(_("received on"))
    summary = models.TextField(_("what the objection says"), max_length=1000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.received_on}"


class MeasureKind(models.TextChoices):
    NEED = "need", _("Need")
    ASSISTANCE = "assistance", _("Assistance")
    PLACEMENT = "placement", _("Job placement")
    ENROLMENT = "enrolment", _("Training enrolment")
    LOAN = "loan", _("Micro-loan")
    OTHER = "other", _("Other help")


class HelpMeasure(models.Model):
    """A help measure for a monitored household, linked to the record of the help."""

    household = models.ForeignKey(
        "registry.Household", on_delete=models.CASCADE, related_name="help_measures"
    )
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="measures"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MeasureKind.choices)
    need = models.ForeignKey(
        "casework.Need", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assistance = models.ForeignKey(
        "casework.Assistance", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    placement = models.ForeignKey(
        "livelihoods.Placement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    enrolment = models.ForeignKey(
        "livelihoods.Enrolment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    loan = models.ForeignKey(
        "livelihoods.MicroLoan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.CharField(_("what help"), max_length=200)
    started_on = models.DateField(_("from"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("help measure")
        verbose_name_plural = _("help measures")
        indexes = [models.Index(fields=["household", "started_on"], name="measure_household")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.kind}"


class Review(models.Model):
    """A regular review of a monitored household by its paired worker."""

    household = models.ForeignKey(
        "registry.Household", on_delete=models.CASCADE, related_name="monitoring_reviews"
    )
    reviewed_on = models.DateField(_("reviewed on"))
    note = models.TextField(_("note"), blank=True, max_length=2000)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("monitoring review")
        verbose_name_plural = _("monitoring reviews")

    def __str__(self) -> str:
        return f"{self.household_id} {self.reviewed_on}"
