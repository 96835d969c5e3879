"""A line for `manage.py demo`: which phone number signs in to the resident portal."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext as _

from doorstep.registry.models import Relationship, Resident


def demo_portal_line() -> str:
    """A head of household whose mobile number belongs to that household alone."""
    candidates = list(
        Resident.objects.filter(relationship=Relationship.HEAD, phone__startswith="1")
        .order_by("id")
        .values_list("phone", flat=True)[:200]
    )
    shared = set(
        Resident.objects.filter(phone__in=candidates)
        .values("phone")
        .annotate(households=Count("household_id", distinct=True))
        .filter(households__gt=1)
        .values_list("phone", flat=True)
    )
    phone = next((p for p in candidates if p not in shared), None)
    if phone is None:
        return ""
    return _(
        "Resident portal: /resident/ — sign in with %(phone)s; in development the code "
        "is printed by the server (DOORSTEP_SMS_BACKEND=console)."
    ) % {"phone": phone}
