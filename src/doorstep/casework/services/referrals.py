"""Referrals to departments and service providers, the help given for a need, and the
resident's feedback once it is resolved. Each step also goes on the need's timeline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstep.accounts.models import Role
from doorstep.casework.models import (
    UNRESOLVED,
    Assistance,
    AssistanceKind,
    BenefitStatus,
    BenefitType,
    Feedback,
    FeedbackSource,
    MaterialType,
    Need,
    NeedEventKind,
    NeedStatus,
    Referral,
    ReferralStatus,
    Unit,
    UnitKind,
)
from doorstep.casework.services import loops
from doorstep.casework.services.common import (
    CASEWORK_ROLES,
    M_TRAINING_VOLUNTARY,
    replayed,
    require_role,
)
from doorstep.casework.services.needs import _check_responder_reach, event_add, responder_unit_ids
from doorstep.casework.texts import BENEFIT_PAID
from doorstep.core.texts import Text
from doorstep.core.validators import check_not_negative
from doorstep.privacy.models import AuditAction
from doorstep.privacy.services import audit_record

DEFAULT_REFERRAL_ANSWER_DAYS = 7


def _audit(actor, *, object_type: str, pk, need: Need, action: str, channel: str, **detail):
    audit_record(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=pk,
        household_id=need.household_id,
        channel=channel,
        detail=detail or None,
    )


# --- referrals ------------------------------------------------------------------------


@transaction.atomic
def referral_create(
    *,
    actor,
    need: Need,
    unit: Unit,
    note: str = "",
    due_at: dt.datetime | None = None,
    resident_agreed: bool = False,
    client_id=None,
    channel: str,
) -> Referral:
    """`resident_agreed`: the worker asked the resident, who agreed; required for a
    vocational skills school, since training is always voluntary."""
    require_role(actor, CASEWORK_ROLES)
    if (earlier := replayed(Referral, client_id=client_id, created_by=actor)) is not None:
        return earlier
    if need.status not in UNRESOLVED:
        raise ValidationError(_("Only a need that is not yet resolved can be referred."))
    if not (unit.accepts_referrals and unit.is_active):
        raise ValidationError({"unit": _("This unit does not take referrals.")})
    if unit.kind == UnitKind.VOCATIONAL_SCHOOL and not resident_agreed:
        raise ValidationError({"resident_agreed": M_TRAINING_VOLUNTARY})
    now = timezone.now()
    due_at = due_at or now + dt.timedelta(days=DEFAULT_REFERRAL_ANSWER_DAYS)
    if due_at <= now:
        raise ValidationError({"due_at": _("The answer date must be in the future.")})
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                need=need,
                unit=unit,
                note=(note or "").strip(),
                due_at=due_at,
                resident_agreed_on=timezone.localdate() if resident_agreed else None,
                created_by=actor,
                created_at=now,
                client_id=client_id,
            )
    except IntegrityError:
        raise ValidationError(
            {"unit": _("This need is already referred to %(unit)s.") % {"unit": unit.name}}
        ) from None
    event_add(
        need=need,
        kind=NeedEventKind.REFERRED,
        actor=actor,
        at=now,
        note=referral.note,
        referral=referral,
        detail={"unit": unit.pk},
    )
    loops.on_referral_created(referral=referral, actor=actor)
    _audit(
        actor,
        object_type="referral",
        pk=referral.pk,
        need=need,
        action=AuditAction.CREATE,
        channel=channel,
    )
    return referral


def _check_responder(actor, referral: Referral) -> None:
    """Only a responder of the unit (or an administrator) answers its referrals."""
    if actor.role == Role.ADMIN:
        return
    require_role(actor, frozenset({Role.RESPONDER}))
    if referral.unit_id not in responder_unit_ids(actor):
        raise PermissionDenied(_("This referral was sent to another unit."))


def _move(referral: Referral, *, sources: list[str], refused: str, **columns) -> None:
    """Conditional UPDATE: two responders answering at once cannot both win."""
    if not Referral.objects.filter(pk=referral.pk, status__in=sources).update(**columns):
        raise ValidationError({"status": refused})
    referral.refresh_from_db()


@transaction.atomic
def referral_accept(*, actor, referral: Referral, note: str = "", channel: str) -> Referral:
    _check_responder(actor, referral)
    now = timezone.now()
    _move(
        referral,
        sources=[ReferralStatus.SENT],
        refused=_("Only a referral that was sent and not yet answered can be accepted."),
        status=ReferralStatus.ACCEPTED,
        responded_by=actor,
        responded_at=now,
    )
    event_add(
        need=referral.need,
        kind=NeedEventKind.REFERRAL_ACCEPTED,
        actor=actor,
        at=now,
        note=(note or "").strip(),
        referral=referral,
    )
    loops.on_referral_accepted(referral=referral, actor=actor, channel=channel)
    _audit(
        actor,
        object_type="referral",
        pk=referral.pk,
        need=referral.need,
        action=AuditAction.UPDATE,
        channel=channel,
        status=ReferralStatus.ACCEPTED,
    )
    return referral


@transaction.atomic
def referral_decline(*, actor, referral: Referral, reason: str, channel: str) -> Referral:
    _check_responder(actor, referral)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the referral is declined.")})
    now = timezone.now()
    _move(
        referral,
        sources=[ReferralStatus.SENT, ReferralStatus.ACCEPTED],
        refused=_("This referral is already closed."),
        status=ReferralStatus.DECLINED,
        decline_reason=reason,
        responded_by=actor,
        responded_at=now,
    )
    event_add(
        need=referral.need,
        kind=NeedEventKind.REFERRAL_DECLINED,
        actor=actor,
        at=now,
        note=reason,
        referral=referral,
    )
    loops.on_referral_declined(referral=referral, actor=actor, reason=reason)
    _audit(
        actor,
        object_type="referral",
        pk=referral.pk,
        need=referral.need,
        action=AuditAction.UPDATE,
        channel=channel,
        status=ReferralStatus.DECLINED,
    )
    return referral


@transaction.atomic
def referral_record_action(
    *,
    actor,
    referral: Referral,
    note: str,
    completed: bool = False,
    final: bool = False,
    client_id=None,
    channel: str,
) -> Referral:
    """What the department did. `completed` closes the referral with `note` as its
    outcome: the need's owner is asked to resolve the need with it prefilled, or, when
    `final` (the department's answer settles it, e.g. a benefit paid), the need is
    resolved at once (services.loops)."""
    _check_responder(actor, referral)
    from doorstep.casework.models import NeedEvent

    if replayed(NeedEvent, client_id=client_id, actor=actor) is not None:
        referral.refresh_from_db()
        return referral
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what was done.")})
    if referral.status != ReferralStatus.ACCEPTED:
        raise ValidationError({"status": _("Accept the referral before recording actions.")})
    if final and not completed:
        raise ValidationError({"final": _("Only a completion can be a final answer.")})
    now = timezone.now()
    if completed:
        _move(
            referral,
            sources=[ReferralStatus.ACCEPTED],
            refused=_("Accept the referral before recording actions."),
            status=ReferralStatus.COMPLETED,
            completed_at=now,
            outcome=note,
            outcome_final=bool(final),
        )
    event_add(
        need=referral.need,
        kind=NeedEventKind.REFERRAL_ACTION,
        actor=actor,
        at=now,
        note=note,
        referral=referral,
        detail={"completed": completed, "final": bool(completed and final)},
        client_id=client_id,
    )
    if completed:
        loops.on_referral_completed(referral=referral, actor=actor, outcome=note, channel=channel)
    _audit(
        actor,
        object_type="referral",
        pk=referral.pk,
        need=referral.need,
        action=AuditAction.UPDATE,
        channel=channel,
        completed=completed,
    )
    return referral


# --- assistance -----------------------------------------------------------------------


def _amount(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({"amount": _("Enter an amount in yuan.")}) from None
    check_not_negative(amount, field="amount")
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def assistance_record(
    *,
    actor,
    need: Need,
    kind: str,
    benefit_type: str = "",
    benefit_status: str = "",
    material_type: str = "",
    amount=None,
    description: str = "",
    given_on: dt.date | None = None,
    client_id=None,
    channel: str,
) -> Assistance:
    require_role(actor, CASEWORK_ROLES | {Role.RESPONDER})
    if (earlier := replayed(Assistance, client_id=client_id, recorded_by=actor)) is not None:
        return earlier
    _check_responder_reach(actor, need)
    errors = {}
    if kind == AssistanceKind.BENEFIT:
        benefit_status = benefit_status or BenefitStatus.APPLIED
        if benefit_type not in BenefitType.values:
            errors["benefit_type"] = _("Choose the benefit applied for.")
        if benefit_status not in BenefitStatus.values:
            errors["benefit_status"] = _("Choose the status of the application.")
        material_type = ""
    elif kind == AssistanceKind.MATERIAL:
        if material_type not in MaterialType.values:
            errors["material_type"] = _("Choose the kind of material help.")
        benefit_type = benefit_status = ""
    else:
        errors["kind"] = _("Choose a benefit application or material help.")
    if errors:
        raise ValidationError(errors)
    assistance = Assistance.objects.create(
        need=need,
        kind=kind,
        benefit_type=benefit_type,
        benefit_status=benefit_status,
        material_type=material_type,
        amount=_amount(amount),
        description=(description or "").strip()[:200],
        given_on=given_on or timezone.localdate(),
        recorded_by=actor,
        client_id=client_id,
    )
    event_add(
        need=need,
        kind=NeedEventKind.ASSISTANCE,
        actor=actor,
        note=assistance.description,
        detail={"assistance": assistance.pk, "type": benefit_type or material_type},
    )
    _audit(
        actor,
        object_type="assistance",
        pk=assistance.pk,
        need=need,
        action=AuditAction.CREATE,
        channel=channel,
    )
    return assistance


# Applied → approved or rejected; approved → paid.
BENEFIT_STEPS = {
    BenefitStatus.APPLIED: {BenefitStatus.APPROVED, BenefitStatus.REJECTED},
    BenefitStatus.APPROVED: {BenefitStatus.PAID},
}


@transaction.atomic
def assistance_set_status(
    *, actor, assistance: Assistance, status: str, amount=None, channel: str
) -> Assistance:
    require_role(actor, CASEWORK_ROLES | {Role.RESPONDER})
    _check_responder_reach(actor, assistance.need)
    if assistance.kind != AssistanceKind.BENEFIT:
        raise ValidationError({"benefit_status": _("Only a benefit application has a status.")})
    if status not in BENEFIT_STEPS.get(assistance.benefit_status, set()):
        raise ValidationError(
            {
                "benefit_status": _("An application cannot go from %(old)s to %(new)s.")
                % {"old": assistance.get_benefit_status_display(), "new": status}
            }
        )
    columns = {"benefit_status": status}
    if amount is not None:
        columns["amount"] = _amount(amount)
    if not Assistance.objects.filter(
        pk=assistance.pk, benefit_status=assistance.benefit_status
    ).update(**columns):
        raise ValidationError({"benefit_status": _("Someone changed this application just now.")})
    assistance.refresh_from_db()
    event_add(
        need=assistance.need,
        kind=NeedEventKind.ASSISTANCE,
        actor=actor,
        detail={"assistance": assistance.pk, "status": status},
    )
    if status == BenefitStatus.PAID:
        loops.help_final(
            needs=[assistance.need],
            actor=actor,
            kind="assistance",
            object_id=assistance.pk,
            summary=Text(BENEFIT_PAID, {"benefit": assistance.benefit_type}),
        )
    _audit(
        actor,
        object_type="assistance",
        pk=assistance.pk,
        need=assistance.need,
        action=AuditAction.UPDATE,
        channel=channel,
        status=status,
    )
    return assistance


# --- feedback -------------------------------------------------------------------------


@transaction.atomic
def feedback_record(
    *,
    actor,
    need: Need,
    satisfaction: int,
    comment: str = "",
    source: str = FeedbackSource.WORKER,
    client_id=None,
    channel: str,
    by_resident_id: int | None = None,
) -> Feedback:
    """The resident's satisfaction with a resolved need, once per cycle. The worker
    records it on the next contact; the resident portal will call this with
    source=RESIDENT and no staff actor."""
    if source == FeedbackSource.WORKER:
        require_role(actor, CASEWORK_ROLES)
    elif source != FeedbackSource.RESIDENT:
        raise ValidationError({"source": _("Unknown source.")})
    if actor is not None and (
        earlier := replayed(Feedback, client_id=client_id, recorded_by=actor)
    ):
        return earlier
    if need.status not in (NeedStatus.RESOLVED, NeedStatus.CONFIRMED):
        raise ValidationError(_("Feedback is recorded once the need is resolved."))
    if not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
        raise ValidationError({"satisfaction": _("Satisfaction is a number from 1 to 5.")})
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(
                need=need,
                cycle=need.cycle,
                satisfaction=satisfaction,
                comment=(comment or "").strip(),
                source=source,
                recorded_by=actor,
                client_id=client_id,
            )
    except IntegrityError:
        raise ValidationError(
            _("The resident's feedback on this need is already recorded.")
        ) from None
    event_add(
        need=need,
        kind=NeedEventKind.FEEDBACK,
        actor=actor,
        note=feedback.comment,
        detail={"satisfaction": satisfaction, "source": source},
    )
    # One audit row per action: a resident's rating is theirs (by_resident_id).
    audit_record(
        actor=actor,
        by_resident_id=by_resident_id,
        action=AuditAction.CREATE,
        object_type="feedback",
        object_id=feedback.pk,
        household_id=need.household_id,
        channel=channel,
    )
    return feedback
