"""Signing a resident in: a one-time code to their phone, then a portal session.

Rules (docs/architecture.md, "Resident portal"):
- a code is 6 digits, stored only as a keyed hash, valid for 5 minutes, used once;
  5 wrong tries and it is dead (ask for a new one);
- a phone gets at most one code a minute and 5 an hour; throttling and the answer
  are the same whether or not the number is in the registry, so the sign-in page
  never tells a stranger whose number it holds (no SMS goes to unknown numbers);
- a session is a random token (cookie on pages, bearer token in the API), stored as
  its SHA-256 digest, valid 12 hours, revoked on signing out. It holds a resident,
  never a staff account: the portal and staff sign-in share nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from doorstep.portal.models import PortalSession, SignInCode
from doorstep.portal.sms import send_sms
from doorstep.registry.models import Relationship, Resident
from doorstep.registry.validators import normalize_phone

CODE_LIFETIME = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 5
RESEND_AFTER = dt.timedelta(seconds=60)
MAX_CODES_PER_HOUR = 5
SESSION_LIFETIME = dt.timedelta(hours=12)
TOKEN_PREFIX = "rp_"  # noqa: S105 - a marker that tells portal tokens from staff ones
COOKIE_NAME = "doorstep_resident"
# Codes go to mobiles only (a landline cannot receive an SMS).
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


class Throttled(Exception):
    """Too many codes for this phone: answered with 429 and this message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _hash(phone: str, code: str) -> str:
    return salted_hmac("doorstep.portal.code", f"{phone}:{code}", algorithm="sha256").hexdigest()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def clean_phone(phone: str) -> str:
    phone = normalize_phone(phone or "")
    if not _MOBILE_RE.match(phone):
        raise ValidationError({"phone": _("Enter your 11-digit mobile number.")})
    return phone


def _residents_with(phone: str):
    return Resident.objects.filter(phone=phone, household__anonymised_at__isnull=True)


def code_request(*, phone: str, now: dt.datetime | None = None) -> None:
    """Send a sign-in code to `phone` if it belongs to a resident (see module rules)."""
    phone = clean_phone(phone)
    now = now or timezone.now()
    with transaction.atomic():
        recent = list(
            SignInCode.objects.select_for_update()
            .filter(phone=phone, created_at__gt=now - dt.timedelta(hours=1))
            .order_by("-created_at")
            .values_list("created_at", flat=True)
        )
        if recent and recent[0] > now - RESEND_AFTER:
            raise Throttled(_("A code was sent less than a minute ago. Wait a moment."))
        if len(recent) >= MAX_CODES_PER_HOUR:
            raise Throttled(_("Too many codes for this number. Try again in an hour."))
        code = f"{secrets.randbelow(1_000_000):06d}"
        SignInCode.objects.create(
            phone=phone,
            code_hash=_hash(phone, code),
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
        known = _residents_with(phone).exists()
    if known:
        send_sms(
            phone,
            _("Your Doorstep code is %(code)s. It expires in 5 minutes. Never share it.")
            % {"code": code},
        )


def code_verify(*, phone: str, code: str, now: dt.datetime | None = None) -> Resident:
    """The resident the code signs in; ValidationError naming the field otherwise."""
    phone = clean_phone(phone)
    code = (code or "").strip()
    if not (len(code) == 6 and code.isdigit()):
        raise ValidationError({"code": _("The code has 6 digits.")})
    now = now or timezone.now()
    latest = (
        SignInCode.objects.filter(phone=phone, used_at__isnull=True).order_by("-created_at").first()
    )
    if latest is None or latest.expires_at <= now:
        raise ValidationError({"code": _("This code has expired. Ask for a new one.")})
    if latest.attempts >= MAX_ATTEMPTS:
        raise ValidationError({"code": _("Too many wrong tries. Ask for a new code.")})
    if not constant_time_compare(latest.code_hash, _hash(phone, code)):
        # Counted in the database, so parallel guesses cannot exceed the limit.
        SignInCode.objects.filter(pk=latest.pk).update(attempts=F("attempts") + 1)
        raise ValidationError(
            {"code": _("This code is not right. Check the message and try again.")}
        )
    if not SignInCode.objects.filter(pk=latest.pk, used_at__isnull=True).update(used_at=now):
        raise ValidationError({"code": _("This code has already been used. Ask for a new one.")})
    residents = list(_residents_with(phone).order_by("id")[:20])
    households = {r.household_id for r in residents}
    if not residents:
        raise ValidationError({"phone": _("This number is not in our records. Ask your worker.")})
    if len(households) > 1:
        raise ValidationError(
            {"phone": _("This number is recorded for more than one household. Ask your worker.")}
        )
    heads = [r for r in residents if r.relationship == Relationship.HEAD]
    return (heads or residents)[0]


def session_start(
    *, resident: Resident, now: dt.datetime | None = None
) -> tuple[str, PortalSession]:
    """A new session for `resident`; the token is returned once and never stored."""
    now = now or timezone.now()
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session = PortalSession.objects.create(
        resident=resident, digest=_digest(token), created_at=now, expires_at=now + SESSION_LIFETIME
    )
    return token, session


def session_resident(token: str | None) -> Resident | None:
    """The resident a live session token belongs to, else None."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    session = (
        PortalSession.objects.select_related("resident", "resident__household")
        .filter(digest=_digest(token), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if session is None or session.resident.household.anonymised_at is not None:
        return None
    resident = session.resident
    resident.portal_session_id = session.pk
    return resident


def session_end(token: str | None) -> None:
    if token:
        PortalSession.objects.filter(digest=_digest(token), revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
