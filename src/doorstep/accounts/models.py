from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


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

    class Meta:
        verbose_name = _("staff account")
        verbose_name_plural = _("staff accounts")
        indexes = [models.Index(fields=["area", "role"], name="user_area_role")]

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
