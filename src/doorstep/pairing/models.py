"""Pairing plans (the optimizer's proposals and what applying them changed), and the
village needs and members' skills that work-team assignment reads.

A plan never changes a pairing by itself: it stores the proposed changes, a preview
by area, and the figures; `plan_apply` (services.py) writes them in one transaction
through the same rules as casework's pairing services.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Computing")
    READY = "ready", _("Ready to review")
    FAILED = "failed", _("Failed")
    APPLIED = "applied", _("Applied")
    DISCARDED = "discarded", _("Discarded")


class PairingPlan(models.Model):
    """One run of the optimizer over an area, with the user's parameters."""

    area = models.ForeignKey(
        "areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Parameters (metres of travel: "no shared language costs as much as 5 km more").
    continuity_weight = models.PositiveIntegerField(_("continuity weight (m)"), default=2000)
    language_penalty = models.PositiveIntegerField(_("no shared language (m)"), default=5000)
    skill_penalty = models.PositiveIntegerField(_("skills do not fit the needs (m)"), default=1000)
    same_county = models.BooleanField(_("same county only"), default=False)
    capacity = models.PositiveSmallIntegerField(_("households per worker at most"))
    # Also run the greedy baseline and the relaxation's lower bound (about twice the time).
    compare_greedy = models.BooleanField(
        _("also compute the greedy baseline and the lower bound"), default=True
    )
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # 0–100
    stage = models.CharField(max_length=40, blank=True)
    # {"before": {...}, "after": {...}, "greedy": {...}, "bound": n, "stats": {...}}
    figures = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    # The certificate (optimizer/pricing.py): whether the plan is proved optimal on the
    # complete eligible graph, and its cost's excess over the proved lower bound as a
    # share of its pairing cost (0 when proved optimal).
    certified_optimal = models.BooleanField(_("proved optimal"), null=True, blank=True)
    certified_gap = models.FloatField(
        _("at most this far above the optimum"), null=True, blank=True
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("pairing plan")
        verbose_name_plural = _("pairing plans")
        indexes = [models.Index(fields=["area", "created_at"], name="pairing_plan_area")]

    def __str__(self) -> str:
        return f"plan {self.pk} ({self.area_id}, {self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status not in (PlanStatus.QUEUED, PlanStatus.RUNNING)


class ChangeKind(models.TextChoices):
    ADD = "add", _("Paired (had nobody)")
    MOVE = "move", _("New worker")
    END = "end", _("Pairing ends")
    UNSERVED = "unserved", _("Cannot be served")


class UnservedReason(models.TextChoices):
    NO_LOCATION = "no_location", _("The household has no location (nor has its village).")
    NO_ELIGIBLE_WORKER = (
        "no_eligible_worker",
        _(
            "No worker may serve this village: no staff in the area and no unit twinned with it "
            "(or none in the same county)."
        ),
    )
    CAPACITY = "capacity", _("Every worker who may serve this village is at capacity.")


class PlanChange(models.Model):
    """One household whose pairing the plan changes, or who cannot be served.
    Households kept with their worker have no row (the plan's figures count them)."""

    plan = models.ForeignKey(PairingPlan, on_delete=models.CASCADE, related_name="changes")
    household = models.ForeignKey("registry.Household", on_delete=models.CASCADE, related_name="+")
    cell = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=ChangeKind.choices)
    old_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    new_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=20, choices=UnservedReason.choices, blank=True)
    distance_before = models.PositiveIntegerField(null=True, blank=True)  # metres
    distance_after = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("plan change")
        verbose_name_plural = _("plan changes")
        constraints = [
            models.UniqueConstraint(fields=["plan", "household"], name="plan_change_once"),
            models.CheckConstraint(
                condition=~Q(kind="unserved") | ~Q(reason=""), name="plan_unserved_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["plan", "cell"], name="plan_change_cell")]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.household_id} {self.kind}"


class PlanCellFigure(models.Model):
    """Before and after of one village (or grid) under a plan: the preview by area
    adds these up to whatever level the reader looks at."""

    plan = models.ForeignKey(PairingPlan, on_delete=models.CASCADE, related_name="cells")
    cell = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+")
    households = models.PositiveIntegerField(default=0)
    kept = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    moved = models.PositiveIntegerField(default=0)
    ended = models.PositiveIntegerField(default=0)
    unserved = models.PositiveIntegerField(default=0)
    paired_before = models.PositiveIntegerField(default=0)
    distance_before = models.BigIntegerField(default=0)
    distance_after = models.BigIntegerField(default=0)
    language_households = models.PositiveIntegerField(default=0)
    language_before = models.PositiveIntegerField(default=0)
    language_after = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("plan figures of a village")
        verbose_name_plural = _("plan figures of villages")
        constraints = [models.UniqueConstraint(fields=["plan", "cell"], name="plan_cell_once")]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.cell_id}"


# --- work teams ------------------------------------------------------------------------


class DevelopmentNeed(models.TextChoices):
    AGRICULTURE = "agriculture", _("Agriculture")
    TOURISM = "tourism", _("Tourism")
    HEALTH = "health", _("Health")
    E_COMMERCE = "e_commerce", _("E-commerce")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    EDUCATION = "education", _("Education")


class VillageNeed(models.Model):
    """A development need a village states (several per village), with its weight."""

    village = models.ForeignKey(
        "areas.Area", verbose_name=_("village"), on_delete=models.CASCADE, related_name="+"
    )
    need = models.CharField(_("need"), max_length=16, choices=DevelopmentNeed.choices)
    priority = models.PositiveSmallIntegerField(_("priority (1–3)"), default=1)

    class Meta:
        verbose_name = _("village development need")
        verbose_name_plural = _("village development needs")
        constraints = [
            models.UniqueConstraint(fields=["village", "need"], name="village_need_once"),
            models.CheckConstraint(
                condition=Q(priority__gte=1) & Q(priority__lte=3), name="village_need_priority"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village_id}: {self.need}"


class MemberSkill(models.Model):
    """A candidate work-team member's skill, with years of experience in it."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="team_skills",
    )
    skill = models.CharField(_("skill"), max_length=16, choices=DevelopmentNeed.choices)
    years = models.PositiveSmallIntegerField(_("years of experience"), default=0)

    class Meta:
        verbose_name = _("work-team member skill")
        verbose_name_plural = _("work-team member skills")
        constraints = [
            models.UniqueConstraint(fields=["member", "skill"], name="member_skill_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.skill} ({self.years})"
