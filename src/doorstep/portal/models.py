"""Resident portal: one-time sign-in codes and the portal's own sessions.

The portal never touches staff authentication: a resident has no User. Signing in
with a phone number and a code creates a PortalSession; its token (shown once, kept
as a SHA-256 digest) is the page cookie or the API's bearer token.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SignInCode(models.Model):
    """A 6-digit code sent to a phone. Only its keyed hash is stored; it expires after
    five minutes, allows a few wrong tries, and is used once."""

    phone = models.CharField(max_length=20)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")
        # Throttling counts a phone's recent codes; sign-in reads its newest.
        indexes = [models.Index(fields=["phone", "created_at"], name="signin_code_phone_at")]

    def __str__(self) -> str:
        return f"{self.phone[-4:]} {self.created_at:%H:%M}"


class PortalSession(models.Model):
    resident = models.ForeignKey(
        "registry.Resident", on_delete=models.CASCADE, related_name="portal_sessions"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("portal session")
        verbose_name_plural = _("portal sessions")

    def __str__(self) -> str:
        return f"{self.resident_id} until {self.expires_at:%Y-%m-%d %H:%M}"
