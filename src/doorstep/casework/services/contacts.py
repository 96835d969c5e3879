"""Logging a visit or a call: the contact row, the household's next due date, the audit
event, in one transaction and a handful of queries (the API target is p95 < 50 ms)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstep.casework.models import Contact, ContactKind
from doorstep.casework.services.common import CASEWORK_ROLES, replayed, require_role
from doorstep.casework.services.questions import contact_checklist_clean
from doorstep.casework.services.schedule import schedule_record_contact
from doorstep.privacy.models import AuditAction
from doorstep.privacy.services import audit_record
from doorstep.registry.models import Household

# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = dt.timedelta(minutes=10)
# A contact without an end (a visit, a call) lasts at most a day; a stay in the
# village gives its end instead, up to settings.DOORSTEP_CONTACT_MAX_STAY_DAYS.
MAX_DURATION_MINUTES = 24 * 60


def check_contact_timing(
    occurred_at: dt.datetime, ended_at: dt.datetime | None, duration_minutes: int, *, history: bool
) -> tuple[dict[str, str], int]:
    """Errors by field, and the duration to store (the whole stay when it has an end)."""
    errors: dict[str, str] = {}
    now = timezone.now()
    max_age = settings.DOORSTEP_CONTACT_MAX_AGE_DAYS
    if occurred_at > now + CLOCK_SKEW:
        errors["occurred_at"] = _("A contact cannot be in the future.")
    elif not history and occurred_at < now - dt.timedelta(days=max_age):
        errors["occurred_at"] = _(
            "A contact can be entered at most %(days)s days after it happened."
        ) % {"days": max_age}
    if ended_at is None:
        if not 0 <= duration_minutes <= MAX_DURATION_MINUTES:
            errors["duration_minutes"] = _(
                "The duration must be between 0 and 1440 minutes; for a stay of several "
                "days, give its end."
            )
        return errors, duration_minutes
    max_stay = settings.DOORSTEP_CONTACT_MAX_STAY_DAYS
    if ended_at > now + CLOCK_SKEW:
        errors["ended_at"] = _("A contact cannot end in the future.")
    elif ended_at < occurred_at:
        errors["ended_at"] = _("The end must come after the start.")
    elif ended_at - occurred_at > dt.timedelta(days=max_stay):
        errors["ended_at"] = _("A stay lasts at most %(days)s days.") % {"days": max_stay}
    return errors, int((ended_at - occurred_at).total_seconds() // 60)


def contact_log(
    *,
    actor,
    household: Household,
    kind: str,
    occurred_at: dt.datetime | None = None,
    ended_at: dt.datetime | None = None,
    duration_minutes: int = 0,
    met_with: str = "",
    notes: str = "",
    needs_found: str = "",
    checklist: dict[str, Any] | None = None,
    checklist_from_round: bool = False,
    client_id=None,
    channel: str,
    history: bool = False,
) -> Contact:
    """`household` comes from casework.selectors (so it is in the actor's reach).
    `occurred_at` is when it happened (now when left out), `ended_at` the end of a
    stay of several days (its duration is then the whole stay). `history` lifts the age
    limit (DOORSTEP_CONTACT_MAX_AGE_DAYS) for loaders of past records (the demo); pages
    and the API never pass it."""
    require_role(actor, CASEWORK_ROLES)
    if (earlier := replayed(Contact, client_id=client_id, worker=actor)) is not None:
        return earlier
    occurred_at = occurred_at or timezone.now()
    errors: dict[str, str] = {}
    if kind not in ContactKind.values:
        errors["kind"] = _("Choose a visit or a phone call.")
    timing_errors, duration_minutes = check_contact_timing(
        occurred_at, ended_at, duration_minutes, history=history
    )
    errors.update(timing_errors)
    if checklist_from_round:
        # A welfare check's answers: the round's questions were screened when it
        # started (services.welfare), and every answer is a yes/no.
        checklist = {k: v for k, v in (checklist or {}).items() if isinstance(v, bool)}
    else:
        try:
            checklist = contact_checklist_clean(area_path=household.area_path, checklist=checklist)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            contact = Contact.objects.create(
                household=household,
                worker=actor,
                kind=kind,
                occurred_at=occurred_at,
                ended_at=ended_at,
                duration_minutes=duration_minutes,
                met_with=met_with.strip(),
                notes=notes.strip(),
                needs_found=needs_found.strip(),
                checklist=checklist,
                client_id=client_id,
            )
            schedule_record_contact(household=household, occurred_at=occurred_at)
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                object_type="contact",
                object_id=contact.pk,
                household_id=household.pk,
                channel=channel,
            )
    except IntegrityError:
        # The same submission raced itself (two sends at once): return the first.
        earlier = replayed(Contact, client_id=client_id, worker=actor)
        if earlier is None:
            raise
        return earlier
    return contact
