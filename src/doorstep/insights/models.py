"""Insights: pre-aggregated figures per area and day, and the targets reports compare
them with.

Nothing here is personal: every row is a count, a sum or a histogram bucket for an
area (village and above) and a day. The rows are derived from casework and the duty
room by `insights.rollup` (set-based SQL, refreshed by a periodic task), so a region's
dashboard reads a few hundred rows however many households, contacts and needs there
are. A dashboard never aggregates the source tables at read time (except a single
worker's, which is small; see selectors.worker_dashboard).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AreaLink(models.Model):
    """The area tree as a closure: one row per area and each of its ancestors (itself
    included), grids left out as ancestors. Facts are grouped by the household's own
    area and fanned out to every level through this table in one join.
    Rebuilt by the refresh when the tree changes (areas do not move once households
    exist)."""

    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+")
    ancestor = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area", "ancestor"], name="insights_link_once"),
        ]

    def __str__(self) -> str:
        return f"{self.area_id} ⊂ {self.ancestor_id}"


class DayMeasures(models.Model):
    """What happened in an area (and everything below it): the columns of AreaDay
    (one local day) and AreaMonth (the month's days summed, for long periods)."""

    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+")
    contacts = models.PositiveIntegerField(default=0)
    visits = models.PositiveIntegerField(default=0)
    needs_opened = models.PositiveIntegerField(default=0)
    needs_resolved = models.PositiveIntegerField(default=0)
    breaches_acknowledge = models.PositiveIntegerField(default=0)
    breaches_resolve = models.PositiveIntegerField(default=0)
    feedback = models.PositiveIntegerField(default=0)
    feedback_satisfaction_sum = models.PositiveIntegerField(default=0)
    referrals = models.PositiveIntegerField(default=0)
    assistance = models.PositiveIntegerField(default=0)
    assistance_amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    calls = models.PositiveIntegerField(default=0)
    call_arrivals = models.PositiveIntegerField(default=0)
    call_arrival_minutes = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


class AreaDay(DayMeasures):
    """What happened in an area (and everything below it) on one local day."""

    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area", "day"], name="insights_area_day_once"),
        ]

    def __str__(self) -> str:
        return f"{self.area_id} {self.day}"


class AreaMonth(DayMeasures):
    """AreaDay summed over a calendar month (`month` is its first day): a county's
    year reads twelve rows per township instead of 365 (docs/benchmarks.md)."""

    month = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area", "month"], name="insights_area_month_once"),
        ]

    def __str__(self) -> str:
        return f"{self.area_id} {self.month:%Y-%m}"


class AreaDayResolve(models.Model):
    """How long the needs resolved on a day took, as a histogram: `hours` is the lower
    bound of a bucket (every hour up to two days, then every day up to 90 days, then
    one bucket for longer), so that the median is exact to its bucket at any level."""

    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    hours = models.PositiveIntegerField()
    needs = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["area", "day", "hours"], name="insights_resolve_bucket_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area_id} {self.day} {self.hours}h"


class AreaMonthResolve(models.Model):
    """AreaDayResolve summed over a calendar month."""

    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    hours = models.PositiveIntegerField()
    needs = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["area", "month", "hours"], name="insights_month_bucket_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area_id} {self.month:%Y-%m} {self.hours}h"


class AreaDayUnit(models.Model):
    """Referrals sent on a day to one department, and how their answers went."""

    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    unit = models.ForeignKey("casework.Unit", on_delete=models.CASCADE, related_name="+")
    referrals = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    answered_late = models.PositiveIntegerField(default=0)
    declined = models.PositiveIntegerField(default=0)
    answer_minutes = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area", "day", "unit"], name="insights_unit_day_once"),
        ]

    def __str__(self) -> str:
        return f"{self.area_id} {self.day} → {self.unit_id}"


class AreaSnapshot(models.Model):
    """Where an area stood on a day (taken by each refresh for its own day): households,
    those contacted within their interval, those overdue, open and long-open needs,
    referrals past their answer date."""

    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    households = models.PositiveIntegerField(default=0)
    covered = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    open_needs = models.PositiveIntegerField(default=0)
    long_open_needs = models.PositiveIntegerField(default=0)
    referrals_overdue = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area", "day"], name="insights_snapshot_once"),
        ]

    def __str__(self) -> str:
        return f"{self.area_id} as of {self.day}"


class RollupRun(models.Model):
    """One refresh of the summaries: the page shows the last one as the figures' age."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    first_day = models.DateField()
    last_day = models.DateField()
    seconds = models.FloatField(default=0)
    # Area count and highest id when the closure was built: a change rebuilds it.
    areas_signature = models.CharField(max_length=40, blank=True)

    class Meta:
        indexes = [models.Index(fields=["finished_at"], name="insights_run_finished")]

    def __str__(self) -> str:
        return f"{self.first_day}–{self.last_day} at {self.finished_at}"


class Metric(models.TextChoices):
    """Figures a target can be set for; the direction (at least / at most) is fixed
    per metric in insights.figures.TARGET_DIRECTION."""

    COVERAGE = "coverage", _("Households contacted within their interval (%)")
    RESOLVED_SHARE = "resolved_share", _("Needs resolved per need opened (%)")
    MEDIAN_RESOLVE_HOURS = "median_resolve_hours", _("Median time to resolve (hours)")
    BREACHES_PER_100 = "breaches_per_100", _("Service-level breaches per 100 needs opened")
    SATISFACTION = "satisfaction", _("Residents' satisfaction (1–5)")
    REFERRAL_ANSWER_HOURS = (
        "referral_answer_hours",
        _("Mean time for a department to answer (hours)"),
    )


class Target(models.Model):
    """A target for one figure, for an area's subtree (the deepest area's target wins)
    or everywhere (no area). Supervisors set them in the admin; reports read them."""

    metric = models.CharField(_("figure"), max_length=32, choices=Metric.choices)
    area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: the target applies everywhere unless an area sets its own."),
    )
    value = models.DecimalField(_("target"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "area"], name="insights_target_once_per_area"
            ),
            models.UniqueConstraint(
                fields=["metric"], condition=Q(area__isnull=True), name="insights_target_default"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="insights_target_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.metric}: {self.value}"
