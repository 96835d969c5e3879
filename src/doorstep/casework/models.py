"""Casework: who is paired with which household, the contacts they make, the needs they
follow to the end, where needs are referred and what help is given.

Needs are about help, and only help: what Doorstep never records, and never does, is
set out in "Our line" (README.md); a model that would cross it is out of scope.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doorstep.core.texts import render_text, text_columns

# --- units and twinning --------------------------------------------------------------


class UnitKind(models.TextChoices):
    HUMAN_RESOURCES = "human_resources", _("Human resources and social security")
    CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs")
    HEALTH = "health", _("Health")
    HOUSING = "housing", _("Housing")
    AGRICULTURE = "agriculture", _("Agriculture")
    DISABLED_PERSONS = "disabled_persons", _("Disabled persons' federation")
    BANK = "bank", _("Bank")
    # Named for what it is. Training is voluntary: a referral to one needs the
    # resident's recorded agreement (services.referrals.referral_create).
    VOCATIONAL_SCHOOL = "vocational_school", _("Vocational skills school")
    COMPANY = "company", _("Company")
    OTHER_DEPARTMENT = "other_department", _("Other department or bureau")
    OTHER = "other", _("Other service provider")


class Unit(models.Model):
    """A department, bureau, company or service provider.

    Two roles, one table: a unit's staff are paired with households of its twinned
    villages, and a unit that `accepts_referrals` receives needs (its responders see
    only those). The administrator adds units.
    """

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("based in"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepts_referrals = models.BooleanField(_("accepts referrals"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UnitMember(models.Model):
    """Which units a staff account belongs to: a unit's paired staff, or a department's
    responders. A separate table so the accounts app knows nothing of casework.

    One person may answer for several units (a row per unit). Reads go through
    `casework.membership` (`unit_ids_of`, `unit_active_members`); removing a member
    deletes the row (the audit log keeps the history), and a responder moved away keeps
    sight of the referrals they answered themselves (casework.selectors)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unit_memberships"
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="members")
    joined_at = models.DateTimeField(_("member since"), default=timezone.now)

    class Meta:
        verbose_name = _("unit member")
        verbose_name_plural = _("unit members")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="unit_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.unit_id}"


class Twinning(models.Model):
    """A unit twinned with a village: the unit's staff pair only with its households."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="twinnings")
    village = models.ForeignKey(
        "areas.Area", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("twinning")
        verbose_name_plural = _("twinnings")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "village"],
                condition=Q(ended_on__isnull=True),
                name="twinning_one_active",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="twinning_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} ⇄ {self.village_id}"


# --- pairings ----------------------------------------------------------------------


class PairingQuerySet(models.QuerySet):
    def active(self) -> PairingQuerySet:
        return self.filter(ended_on__isnull=True)


class Pairing(models.Model):
    """A staff member paired with a household from one date to another.

    Rows are never deleted or re-pointed: a new worker means the old pairing ends and a
    new one starts, so the household keeps its whole history.
    """

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("worker"),
        on_delete=models.PROTECT,
        related_name="pairings",
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="pairings",
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Replay safety for API writes: the same client UUID from the same user is one row.
    client_id = models.UUIDField(null=True, blank=True, editable=False)

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(ended_on__isnull=True),
                name="pairing_one_active_per_household",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="pairing_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["created_by", "client_id"],
                condition=Q(client_id__isnull=False),
                name="pairing_client_id_once",
            ),
        ]
        indexes = [
            models.Index(
                fields=["worker", "household"],
                condition=Q(ended_on__isnull=True),
                name="pairing_active_worker",
            ),
            models.Index(fields=["household", "started_on"], name="pairing_household_history"),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} ↔ {self.household_id} ({self.started_on}–{self.ended_on or ''})"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


# --- visit policy and the contact schedule -------------------------------------------


class VisitPolicy(models.Model):
    """How often households of an area must be contacted; the deepest area's policy wins."""

    area = models.OneToOneField(
        "areas.Area", verbose_name=_("area"), on_delete=models.CASCADE, related_name="+"
    )
    interval_days = models.PositiveSmallIntegerField(_("every household, at least every (days)"))
    vulnerable_interval_days = models.PositiveSmallIntegerField(
        _("vulnerable households, at least every (days)")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("visit policy")
        verbose_name_plural = _("visit policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(interval_days__gte=1)
                & Q(vulnerable_interval_days__gte=1)
                & Q(vulnerable_interval_days__lte=F("interval_days")),
                name="visit_policy_intervals_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area_id}: {self.interval_days}/{self.vulnerable_interval_days}"


class WelfareRoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class WelfareRoundQuerySet(models.QuerySet):
    def overriding(self, *, on) -> WelfareRoundQuerySet:
        """Rounds that set the contact interval on `on` (casework.services.schedule):
        running, not closed, and with an interval (a round of check items alone sets
        none)."""
        return self.filter(
            starts_on__lte=on,
            ends_on__gte=on,
            status=WelfareRoundStatus.OPEN,
            interval_days__isnull=False,
        )


class WelfareRound(models.Model):
    """A welfare-check round (an epidemic, a cold spell) over an area.

    Two effects, either or both: with `interval_days`, every household of the area is
    due at that interval while the round runs, overriding both policy intervals
    (services.schedule); with check items (WelfareCheck, one per resident selected by
    `criteria`), each selected resident is checked against `checklist` by `ends_on`,
    the deadline (services.welfare).
    """

    area = models.ForeignKey(
        "areas.Area", verbose_name=_("area"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=120)
    interval_days = models.PositiveSmallIntegerField(
        _("every household, every (days)"), null=True, blank=True
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Who is checked, as services.welfare.RoundCriteria saved it: vulnerability
    # categories, age bounds, heads only. A fixed set of criteria, nothing else.
    criteria = models.JSONField(_("who is checked"), default=dict, blank=True)
    # [{"key": "heating"}, {"key": "q6", "label": "..."}]: standard questions by key
    # (translated when shown), the round's own questions with their text.
    checklist = models.JSONField(_("check-list"), default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=WelfareRoundStatus.choices,
        default=WelfareRoundStatus.OPEN,
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Check items created with the round (they are never added later).
    check_count = models.PositiveIntegerField(default=0)

    objects = WelfareRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("welfare-check round")
        verbose_name_plural = _("welfare-check rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on"))
                & (Q(interval_days__isnull=True) | Q(interval_days__gte=1)),
                name="welfare_round_dates_sane",
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status="closed", closed_at__isnull=False),
                name="welfare_round_closed_has_time",
            ),
        ]
        indexes = [models.Index(fields=["area", "ends_on"], name="welfare_round_area")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == WelfareRoundStatus.OPEN


class WelfareCheckStatus(models.TextChoices):
    PENDING = "pending", _("Not yet tried")
    NOT_REACHED = "not_reached", _("Not reached after a try")
    DONE = "done", _("Done")


class WelfareAssignment(models.TextChoices):
    PAIRED = "paired", _("Paired worker")
    NEAREST = "nearest", _("Nearest available worker")
    REASSIGNED = "reassigned", _("Reassigned")
    NONE = "none", _("No worker available")


class WelfareCheck(models.Model):
    """One resident to check in one round, and the check's outcome.

    Created set-based with the round (services.welfare: INSERT ... SELECT), so every
    column is written explicitly there; `household` and `area` are the resident's
    household and its area at creation, so that coverage per area is one GROUP BY on
    (round, area, status) without visiting households.

    No foreign-key constraints in the database (db_constraint=False), and as few
    indexes as the reads need: a region round writes 1.4 million rows in one
    statement, and each constraint is a trigger and a lookup per row, each index a
    random write per row (docs/benchmarks.md, "Welfare-check rounds"). Every row is
    made from a join over the rows it references, and deletions go through Django's
    on_delete, which does not need the constraint: deleting a resident deletes their
    checks (the unique (resident, round) index finds them), deleting a household
    deletes its residents and so their checks (hence DO_NOTHING on `household`).
    """

    round = models.ForeignKey(
        WelfareRound,
        on_delete=models.CASCADE,
        related_name="checks",
        db_index=False,
        db_constraint=False,
    )
    resident = models.ForeignKey(
        "registry.Resident",
        verbose_name=_("resident"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("household"),
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    area = models.ForeignKey(
        "areas.Area",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("worker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    assigned_as = models.CharField(max_length=10, choices=WelfareAssignment.choices)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=WelfareCheckStatus.choices,
        default=WelfareCheckStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # {"heating": false, "q6": true}: one yes/no per question of the round's check-list.
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    need = models.ForeignKey(
        "Need",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("welfare check")
        verbose_name_plural = _("welfare checks")
        constraints = [
            # Resident first: it also finds a resident's checks when they are deleted.
            models.UniqueConstraint(fields=["resident", "round"], name="welfare_check_once"),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(checked_at__isnull=False),
                name="welfare_check_done_has_time",
            ),
        ]
        indexes = [
            # The round's checks; coverage per area is an index-only GROUP BY. A new
            # round's entries land at the index's right end: cheap to write.
            models.Index(fields=["round", "area", "status"], name="welfare_check_coverage"),
            # A worker's open checks in the open rounds (the due list). Round first,
            # like the index above, so that a new round writes only its own part.
            models.Index(fields=["round", "worker", "status"], name="welfare_check_worker"),
            # Needs opened by checks (SET_NULL when a need is deleted); empty at creation.
            models.Index(
                fields=["need"], condition=Q(need__isnull=False), name="welfare_check_need"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.resident_id} {self.status}"


class ScheduleBasis(models.TextChoices):
    POLICY = "policy", _("Visit policy")
    VULNERABLE = "vulnerable", _("Vulnerable household")
    WELFARE_ROUND = "welfare_round", _("Welfare-check round")


class ContactSchedule(models.Model):
    """When each household is next due, computed on write (contact logged, pairing
    changed, policy or round changed), never by aggregating contacts on read.

    One row per household rather than columns on Pairing: the last contact belongs to
    the household and survives a change of worker. `worker` mirrors the active pairing
    so that a worker's due list is one range scan of (worker, next_due_on); the township
    summary groups these rows. casework.services.schedule keeps both in step.
    """

    household = models.OneToOneField(
        "registry.Household", primary_key=True, on_delete=models.CASCADE, related_name="schedule"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Mirrors the household's area so that an area's summary reads this table alone,
    # from the (area, worker, next_due_on) index, without visiting 1.69 million
    # households (docs/benchmarks.md, "Casework"). Kept by schedule_refresh; the
    # nightly sweep follows households that move.
    area = models.ForeignKey(
        "areas.Area",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    last_contact_at = models.DateTimeField(null=True, blank=True)
    next_due_on = models.DateField()
    interval_days = models.PositiveSmallIntegerField()
    basis = models.CharField(max_length=16, choices=ScheduleBasis.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contact schedule")
        verbose_name_plural = _("contact schedules")
        indexes = [
            models.Index(fields=["worker", "next_due_on"], name="schedule_worker_due"),
            models.Index(fields=["next_due_on"], name="schedule_due"),
            models.Index(fields=["area", "worker", "next_due_on"], name="schedule_area_worker_due"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} due {self.next_due_on}"


# --- contacts ------------------------------------------------------------------------


class ContactKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    CALL = "call", _("Phone call")


class Contact(models.Model):
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("worker"),
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ContactKind.choices)
    # When it happened (entered on the phone, maybe a day later offline), not when it
    # reached the server; the schedule and the dashboards read this. A stay of several
    # days in the village also has an end, and its duration is the whole stay.
    occurred_at = models.DateTimeField(_("date and time"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=0)
    met_with = models.CharField(_("who was met"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    needs_found = models.TextField(_("needs found"), blank=True)
    # {"food": true, "heating": false, ...}: the check-list of the round, if any.
    checklist = models.JSONField(_("check-list"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    client_id = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "client_id"],
                condition=Q(client_id__isnull=False),
                name="contact_client_id_once",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("occurred_at")),
                name="contact_ends_after_it_starts",
            ),
        ]
        indexes = [
            models.Index(fields=["household", "occurred_at"], name="contact_household_at"),
            models.Index(fields=["worker", "occurred_at"], name="contact_worker_at"),
            # The summaries' refresh reads contacts by day, and looks for contacts
            # written since it last ran (insights.rollup.refresh_changed).
            models.Index(fields=["occurred_at"], name="contact_at"),
            models.Index(fields=["created_at"], name="contact_created_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.household_id} {self.occurred_at:%Y-%m-%d}"


# --- needs ---------------------------------------------------------------------------


class NeedCategory(models.TextChoices):
    HOUSING = "housing", _("Housing")
    MEDICAL_COSTS = "medical_costs", _("Medical costs")
    EMPLOYMENT = "employment", _("Employment")
    TRAINING = "training", _("Training")
    INCOME = "income", _("Income")
    EDUCATION = "education", _("Education")
    ELDERLY_CARE = "elderly_care", _("Elderly care")
    DISABILITY_SUPPORT = "disability_support", _("Disability support")
    VILLAGE_INFRASTRUCTURE = "village_infrastructure", _("Village infrastructure")
    LEGAL_AID = "legal_aid", _("Legal aid")
    OTHER = "other", _("Other")


class Urgency(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediate")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CONFIRMED = "confirmed", _("Confirmed by the resident")
    REOPENED = "reopened", _("Reopened")


# Statuses waiting to be acknowledged, and statuses in which the need is still unmet.
AWAITING_ACKNOWLEDGEMENT = (NeedStatus.OPEN, NeedStatus.REOPENED)
UNRESOLVED = (
    NeedStatus.OPEN,
    NeedStatus.REOPENED,
    NeedStatus.ACKNOWLEDGED,
    NeedStatus.IN_PROGRESS,
)


class ServiceLevel(models.Model):
    """How fast a need of one category and urgency must be acknowledged and resolved.
    Seeded for every pair by migration 0002; supervisors adjust them in the admin."""

    category = models.CharField(_("category"), max_length=24, choices=NeedCategory.choices)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    acknowledge_hours = models.PositiveIntegerField(_("acknowledge within (hours)"))
    resolve_hours = models.PositiveIntegerField(_("resolve within (hours)"))
    # A breach goes to the team leader at once, and to the supervisor if it is still
    # breached this long after that.
    supervisor_after_hours = models.PositiveIntegerField(
        _("escalate to the supervisor after (hours)"), default=24
    )

    class Meta:
        verbose_name = _("service level")
        verbose_name_plural = _("service levels")
        constraints = [
            models.UniqueConstraint(fields=["category", "urgency"], name="service_level_once"),
            models.CheckConstraint(
                condition=Q(acknowledge_hours__gte=1)
                & Q(resolve_hours__gte=F("acknowledge_hours"))
                & Q(supervisor_after_hours__gte=1),
                name="service_level_hours_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category}/{self.urgency}"


class Need(models.Model):
    """An urgent, difficult or worrying matter of a household, followed to the end.

    `version` is bumped by every write (services.needs), and a write carrying an older
    version is refused: two people editing one need never overwrite each other. The
    due columns are set from the ServiceLevel when the need (re)opens, so escalation is
    a range scan rather than a computation per row.
    """

    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="needs",
    )
    category = models.CharField(_("category"), max_length=24, choices=NeedCategory.choices)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=12, choices=NeedStatus.choices, default=NeedStatus.OPEN
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # A title or description Doorstep wrote (the relapse watch, a welfare check) is
    # also kept as a code and parameters, shown in the reader's language (core.texts).
    title_code, title_params = text_columns()
    description_code, description_params = text_columns()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The worker who follows the need; escalations go to their team leader's page.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("followed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_needs",
    )
    opened_at = models.DateTimeField(_("opened"))
    # When the current cycle began (opening, or the last reopening): service levels
    # count from here.
    cycle_started_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    acknowledge_due_at = models.DateTimeField()
    resolve_due_at = models.DateTimeField()
    # 0 none, 1 team leader, 2 supervisor: the highest escalation of the current cycle.
    escalation_level = models.PositiveSmallIntegerField(default=0)
    # Bumped on reopening: service levels and escalations start again per cycle.
    cycle = models.PositiveSmallIntegerField(default=1)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    client_id = models.UUIDField(null=True, blank=True, editable=False)
    # What the last completed help says, prefilled in the owner's resolve form.
    resolution_proposed = models.TextField(_("proposed resolution"), blank=True)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        constraints = [
            models.CheckConstraint(
                condition=Q(escalation_level__lte=2), name="need_escalation_level_known"
            ),
            models.CheckConstraint(
                condition=Q(resolve_due_at__gte=F("acknowledge_due_at")),
                name="need_due_order",
            ),
            models.UniqueConstraint(
                fields=["opened_by", "client_id"],
                condition=Q(client_id__isnull=False),
                name="need_client_id_once",
            ),
        ]
        indexes = [
            models.Index(fields=["household", "opened_at"], name="need_household_at"),
            models.Index(fields=["owner", "status"], name="need_owner_status"),
            # Escalation scans only unmet needs; these stay small however many are closed.
            models.Index(
                fields=["acknowledge_due_at"],
                condition=Q(status__in=["open", "reopened"]),
                name="need_ack_due_open",
            ),
            models.Index(
                fields=["resolve_due_at"],
                condition=Q(status__in=["open", "reopened", "acknowledged", "in_progress"]),
                name="need_resolve_due_open",
            ),
        ]

    def __str__(self) -> str:
        return self.shown_title

    @property
    def shown_title(self) -> str:
        """The title in the reader's language (core.texts), or as a person typed it."""
        return render_text(self.title_code, self.title_params, self.title)

    @property
    def shown_description(self) -> str:
        return render_text(self.description_code, self.description_params, self.description)


class NeedEventKind(models.TextChoices):
    OPENED = "opened", _("Opened")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    STARTED = "started", _("Work started")
    RESOLVED = "resolved", _("Resolved")
    CONFIRMED = "confirmed", _("Confirmed by the resident")
    REOPENED = "reopened", _("Reopened")
    UPDATED = "updated", _("Changed")
    NOTE = "note", _("Note")
    ESCALATED = "escalated", _("Escalated")
    REFERRED = "referred", _("Referred")
    REFERRAL_ACCEPTED = "referral_accepted", _("Referral accepted")
    REFERRAL_DECLINED = "referral_declined", _("Referral declined")
    REFERRAL_ACTION = "referral_action", _("Action by the department")
    ASSISTANCE = "assistance", _("Help recorded")
    FEEDBACK = "feedback", _("Resident's feedback")
    # Loops (casework/services/loops.py): help from another app linked to the need, a
    # department's outcome or final help asking the owner to resolve, a resident's dispute.
    HELP_LINKED = "help_linked", _("Help linked")
    RESOLVE_ASKED = "resolve_asked", _("Asked to resolve")
    DISPUTED = "disputed", _("Disputed by the resident")


class NeedEvent(models.Model):
    """One line of a need's timeline. Rows are only ever inserted."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=NeedEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    note = models.TextField(blank=True)
    note_code, note_params = text_columns()  # a note Doorstep wrote (core.texts)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    referral = models.ForeignKey(
        "Referral", null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    detail = models.JSONField(default=dict, blank=True)
    # A transition replayed with the same client UUID is found here and not done twice.
    client_id = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("need event")
        verbose_name_plural = _("need events")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "client_id"],
                condition=Q(client_id__isnull=False),
                name="need_event_client_id_once",
            ),
        ]
        indexes = [models.Index(fields=["need", "at"], name="need_event_need_at")]

    def __str__(self) -> str:
        return f"{self.need_id} {self.kind}"

    @property
    def shown_note(self) -> str:
        return render_text(self.note_code, self.note_params, self.note)


class Breach(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", _("Not acknowledged in time")
    RESOLVE = "resolve", _("Not resolved in time")


class EscalationLevel(models.IntegerChoices):
    TEAM_LEADER = 1, _("Team leader")
    SUPERVISOR = 2, _("Supervisor")


class Escalation(models.Model):
    """A breached service level brought to the team leader (1), then the supervisor (2).
    Unique per need, cycle, breach and level: running the escalation twice does nothing."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="escalations")
    cycle = models.PositiveSmallIntegerField()
    breach = models.CharField(max_length=12, choices=Breach.choices)
    level = models.PositiveSmallIntegerField(choices=EscalationLevel.choices)
    escalated_at = models.DateTimeField()
    # Level 1 only: when the breach goes on to the supervisor if it is still breached
    # (set from the service level, so the next run needs no per-row arithmetic).
    supervisor_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [
            models.UniqueConstraint(
                fields=["need", "cycle", "breach", "level"], name="escalation_once"
            ),
        ]
        indexes = [models.Index(fields=["level", "escalated_at"], name="escalation_level_at")]

    def __str__(self) -> str:
        return f"{self.need_id} {self.breach} L{self.level}"


# --- referrals -----------------------------------------------------------------------


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")


class Referral(models.Model):
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="referrals")
    unit = models.ForeignKey(
        Unit, verbose_name=_("referred to"), on_delete=models.PROTECT, related_name="referrals"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    note = models.TextField(_("what is asked"), blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    due_at = models.DateTimeField(_("answer expected by"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # The day the resident agreed to be referred, required for a vocational skills
    # school (training is voluntary); empty for other units.
    resident_agreed_on = models.DateField(_("resident agreed on"), null=True, blank=True)
    # What the department did in the end; `outcome_final` says its answer settles the
    # need (a benefit paid), which resolves the need at once (services.loops).
    outcome = models.TextField(_("outcome"), blank=True)
    outcome_final = models.BooleanField(_("the answer is final"), default=False)
    client_id = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.UniqueConstraint(
                fields=["need", "unit"],
                condition=Q(status__in=["sent", "accepted"]),
                name="referral_one_open_per_unit",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="referral_decline_has_reason",
            ),
            models.UniqueConstraint(
                fields=["created_by", "client_id"],
                condition=Q(client_id__isnull=False),
                name="referral_client_id_once",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status", "created_at"], name="referral_inbox"),
            models.Index(
                fields=["due_at"],
                condition=Q(status__in=["sent", "accepted"]),
                name="referral_due_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.need_id} → {self.unit_id}"


# --- assistance and feedback ----------------------------------------------------------


class AssistanceKind(models.TextChoices):
    BENEFIT = "benefit", _("Benefit application")
    MATERIAL = "material", _("Material help")


class BenefitType(models.TextChoices):
    PUBLIC_HOUSING = "public_housing", _("Public housing")
    SERIOUS_ILLNESS = "serious_illness", _("Serious-illness assistance")
    MINIMUM_LIVING = "minimum_living", _("Minimum living allowance")
    DISABILITY_SUBSIDY = "disability_subsidy", _("Disability subsidy")
    EDUCATION_GRANT = "education_grant", _("Education grant")
    MICRO_LOAN = "micro_loan", _("Micro-loan")


class BenefitStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PAID = "paid", _("Paid")


class MaterialType(models.TextChoices):
    EQUIPMENT = "equipment", _("Equipment")
    MEDICAL_DEVICE = "medical_device", _("Medical device")
    GOODS = "goods", _("Goods")


class Assistance(models.Model):
    """Help given for a need: a benefit application (amount, status) or material help
    (value). Amounts are yuan."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="assistance")
    kind = models.CharField(_("kind"), max_length=10, choices=AssistanceKind.choices)
    benefit_type = models.CharField(
        _("benefit"), max_length=20, choices=BenefitType.choices, blank=True
    )
    benefit_status = models.CharField(
        _("status"), max_length=10, choices=BenefitStatus.choices, blank=True
    )
    material_type = models.CharField(
        _("material help"), max_length=16, choices=MaterialType.choices, blank=True
    )
    amount = models.DecimalField(
        _("amount or value (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    given_on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    client_id = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("assistance")
        verbose_name_plural = _("assistance")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="assistance_amount_not_negative",
            ),
            # A benefit has a type and a status; material help has a type and no status.
            models.CheckConstraint(
                condition=(
                    Q(kind="benefit")
                    & ~Q(benefit_type="")
                    & ~Q(benefit_status="")
                    & Q(material_type="")
                )
                | (
                    Q(kind="material")
                    & ~Q(material_type="")
                    & Q(benefit_type="")
                    & Q(benefit_status="")
                ),
                name="assistance_kind_consistent",
            ),
            models.UniqueConstraint(
                fields=["recorded_by", "client_id"],
                condition=Q(client_id__isnull=False),
                name="assistance_client_id_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.need_id} {self.benefit_type or self.material_type}"


class FeedbackSource(models.TextChoices):
    WORKER = "worker", _("Recorded by the worker")
    RESIDENT = "resident", _("Given by the resident")


class Feedback(models.Model):
    """The resident's satisfaction with how a need was resolved: one per need and cycle."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="feedback")
    cycle = models.PositiveSmallIntegerField()
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"))
    comment = models.TextField(_("comment"), blank=True)
    source = models.CharField(max_length=10, choices=FeedbackSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    client_id = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1) & Q(satisfaction__lte=5),
                name="feedback_satisfaction_1_to_5",
            ),
            models.UniqueConstraint(fields=["need", "cycle"], name="feedback_once_per_cycle"),
        ]

    def __str__(self) -> str:
        return f"{self.need_id}: {self.satisfaction}"


# --- notifications --------------------------------------------------------------------


class NotificationKind(models.TextChoices):
    REFERRAL_OVERDUE = "referral_overdue", _("Referral overdue")
    REFERRAL_NEW = "referral_new", _("New referral")
    REFERRAL_ACCEPTED = "referral_accepted", _("Referral accepted")
    REFERRAL_DECLINED = "referral_declined", _("Referral declined: the need is yours again")
    REFERRAL_COMPLETED = "referral_completed", _("Referral completed")
    RESOLVE_ASKED = "resolve_asked", _("Help given: resolve the need")
    NEED_RESOLVED = "need_resolved", _("Need resolved")
    NEED_CONFIRMED = "need_confirmed", _("Confirmed by the resident")
    NEED_DISPUTED = "need_disputed", _("Disputed by the resident")


class Notification(models.Model):
    """An in-app notification for one staff account; services.loops also sends it
    through the notification channel (SMS) in the recipient's language.

    Unique per recipient, referral, kind and day: the hourly reminder task may run any
    number of times and each person gets one reminder per overdue referral per day.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="casework_notifications"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="+")
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # The words behind it (a decline's reason, an outcome, a resident's dispute).
    note = models.TextField(_("note"), blank=True)
    note_code, note_params = text_columns()  # words Doorstep wrote (core.texts)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "referral", "kind", "day"], name="notification_once_a_day"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "created_at"], name="notification_recipient_at"),
            # The unread count in the navigation: a small partial index.
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.kind} {self.day}"

    @property
    def shown_note(self) -> str:
        return render_text(self.note_code, self.note_params, self.note)


# Question templates live in their own module (models.py is long); imported here so
# that Django registers the model with this app.
# Per-person notification settings live in their own module (models.py is long).
from doorstep.casework.models_notify import NotificationPreference  # noqa: E402, F401
from doorstep.casework.questions import QuestionTemplate  # noqa: E402, F401
