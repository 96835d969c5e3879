"""Livelihoods data that closes the loops (services/loops.py): which needs a piece of
help answers, how a placement was ended or changed, and income by month."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class HelpKind(models.TextChoices):
    PLACEMENT = "placement", _("Job placement")
    ENROLMENT = "enrolment", _("Course enrolment")
    BUSINESS = "business", _("Business")
    LOAN = "loan", _("Micro-loan")


class NeedLink(models.Model):
    """One piece of help answering one need (a piece may answer several needs, a need
    may have several pieces). Exactly one of the help columns is set, as `kind` says."""

    need = models.ForeignKey("casework.Need", on_delete=models.CASCADE, related_name="+")
    household = models.ForeignKey("registry.Household", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("help"), max_length=10, choices=HelpKind.choices)
    placement = models.ForeignKey(
        "livelihoods.Placement", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    enrolment = models.ForeignKey(
        "livelihoods.Enrolment", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    business = models.ForeignKey(
        "livelihoods.Business", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    loan = models.ForeignKey(
        "livelihoods.MicroLoan", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField(auto_now_add=True)
    # Set when the help reached its final state and the owner was asked to resolve.
    final_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "livelihoods"
        verbose_name = _("help linked to a need")
        verbose_name_plural = _("help linked to needs")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="placement",
                        placement__isnull=False,
                        enrolment__isnull=True,
                        business__isnull=True,
                        loan__isnull=True,
                    )
                    | Q(
                        kind="enrolment",
                        placement__isnull=True,
                        enrolment__isnull=False,
                        business__isnull=True,
                        loan__isnull=True,
                    )
                    | Q(
                        kind="business",
                        placement__isnull=True,
                        enrolment__isnull=True,
                        business__isnull=False,
                        loan__isnull=True,
                    )
                    | Q(
                        kind="loan",
                        placement__isnull=True,
                        enrolment__isnull=True,
                        business__isnull=True,
                        loan__isnull=False,
                    )
                ),
                name="need_link_one_help",
            ),
            models.UniqueConstraint(
                fields=["need", "kind", "placement", "enrolment", "business", "loan"],
                name="need_link_once",
            ),
        ]
        indexes = [models.Index(fields=["need"], name="need_link_need")]

    def __str__(self) -> str:
        return f"{self.need_id} ← {self.kind}"


class PlacementChangeKind(models.TextChoices):
    ENDED = "ended", _("Ended")
    CHANGED = "changed", _("Changed")


class PlacementChange(models.Model):
    """A placement ended or changed (wage, post), with the reason, by whom, when."""

    placement = models.ForeignKey(
        "livelihoods.Placement", on_delete=models.CASCADE, related_name="changes"
    )
    kind = models.CharField(_("change"), max_length=8, choices=PlacementChangeKind.choices)
    reason = models.TextField(_("reason"))
    on = models.DateField(_("date"))
    wage_before = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    wage_after = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "livelihoods"
        verbose_name = _("placement change")
        verbose_name_plural = _("placement changes")
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="placement_change_has_reason")
        ]

    def __str__(self) -> str:
        return f"{self.placement_id} {self.kind}"


class IncomeMonth(models.Model):
    """One source of a household's income in one month (a new business's first months).
    HouseholdYear sums them with the yearly records, annualising a part year only when
    at least DOORSTEP_INCOME_MIN_MONTHS months are present (services.income)."""

    household = models.ForeignKey(
        "registry.Household", on_delete=models.CASCADE, related_name="income_months"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    source = models.CharField(_("source"), max_length=10)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "livelihoods"
        verbose_name = _("monthly income")
        verbose_name_plural = _("monthly income")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "year", "month", "source"], name="income_month_once"
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=12), name="income_month_1_12"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="income_month_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}-{self.month:02d} {self.source}"
