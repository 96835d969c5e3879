"""Two-factor sign-in (TOTP) for the roles that see the most: supervisors and
administrators (and superusers). After the password, such an account's session is
"pending" until it gives a code from its authenticator or a recovery code; the
middleware (accounts.middleware) lets a pending session reach nothing but the
second step. The mark lives in the session, so it ends with it.

API tokens are not affected: a token is minted only from a verified session
(accounts.api), so it already carries the second factor.

Tests: conftest.py marks a session verified when a test signs in, unless the test
asks for the `real_two_factor` fixture; production code has no way around the step.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from doorstep.accounts import totp
from doorstep.accounts.models import RecoveryCode, Role, TwoFactorDevice, User

ROLES_REQUIRING_TWO_FACTOR = frozenset({Role.SUPERVISOR, Role.ADMIN})
SESSION_KEY = "doorstep_two_factor_user"
RECOVERY_CODE_COUNT = 10


def two_factor_required(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or user.role in ROLES_REQUIRING_TWO_FACTOR


def session_verified(request) -> bool:
    # The user's id, not True: a session that changes hands must verify again.
    return request.session.get(SESSION_KEY) == request.user.pk


def session_mark_verified(request) -> None:
    request.session[SESSION_KEY] = request.user.pk
    # A new session key once the second factor is in, as login() does after the first.
    request.session.cycle_key()


def session_fully_signed_in(request) -> bool:
    return request.user.is_authenticated and (
        not two_factor_required(request.user) or session_verified(request)
    )


def confirmed_device(user: User) -> TwoFactorDevice | None:
    return TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


@transaction.atomic
def device_pending(*, user: User) -> TwoFactorDevice:
    """The device being enrolled: a fresh secret until a code from it is confirmed."""
    device, _ = TwoFactorDevice.objects.select_for_update().get_or_create(
        user=user, defaults={"secret": totp.secret_new()}
    )
    return device


def _recovery_digest(user: User, code: str) -> str:
    normalized = "".join(code.split()).replace("-", "").lower()
    # Salted with the account so that equal codes of two accounts differ; the codes
    # carry 50 random bits, which a fast digest protects as well as a slow hash.
    return hashlib.sha256(f"{user.pk}:{normalized}".encode()).hexdigest()


def _recovery_codes_new(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(alphabet) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, digest=_recovery_digest(user, code)) for code in codes]
    )
    return codes


@transaction.atomic
def device_confirm(*, user: User, code: str) -> list[str] | None:
    """Confirm the pending device with a code from it; returns the new recovery codes
    (shown once), or None when the code is wrong."""
    device = TwoFactorDevice.objects.select_for_update().filter(user=user).first()
    if device is None or device.confirmed_at is not None:
        return None
    step = totp.totp_match(device.secret, code)
    if step is None:
        return None
    device.confirmed_at = timezone.now()
    device.last_step = step
    device.save(update_fields=["confirmed_at", "last_step"])
    return _recovery_codes_new(user)


@transaction.atomic
def code_check(*, user: User, code: str) -> bool:
    """A code from the confirmed device (each step accepted once) or an unused
    recovery code (then used up)."""
    device = (
        TwoFactorDevice.objects.select_for_update()
        .filter(user=user, confirmed_at__isnull=False)
        .first()
    )
    if device is None:
        return False
    step = totp.totp_match(device.secret, code)
    if step is not None:
        if step <= device.last_step:
            return False  # replay of a code already used
        device.last_step = step
        device.save(update_fields=["last_step"])
        return True
    used = RecoveryCode.objects.filter(
        user=user, digest=_recovery_digest(user, code), used_at__isnull=True
    ).update(used_at=timezone.now())
    return used == 1


@transaction.atomic
def device_reset(*, user: User) -> None:
    """An administrator removes a lost authenticator: the account enrols again at its
    next sign-in."""
    TwoFactorDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()


def provisioning_uri(device: TwoFactorDevice) -> str:
    return totp.provisioning_uri(
        device.secret, account=device.user.get_username(), issuer=str(settings.DOORSTEP_SITE_NAME)
    )
