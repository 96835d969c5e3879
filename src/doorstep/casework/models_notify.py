"""How a staff member wants to be told: the language of the messages sent outside
Doorstep (SMS) and whether to send them at all. No row: the site's language, SMS on
when the account has a phone. In-app notifications are drawn in the reader's page
language whatever this says."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    language = models.CharField(
        _("language of messages"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    by_sms = models.BooleanField(_("also send by SMS"), default=True)

    class Meta:
        app_label = "casework"
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id} {self.language}"
