from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    EXPORT = "export", _("Exported")
    IMPORT = "import", _("Imported")
    ANONYMISE = "redact", _("Anonymised")
    # A write refused because a unique number is held by another record (maybe outside
    # the actor's area): the caller hears "cannot be used", the log says which record.
    CLASH = "clash", _("Refused: number held by another record")


class AuditEvent(models.Model):
    """Who read or changed which person's record, when, and through which screen or endpoint.

    Rows are only ever inserted: database triggers (migration 0003) refuse UPDATE and
    DELETE on PostgreSQL and SQLite, and the admin offers no change or delete. Residents
    see the reads of their own record from it (portal), so `household_id` is
    denormalized onto every event. A staff account that appears here cannot be deleted
    (PROTECT: deleting it would have to rewrite the log); deactivate it instead.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # The resident who acted through the portal (registry.Resident id; no foreign key,
    # so that the log never depends on, nor blocks, the registry row).
    by_resident_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=8, choices=AuditAction.choices)
    object_type = models.CharField(max_length=32)
    object_id = models.CharField(max_length=64, blank=True)
    household_id = models.BigIntegerField(null=True, blank=True)
    channel = models.CharField(max_length=120, help_text=_("page or API endpoint"))
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["household_id", "at"], name="audit_household_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_id} {self.action} {self.object_type} {self.object_id}"


# --- consent ------------------------------------------------------------------------


class ConsentPurpose(models.TextChoices):
    CONTACTS = "contacts", _("Visits and calls")
    DATA_USE = "data_use", _("Use of the household's data")


class ConsentMethod(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    WRITTEN = "written", _("In writing")
    PORTAL = "portal", _("Resident portal")


class Consent(models.Model):
    """A household's current answer for one purpose; ConsentChange keeps the history.

    No row means consent given when the household joined the programme. The current
    row is what the schedule reads (casework.services.schedule): withdrawn consent to
    contacts means no scheduled visit or call.
    """

    household = models.ForeignKey(
        "registry.Household", on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(_("purpose"), max_length=10, choices=ConsentPurpose.choices)
    given = models.BooleanField(_("given"))
    changed_at = models.DateTimeField(_("since"))

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(fields=["household", "purpose"], name="consent_once"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.purpose} {self.given}"


class ConsentChange(models.Model):
    """One recorded answer: who recorded it, when and how. Only ever inserted."""

    household = models.ForeignKey(
        "registry.Household", on_delete=models.CASCADE, related_name="consent_changes"
    )
    purpose = models.CharField(_("purpose"), max_length=10, choices=ConsentPurpose.choices)
    given = models.BooleanField(_("given"))
    method = models.CharField(_("how"), max_length=10, choices=ConsentMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by_resident = models.ForeignKey(
        "registry.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("consent change")
        verbose_name_plural = _("consent changes")
        indexes = [models.Index(fields=["household", "at"], name="consent_change_household_at")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.purpose} {self.given} {self.at:%Y-%m-%d}"


# --- corrections --------------------------------------------------------------------


class CorrectionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CORRECTED = "corrected", _("Corrected")
    DECLINED = "declined", _("Declined")


class CorrectionRequest(models.Model):
    """A resident asks for something in their record to be put right (portal); a
    worker of the household's scope corrects the record and closes the request."""

    household = models.ForeignKey(
        "registry.Household", on_delete=models.CASCADE, related_name="correction_requests"
    )
    resident = models.ForeignKey(
        "registry.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField(_("what is wrong"))
    status = models.CharField(
        _("status"), max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")
        indexes = [
            models.Index(
                fields=["household"],
                condition=models.Q(status="open"),
                name="correction_open_household",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.status}"
