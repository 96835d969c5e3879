from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from doorstep.core.names import full_name, is_han


class Role(models.TextChoices):
    WORKER = "worker", _("Worker")
    TEAM_LEADER = "team_leader", _("Team leader")
    SUPERVISOR = "supervisor", _("Supervisor")
    RESPONDER = "responder", _("Department responder")
    ANALYST = "analyst", _("Analyst")
    ADMIN = "admin", _("Administrator")


# Roles that may read households and residents inside their area subtree. Responders
# see only what is referred to them (casework); analysts see aggregates only.
ROLES_WITH_REGISTRY_ACCESS = frozenset({Role.WORKER, Role.TEAM_LEADER, Role.SUPERVISOR, Role.ADMIN})
ROLES_THAT_EDIT_REGISTRY = frozenset({Role.WORKER, Role.TEAM_LEADER, Role.SUPERVISOR, Role.ADMIN})
ROLES_THAT_IMPORT = frozenset({Role.TEAM_LEADER, Role.SUPERVISOR, Role.ADMIN})


_is_han = is_han  # core.names holds the rule


class User(AbstractUser):
    """A staff account. Every account is scoped to one area subtree."""

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.WORKER)
    area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("The account sees records in this area and below it."),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # Spoken languages, comma-separated codes: used to send a worker who speaks the
    # household's language, and for nothing else.
    languages = models.CharField(_("languages spoken"), max_length=64, blank=True)
    skills = models.CharField(_("skills"), max_length=255, blank=True)
    latitude = models.FloatField(_("base latitude"), null=True, blank=True)
    longitude = models.FloatField(_("base longitude"), null=True, blank=True)
    # Set when an administrator hands over a temporary password (a reset or an import's
    # first passwords): the person chooses their own at their next sign-in.
    password_change_due = models.BooleanField(
        _("must choose a new password"), default=False, db_default=False
    )

    class Meta:
        verbose_name = _("staff account")
        verbose_name_plural = _("staff accounts")
        indexes = [models.Index(fields=["area", "role"], name="user_area_role")]

    def get_full_name(self) -> str:
        """Family name first, as Chinese names are written (张伟), with no space
        between Han characters. Names without a family name (Uyghur names, "given·
        father's given": 艾力·买买提) are kept whole in `first_name`."""
        return full_name(self.last_name, self.first_name)

    @property
    def language_list(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]

    @property
    def can_read_registry(self) -> bool:
        return (
            self.is_active and self.area_id is not None and self.role in ROLES_WITH_REGISTRY_ACCESS
        )

    @property
    def can_edit_registry(self) -> bool:
        return self.can_read_registry and self.role in ROLES_THAT_EDIT_REGISTRY

    @property
    def can_import(self) -> bool:
        return self.can_read_registry and self.role in ROLES_THAT_IMPORT


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @staticmethod
    def new_secret() -> str:
        return "ds_" + secrets.token_urlsafe(32)

    @staticmethod
    def digest_of(raw: str) -> str:
        return _digest(raw)


class LoginThrottle(models.Model):
    """Failed sign-ins counted per username and per client address, in the database
    so that every gunicorn worker sees the same count (accounts.throttle).

    `key` is "user:<username>" or "ip:<address>". A key with `failures` reaching the
    configured limit inside the window is locked until `locked_until`; an
    administrator lifts a lock early by deleting the row (admin, `manage.py
    login_unlock`)."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    failures = models.PositiveIntegerField(_("failed sign-ins"), default=0)
    window_started_at = models.DateTimeField(_("counting since"))
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in lock-out")
        verbose_name_plural = _("sign-in lock-outs")

    def __str__(self) -> str:
        return self.key


class TwoFactorDevice(models.Model):
    """A TOTP authenticator (RFC 6238) bound to one account.

    The shared secret must be readable to check a code, so it is stored as is (the
    database is the trust boundary, as for session keys); recovery codes, which are
    only compared, are stored as digests."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="two_factor_device", verbose_name=_("user")
    )
    secret = models.CharField(_("secret"), max_length=64, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # The last 30-second step accepted: a code seen once cannot be replayed.
    last_step = models.BigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("authenticator")
        verbose_name_plural = _("authenticators")

    def __str__(self) -> str:
        return f"{self.user_id} {'confirmed' if self.confirmed_at else 'pending'}"


class RecoveryCode(models.Model):
    """A one-time code that stands in for the authenticator; only its digest is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    digest = models.CharField(max_length=64, editable=False)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        indexes = [models.Index(fields=["user", "digest"], name="recovery_user_digest")]

    def __str__(self) -> str:
        return f"{self.user_id} {'used' if self.used_at else 'unused'}"


class RateCounter(models.Model):
    """Requests counted per key and fixed window for the API rate limit
    (core.ratelimit's database backend). Old windows are deleted hourly."""

    key = models.CharField(max_length=200)
    window_start = models.BigIntegerField()  # in seconds since the epoch
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="rate_counter_key_window"),
        ]
        indexes = [models.Index(fields=["window_start"], name="rate_counter_window")]

    def __str__(self) -> str:
        return f"{self.key}@{self.window_start}={self.count}"
