"""What a resident does in the portal. Each write is atomic and audited with the
resident as the actor; the casework and privacy rules are theirs (need life cycle,
feedback once per cycle, consent history), called here, never copied."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstep.casework.models import (
    Feedback,
    FeedbackSource,
    Need,
    NeedCategory,
    NeedEventKind,
    Pairing,
    Urgency,
)
from doorstep.casework.services import feedback_record, loops
from doorstep.casework.services.needs import event_add, service_level_due
from doorstep.privacy.models import (
    AuditAction,
    Consent,
    ConsentChange,
    ConsentMethod,
    CorrectionRequest,
)
from doorstep.privacy.services import audit_record, consent_set, correction_request_create
from doorstep.registry.models import Resident

MAX_TITLE_CHARS = 200
MAX_DESCRIPTION_CHARS = 4000


@transaction.atomic
def resident_need_submit(
    *, resident: Resident, category: str, title: str, description: str = "", channel: str
) -> Need:
    """A need the resident reports: a casework Need followed by the household's paired
    worker (no one yet if unpaired: it then waits in the area's open needs), with the
    service level of a normal-urgency need of its category (the worker triages)."""
    title = (title or "").strip()
    description = (description or "").strip()
    errors = {}
    if category not in NeedCategory.values:
        errors["category"] = _("Choose a category from the list.")
    if not title:
        errors["title"] = _("Say in a few words what you need.")
    elif len(title) > MAX_TITLE_CHARS:
        errors["title"] = _("Keep the title under 200 characters.")
    if len(description) > MAX_DESCRIPTION_CHARS:
        errors["description"] = _("Keep the description under 4000 characters.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    owner_id = (
        Pairing.objects.active()
        .filter(household_id=resident.household_id)
        .values_list("worker_id", flat=True)
        .first()
    )
    ack_due, resolve_due = service_level_due(category=category, urgency=Urgency.NORMAL, start=now)
    need = Need.objects.create(
        household_id=resident.household_id,
        category=category,
        urgency=Urgency.NORMAL,
        title=title,
        description=description,
        opened_by=None,
        owner_id=owner_id,
        opened_at=now,
        cycle_started_at=now,
        acknowledge_due_at=ack_due,
        resolve_due_at=resolve_due,
    )
    event_add(
        need=need,
        kind=NeedEventKind.OPENED,
        actor=None,
        at=now,
        to_status=need.status,
        detail={"source": "resident", "resident": resident.pk},
    )
    audit_record(
        actor=None,
        by_resident_id=resident.pk,
        action=AuditAction.CREATE,
        object_type="need",
        object_id=need.pk,
        household_id=resident.household_id,
        channel=channel,
    )
    return need


def resident_feedback_give(
    *, resident: Resident, need: Need, satisfaction: int, comment: str = "", channel: str
) -> Feedback:
    """The resident rates the help on a resolved need of their own (`need` comes from
    portal.selectors.own_need); casework's rule applies: once per cycle."""
    if need.household_id != resident.household_id:
        raise ValidationError(_("This is not a need of your household."))
    return feedback_record(
        actor=None,
        need=need,
        satisfaction=satisfaction,
        comment=comment,
        source=FeedbackSource.RESIDENT,
        channel=channel,
        by_resident_id=resident.pk,
    )


def resident_need_confirm(*, resident: Resident, need: Need, channel: str) -> Need:
    """The resident says a resolved need of theirs is solved (casework's rule)."""
    return loops.resident_confirm(resident=resident, need=need, channel=channel)


def resident_need_dispute(*, resident: Resident, need: Need, words: str, channel: str) -> Need:
    """The resident says it is not solved: it reopens with their words."""
    return loops.resident_dispute(resident=resident, need=need, words=words, channel=channel)


@transaction.atomic
def resident_consent_set(
    *, resident: Resident, purpose: str, given: bool, channel: str
) -> ConsentChange | None:
    """The portal's PUT is idempotent: an answer that is already the household's
    current one (no row: given on joining) records nothing and returns None, so a
    repeated or replayed request adds no history row and no audit event."""
    current = (
        Consent.objects.select_for_update()
        .filter(household_id=resident.household_id, purpose=purpose)
        .values_list("given", flat=True)
        .first()
    )
    if (True if current is None else current) == bool(given):
        return None
    return consent_set(
        household=resident.household,
        purpose=purpose,
        given=given,
        method=ConsentMethod.PORTAL,
        resident=resident,
        channel=channel,
    )


def resident_correction_ask(*, resident: Resident, message: str, channel: str) -> CorrectionRequest:
    return correction_request_create(resident=resident, message=message, channel=channel)
