from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from doorstep.accounts.models import ApiToken, User
from doorstep.privacy.models import AuditAction
from doorstep.privacy.services import audit_record


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the token and its secret; the secret is shown once and never stored."""
    raw = ApiToken.new_secret()
    token = ApiToken.objects.create(
        user=user, name=name, digest=ApiToken.digest_of(raw), prefix=raw[3:11]
    )
    return token, raw


def api_token_authenticate(raw: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Touch at most once a minute: a busy client must not turn every read into a write.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


@transaction.atomic
def password_change_own(*, user: User, form, channel: str) -> None:
    """The person's own new password (`form`: a valid PasswordChangeForm for `user`);
    a temporary password handed over by an administrator is no longer due a change."""
    form.save(commit=False)
    user.password_change_due = False
    user.save(update_fields=["password", "password_change_due"])
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        object_type="staff",
        object_id=user.pk,
        channel=channel,
        detail={"changed": "own password"},
    )
