"""The duty room: rosters, calls from residents, dispatch to responders, service levels,
patrols and the hazards they find, and the keys Open311 clients file requests with.

Help, never surveillance: a call records what is wrong and where, so that someone
comes. "A person in danger" means welfare (someone fell, an elderly neighbour does not
answer the door), never policing; nothing here scores or watches anyone.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from doorstep.registry.validators import normalize_phone, validate_phone


class Office(models.Model):
    """A community office and its duty room. Its calls are seen by staff whose area
    subtree holds the office's area (hotline.selectors)."""

    name = models.CharField(_("name"), max_length=120)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    phone = models.CharField(_("duty phone"), max_length=20, blank=True)
    min_officers = models.PositiveSmallIntegerField(_("officers needed at every hour"), default=1)
    # Comma-wrapped CallCategory codes the office's duty room takes (",power,water,");
    # empty: every category. Set by administrators (administration pages and API).
    categories = models.CharField(_("service categories"), max_length=255, blank=True)
    # A retired office keeps its calls and rosters; it takes no new call.
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def category_list(self) -> list[str]:
        return [c for c in self.categories.split(",") if c]

    def takes(self, category: str) -> bool:
        """Whether the duty room takes calls of `category`: every category when none is
        set; a life-safety call or "other" always (nobody in danger is turned away)."""
        wanted = self.category_list
        return not wanted or category in wanted or category in LIFE_SAFETY or category == "other"


class HolidayKind(models.TextChoices):
    SPRING_FESTIVAL = "spring_festival", _("Spring Festival")
    NATIONAL_DAY = "national_day", _("National Day")


class Holiday(models.Model):
    """Public holidays the roster is planned for in advance (entered as data)."""

    kind = models.CharField(_("holiday"), max_length=20, choices=HolidayKind.choices)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="holiday_ends_after_start"
            ),
            models.UniqueConstraint(fields=["kind", "starts_on"], name="holiday_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on:%Y}"


class ShiftRole(models.TextChoices):
    OFFICER = "officer", _("Officer on duty")
    LEADER = "leader", _("Duty leader")


class DutyShift(models.Model):
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="shifts")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        related_name="duty_shifts",
    )
    role = models.CharField(
        _("role"), max_length=8, choices=ShiftRole.choices, default=ShiftRole.OFFICER
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    holiday = models.ForeignKey(
        Holiday, null=True, blank=True, on_delete=models.SET_NULL, related_name="shifts"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="shift_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["office", "starts_at"], name="shift_office_start"),
            models.Index(fields=["officer", "starts_at"], name="shift_officer_start"),
        ]

    def __str__(self) -> str:
        return f"{self.officer_id} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"


class SwapStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for the team leader")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ShiftSwap(models.Model):
    """An officer asks a colleague to take a shift; the team leader approves."""

    shift = models.ForeignKey(DutyShift, on_delete=models.CASCADE, related_name="swaps")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    replacement = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=SwapStatus.choices, default=SwapStatus.REQUESTED
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("shift swap")
        verbose_name_plural = _("shift swaps")
        constraints = [
            models.UniqueConstraint(
                fields=["shift"],
                condition=Q(status="requested"),
                name="swap_one_open_request_per_shift",
            )
        ]

    def __str__(self) -> str:
        return f"swap {self.shift_id} → {self.replacement_id} ({self.status})"


class CallCategory(models.TextChoices):
    POWER = "power", _("Power failure")
    WATER = "water", _("Water (burst pipe, no water)")
    GAS = "gas", _("Gas")
    LIFT_ENTRAPMENT = "lift_entrapment", _("Someone trapped in a lift")
    FIRE_HAZARD = "fire_hazard", _("Fire or safety hazard")
    PERSON_IN_DANGER = "person_in_danger", _("Elderly or vulnerable person needs help")
    NOISE_DISPUTE = "noise_dispute", _("Noise or neighbour dispute")
    SANITATION = "sanitation", _("Sanitation")
    OTHER = "other", _("Other")


# Life-safety categories: marked immediate at intake, with steps to take at once.
LIFE_SAFETY = frozenset(
    {
        CallCategory.GAS,
        CallCategory.LIFT_ENTRAPMENT,
        CallCategory.FIRE_HAZARD,
        CallCategory.PERSON_IN_DANGER,
    }
)


class Urgency(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediate")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")


class CallStatus(models.TextChoices):
    NEW = "new", _("Taken, not dispatched")
    DISPATCHED = "dispatched", _("Dispatched")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged by the responder")
    ON_SCENE = "on_scene", _("Responder on scene")
    RESOLVED = "resolved", _("Resolved, waiting for the callback")
    CLOSED = "closed", _("Closed with the caller's confirmation")
    REOPENED = "reopened", _("Reopened")


OPEN_STATUSES = (
    CallStatus.NEW,
    CallStatus.DISPATCHED,
    CallStatus.ACKNOWLEDGED,
    CallStatus.ON_SCENE,
    CallStatus.RESOLVED,
    CallStatus.REOPENED,
)


class CallerKind(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    PUBLIC = "public", _("Member of the public")


class CallSource(models.TextChoices):
    PHONE = "phone", _("Phone call")
    OPEN311 = "open311", _("Open311 request")
    PATROL = "patrol", _("Patrol hazard")


class Call(models.Model):
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="calls")
    source = models.CharField(max_length=8, choices=CallSource.choices, default=CallSource.PHONE)
    received_at = models.DateTimeField(_("received"))
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    caller_kind = models.CharField(
        _("caller"), max_length=8, choices=CallerKind.choices, default=CallerKind.PUBLIC
    )
    caller_resident = models.ForeignKey(
        "registry.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    caller_name = models.CharField(_("caller's name"), max_length=64, blank=True)
    caller_phone = models.CharField(_("caller's phone"), max_length=20, blank=True)
    # Place: a compound (area), building and unit, free text, and/or a point on the map.
    place_area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("compound"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    building = models.CharField(_("building"), max_length=40, blank=True)
    # A stairwell of a building (单元), not a work unit (单位, casework.Unit).
    unit = models.CharField(pgettext_lazy("part of a building", "unit"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    # The leading category: a life-safety one if any (it sets the check-list's order,
    # the Open311 service_code and the page title).
    category = models.CharField(_("category"), max_length=20, choices=CallCategory.choices)
    # Every category of the call, the leading one first, comma-wrapped (",lift_entrapment,
    # power,") like Responder.categories: a power cut with a person trapped in a lift is
    # both (issue #13). Migration 0004 filled it from `category`.
    categories = models.CharField(_("categories"), max_length=200, blank=True, default="")
    description = models.TextField(_("description"), blank=True)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=CallStatus.choices, default=CallStatus.NEW
    )
    cycle = models.PositiveSmallIntegerField(default=1)
    cycle_started_at = models.DateTimeField()
    acknowledge_due_at = models.DateTimeField()
    arrive_due_at = models.DateTimeField()
    resolve_due_at = models.DateTimeField()
    escalated = models.BooleanField(_("escalated"), default=False)
    closed_at = models.DateTimeField(null=True, blank=True)
    need = models.ForeignKey(
        "casework.Need", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Open311: the token answers "request id from token"; the public note is what an
    # Open311 client shows as status_notes.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    public_note = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    client_id = models.UUIDField(null=True, blank=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="call_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="call_longitude_range",
            ),
            models.UniqueConstraint(fields=["taken_by", "client_id"], name="call_client_id_once"),
        ]
        indexes = [
            models.Index(fields=["office", "status", "received_at"], name="call_board"),
            models.Index(fields=["source", "received_at"], name="call_source_received"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_category_display()}"

    @property
    def is_life_safety(self) -> bool:
        return any(c in LIFE_SAFETY for c in self.category_list)

    @property
    def category_list(self) -> list[str]:
        """Every category, the leading one first (just `category` if none recorded)."""
        return [c for c in self.categories.split(",") if c] or [self.category]

    @property
    def category_labels(self) -> list[str]:
        labels = dict(CallCategory.choices)
        return [str(labels.get(c, c)) for c in self.category_list]


class SafetyStep(models.Model):
    """One step of a life-safety check-list, recorded on the call when it is done."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="safety_steps")
    code = models.CharField(max_length=32)
    order = models.PositiveSmallIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="safety_step_once")]

    def __str__(self) -> str:
        return f"{self.call_id}:{self.code}"


class ResponderKind(models.TextChoices):
    PROPERTY_COMPANY = "property_company", _("Property management company")
    UTILITY = "utility", _("Utility")
    LIFT_MAINTENANCE = "lift_maintenance", _("Lift maintenance company")
    GRID_WORKER = "grid_worker", _("Grid worker")
    TEAM_MEMBER = "team_member", _("Team member")
    DEPARTMENT = "department", _("Department")


class Responder(models.Model):
    """Who a call is dispatched to. Members are the staff accounts that may record its
    steps themselves (the officer may also record them after a phone call)."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="responders")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=ResponderKind.choices)
    contact_name = models.CharField(_("contact"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # Comma-wrapped category codes (",power,water,"): a portable "handles X" filter
    # on SQLite and PostgreSQL alike.
    categories = models.CharField(_("categories handled"), max_length=255, blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("responder")
        verbose_name_plural = _("responders")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def category_list(self) -> list[str]:
        return [c for c in self.categories.split(",") if c]


class ResponderContact(models.Model):
    """Whom to ring at a responder, in on-call order: the officer tries the first, then
    the next (a lift company's day engineer, its night engineer, its manager). Shown on
    the dispatch screen. Phones are checked with registry.validators.validate_phone and
    stored normalized."""

    responder = models.ForeignKey(Responder, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=64)
    role = models.CharField(_("role"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=20, validators=[validate_phone])
    on_call_order = models.PositiveSmallIntegerField(_("on-call order"), default=1)

    class Meta:
        verbose_name = _("responder contact")
        verbose_name_plural = _("responder contacts")
        # No unique (responder, order): two contacts with the same number are rung in
        # the order they were added, and the admin's inline can swap two of them.
        ordering = ["responder", "on_call_order", "pk"]

    def __str__(self) -> str:
        return f"{self.on_call_order}. {self.name}"

    def clean(self) -> None:
        self.name = (self.name or "").strip()
        self.phone = normalize_phone(self.phone or "")


class DispatchStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ARRIVED = "arrived", _("Arrived")
    RESOLVED = "resolved", _("Resolved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Dispatch(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="dispatches")
    responder = models.ForeignKey(Responder, on_delete=models.PROTECT, related_name="dispatches")
    status = models.CharField(
        max_length=12, choices=DispatchStatus.choices, default=DispatchStatus.SENT
    )
    cycle = models.PositiveSmallIntegerField(default=1)
    note = models.CharField(_("note"), max_length=200, blank=True)
    dispatched_at = models.DateTimeField()
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["dispatched_at", "pk"]
        indexes = [models.Index(fields=["responder", "status"], name="dispatch_responder")]

    def __str__(self) -> str:
        return f"{self.call_id} → {self.responder_id} ({self.status})"


class CallEventKind(models.TextChoices):
    TAKEN = "taken", _("Call taken")
    SAFETY_STEP = "safety_step", _("Safety step done")
    DISPATCHED = "dispatched", _("Dispatched")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ARRIVED = "arrived", _("Arrived")
    RESOLVED = "resolved", _("Resolved")
    CALLED_BACK = "called_back", _("Caller called back")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    ESCALATED = "escalated", _("Escalated to the duty leader")
    NEED_OPENED = "need_opened", _("Need opened on the household's case")


class CallEvent(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=CallEventKind.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.call_id} {self.kind}"


class CallServiceLevel(models.Model):
    """Minutes from the call (or its reopening) to acknowledge, arrive and resolve."""

    category = models.CharField(
        _("category"), max_length=20, choices=CallCategory.choices, unique=True
    )
    acknowledge_minutes = models.PositiveIntegerField(_("acknowledge within (minutes)"))
    arrive_minutes = models.PositiveIntegerField(_("arrive within (minutes)"))
    resolve_minutes = models.PositiveIntegerField(_("resolve within (minutes)"))

    class Meta:
        verbose_name = _("call service level")
        verbose_name_plural = _("call service levels")
        constraints = [
            models.CheckConstraint(
                condition=Q(arrive_minutes__gte=F("acknowledge_minutes"))
                & Q(resolve_minutes__gte=F("arrive_minutes")),
                name="call_sla_ordered",
            )
        ]

    def __str__(self) -> str:
        return str(self.category)


class CallBreach(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", _("Not acknowledged in time")
    ARRIVE = "arrive", _("Nobody on scene in time")
    RESOLVE = "resolve", _("Not resolved in time")


class CallEscalation(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="escalations")
    cycle = models.PositiveSmallIntegerField()
    breach = models.CharField(max_length=12, choices=CallBreach.choices)
    escalated_at = models.DateTimeField()
    duty_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["call", "cycle", "breach"], name="call_escalation_once")
        ]

    def __str__(self) -> str:
        return f"{self.call_id} {self.breach} #{self.cycle}"


class Patrol(models.Model):
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="patrols")
    walker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    route = models.CharField(_("route"), max_length=200)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="patrol_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.route


class HazardKind(models.TextChoices):
    BLOCKED_FIRE_EXIT = "blocked_fire_exit", _("Blocked fire exit")
    BROKEN_LIGHT = "broken_light", _("Broken light")
    UNSAFE_WIRING = "unsafe_wiring", _("Unsafe wiring")
    GAS_LEAK = "gas_leak", _("Gas smell or leak")
    OTHER = "other", _("Other hazard")


class HazardStatus(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    FOLLOWED_UP = "followed_up", _("Became a call")
    RESOLVED = "resolved", _("Resolved")


def hazard_photo_path(instance: Hazard, filename: str) -> str:
    # A random name: the path reveals nothing, and photos are served only by a view
    # that checks the caller's scope (never under MEDIA_URL).
    ext = filename.rsplit(".", 1)[-1].lower()
    return f"hotline/hazards/{secrets.token_hex(16)}.{ext}"


class Hazard(models.Model):
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="hazards")
    patrol = models.ForeignKey(
        Patrol, null=True, blank=True, on_delete=models.SET_NULL, related_name="hazards"
    )
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    found_at = models.DateTimeField()
    kind = models.CharField(_("hazard"), max_length=20, choices=HazardKind.choices)
    description = models.TextField(_("description"), blank=True)
    place_area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("compound"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.CharField(_("where exactly"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    photo = models.FileField(_("photo"), upload_to=hazard_photo_path, blank=True)
    photo_type = models.CharField(max_length=20, blank=True)
    status = models.CharField(
        max_length=12, choices=HazardStatus.choices, default=HazardStatus.RECORDED
    )
    call = models.OneToOneField(
        Call, null=True, blank=True, on_delete=models.SET_NULL, related_name="hazard"
    )
    client_id = models.UUIDField(null=True, blank=True)

    class Meta:
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        constraints = [
            models.UniqueConstraint(fields=["found_by", "client_id"], name="hazard_client_id_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class Open311Key(models.Model):
    """An Open311 client's api_key. Only the SHA-256 digest is stored; requests filed
    with the key go to its office."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="open311_keys")
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 key")
        verbose_name_plural = _("Open311 keys")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @staticmethod
    def new_secret() -> str:
        return "o311_" + secrets.token_urlsafe(24)

    @staticmethod
    def digest_of(raw: str) -> str:
        return _digest(raw)
