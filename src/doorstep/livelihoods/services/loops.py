"""Help linked to the needs it answers, and what happens when it reaches its end.

- `help_link_needs` links a placement, an enrolment, a business or a loan to needs of
  the same household that are not yet resolved; each need's timeline says so.
- When the help reaches its final state (placed and the 1-month follow-up says still
  employed; a course completed; a business opened; a loan disbursed, i.e. opened) every
  linked need still open asks its owner to resolve it (casework.services.loops), and
  once resolved the portal asks the resident to confirm. A link made after the final
  state asks at once.
- `placement_end` with a reason, and `placement_change` (wage) with a reason, keep a
  PlacementChange row each.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstep.casework.models import UNRESOLVED, Need
from doorstep.casework.services import loops as casework_loops
from doorstep.livelihoods.models import (
    MAX_MONTHLY_WAGE,
    Business,
    Enrolment,
    EnrolmentStatus,
    HelpKind,
    MicroLoan,
    NeedLink,
    Placement,
    PlacementChange,
    PlacementChangeKind,
    PlacementFollowUp,
    PlacementStatus,
)
from doorstep.livelihoods.services.common import (
    FIELD_ROLES,
    audit,
    check_amount,
    check_text,
    require_role,
)
from doorstep.privacy.models import AuditAction

MODELS = {
    HelpKind.PLACEMENT: Placement,
    HelpKind.ENROLMENT: Enrolment,
    HelpKind.BUSINESS: Business,
    HelpKind.LOAN: MicroLoan,
}


def _household_id(kind: str, obj) -> int:
    if kind == HelpKind.LOAN:
        return obj.business.household_id
    return obj.household_id


def summary(kind: str, obj) -> str:
    """What the help is, in words for the timeline and the resolve form."""
    if kind == HelpKind.PLACEMENT:
        return _("Placed at %(opening)s from %(date)s, %(wage)s yuan a month.") % {
            "opening": obj.opening.title,
            "date": obj.started_on.isoformat(),
            "wage": f"{obj.wage_monthly:,.0f}",
        }
    if kind == HelpKind.ENROLMENT:
        return _("Course %(course)s completed.") % {"course": obj.session.course.title}
    if kind == HelpKind.BUSINESS:
        return _("Business %(name)s opened on %(date)s.") % {
            "name": obj.name,
            "date": obj.started_on.isoformat(),
        }
    return _("Loan of %(amount)s yuan from %(bank)s disbursed on %(date)s.") % {
        "amount": f"{obj.amount:,.0f}",
        "bank": obj.bank,
        "date": obj.disbursed_on.isoformat(),
    }


def is_final(kind: str, obj) -> bool:
    if kind == HelpKind.PLACEMENT:
        return (
            obj.status == PlacementStatus.ACTIVE
            and PlacementFollowUp.objects.filter(
                placement=obj, month=1, done_on__isnull=False, still_employed=True
            ).exists()
        )
    if kind == HelpKind.ENROLMENT:
        return obj.status == EnrolmentStatus.COMPLETED
    # A business is opened when recorded; a loan when disbursed (recorded with its date).
    return True


def _column(kind: str) -> str:
    return {"placement": "placement", "enrolment": "enrolment", "business": "business"}.get(
        kind, "loan"
    )


@transaction.atomic
def help_link_needs(*, actor, kind: str, obj, need_ids, channel: str) -> list[NeedLink]:
    """Link `obj` (from livelihoods.selectors, so in the actor's scope) to needs of its
    household. Needs of another household or already resolved are refused, naming
    the field `needs`; nothing is written then."""
    require_role(actor, FIELD_ROLES)
    if kind not in HelpKind.values:
        raise ValidationError(
            {"kind": _("Choose a placement, an enrolment, a business or a loan.")}
        )
    ids = sorted({int(i) for i in need_ids or []})
    if not ids:
        raise ValidationError({"needs": _("Choose at least one need.")})
    household_id = _household_id(kind, obj)
    needs = list(Need.objects.filter(pk__in=ids, household_id=household_id))
    if len(needs) != len(ids):
        raise ValidationError({"needs": _("Choose needs of this household.")})
    if any(n.status not in UNRESOLVED for n in needs):
        raise ValidationError({"needs": _("A resolved need cannot be linked to new help.")})
    links = []
    words = summary(kind, obj)
    try:
        with transaction.atomic():
            for need in needs:
                links.append(
                    NeedLink.objects.create(
                        need=need,
                        household_id=household_id,
                        kind=kind,
                        linked_by=actor,
                        **{_column(kind): obj},
                    )
                )
    except IntegrityError:
        raise ValidationError({"needs": _("This help is already linked to that need.")}) from None
    casework_loops.help_link(needs=needs, actor=actor, kind=kind, object_id=obj.pk, summary=words)
    for need in needs:
        audit(
            actor,
            action=AuditAction.UPDATE,
            obj=need,
            household_id=household_id,
            channel=channel,
            help=kind,
            help_id=obj.pk,
        )
    if is_final(kind, obj):
        help_reached_end(actor=actor, kind=kind, obj=obj)
    return links


def help_reached_end(*, actor, kind: str, obj) -> int:
    """Ask the owners of the needs this help answers to resolve them (once per link)."""
    links = NeedLink.objects.filter(final_at__isnull=True, kind=kind, **{_column(kind): obj})
    need_ids = list(links.values_list("need_id", flat=True))
    if not need_ids:
        return 0
    links.update(final_at=timezone.now())
    return casework_loops.help_final(
        needs=list(Need.objects.filter(pk__in=need_ids)),
        actor=actor,
        kind=kind,
        object_id=obj.pk,
        summary=summary(kind, obj),
    )


def needs_of(kind: str, obj) -> list[int]:
    return list(NeedLink.objects.filter(**{_column(kind): obj}).values_list("need_id", flat=True))


# --- placements ended or changed ------------------------------------------------------------


@transaction.atomic
def placement_change(
    *, actor, placement: Placement, wage_monthly, reason: str, on: dt.date | None, channel: str
) -> Placement:
    """A new wage (a trainee taken on, a cut), with the reason."""
    require_role(actor, FIELD_ROLES)
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    if placement.status != PlacementStatus.ACTIVE:
        raise ValidationError({"placement": _("This placement has ended already.")})
    reason = check_text(reason, field="reason", max_length=2000)
    wage = check_amount(wage_monthly, field="wage_monthly", maximum=MAX_MONTHLY_WAGE)
    on = on or timezone.localdate()
    if on < placement.started_on or on > timezone.localdate():
        raise ValidationError({"on": _("Give a date between the start and today.")})
    PlacementChange.objects.create(
        placement=placement,
        kind=PlacementChangeKind.CHANGED,
        reason=reason,
        on=on,
        wage_before=placement.wage_monthly,
        wage_after=wage,
        changed_by=actor,
    )
    Placement.objects.filter(pk=placement.pk).update(wage_monthly=wage)
    audit(
        actor,
        action=AuditAction.UPDATE,
        obj=placement,
        household_id=placement.household_id,
        channel=channel,
        wage=str(wage),
    )
    placement.refresh_from_db()
    return placement


def placement_end_reason(*, actor, placement: Placement, reason: str, on: dt.date) -> None:
    """Called by jobs.placement_end inside its transaction."""
    PlacementChange.objects.create(
        placement=placement,
        kind=PlacementChangeKind.ENDED,
        reason=reason,
        on=on,
        wage_before=placement.wage_monthly,
        changed_by=actor,
    )
