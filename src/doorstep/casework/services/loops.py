"""Closing the loops: what a department's answer, help reaching its end, or a resident's
word does to the need, and who is told.

- A new referral tells the unit's members; accepting it acknowledges the need (if it
  was waiting) and sets it in progress; a decline returns it to its owner with the
  reason; a completion records the outcome and asks the owner to resolve the need with
  it prefilled, or resolves it at once when the department's answer is final.
- Help recorded in another app (a placement, an enrolment, a business, a loan) is linked
  to the needs it answers (`help_link`: a line on the timeline); when it reaches its
  final state (`help_final`) the owner is asked to resolve, and the portal asks the
  resident to confirm once it is resolved.
- The resident confirms or disputes a resolved need (`resident_confirm`,
  `resident_dispute`: a dispute reopens it with the resident's words).

Every answer notifies the need's owner: a Notification row (in-app, drawn in the
reader's language) and, after the transaction commits, a short message through the
channel of DOORSTEP_NOTIFY_CHANNEL in the recipient's language (NotificationPreference).
The message names the kind and the need's number only, never the household.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from doorstep.accounts.models import Role
from doorstep.casework.membership import unit_active_members
from doorstep.casework.models import (
    AWAITING_ACKNOWLEDGEMENT,
    UNRESOLVED,
    Need,
    NeedEventKind,
    NeedStatus,
    Notification,
    NotificationKind,
    NotificationPreference,
    Referral,
)
from doorstep.casework.services.needs import (
    NeedAction,
    event_add,
    register_transition_listener,
    transition_apply,
)
from doorstep.core.texts import Text, stored, stored_columns

log = logging.getLogger(__name__)

MAX_WORDS = 2000


# --- who is told ----------------------------------------------------------------------


def unit_member_ids(unit_id: int) -> list[int]:
    """The active members of a unit (casework.membership: several units per person)."""
    return list(unit_active_members(unit_id).values_list("pk", flat=True))


class SmsChannel:
    """Sends to the account's phone through the SMS backend the portal uses."""

    def send(self, user, message: str) -> None:
        if user.phone:
            from doorstep.core.sms import send_sms

            send_sms(user.phone, message)


class OffChannel:
    def send(self, user, message: str) -> None:
        return None


_CHANNELS = {"sms": SmsChannel, "off": OffChannel}


def channel():
    path = settings.DOORSTEP_NOTIFY_CHANNEL
    cls = _CHANNELS.get(path) or import_string(path)
    return cls()


def _message(kind: str, need_id: int) -> str:
    return _("Doorstep: %(what)s (need no. %(need)s). Open Doorstep to read it.") % {
        "what": NotificationKind(kind).label,
        "need": need_id,
    }


def _send_outside(notification_ids: list[int]) -> None:
    """After commit: one message per new notification, in the recipient's language. A
    failing gateway loses the message, never the in-app notification."""
    from django.contrib.auth import get_user_model

    rows = list(
        Notification.objects.filter(pk__in=notification_ids).values(
            "recipient_id", "kind", "need_id"
        )
    )
    users = get_user_model().objects.in_bulk({r["recipient_id"] for r in rows})
    prefs = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=users)}
    sender = channel()
    for row in rows:
        user = users[row["recipient_id"]]
        pref = prefs.get(user.pk)
        if pref is not None and not pref.by_sms:
            continue
        language = (pref.language if pref else "") or settings.LANGUAGE_CODE
        with translation.override(language):
            text = _message(row["kind"], row["need_id"])
        try:
            sender.send(user, text)
        except Exception:  # noqa: BLE001 - the gateway's failure must not undo the answer
            log.exception("notification %s not sent outside Doorstep", row["kind"])


def notify(
    *,
    recipient_ids,
    kind: str,
    need: Need,
    referral: Referral | None = None,
    note: str | Text = "",
    exclude=None,
) -> int:
    """One notification per recipient (the acting person is never told of their own
    step: pass them as `exclude`). Call inside the step's transaction."""
    skip = getattr(exclude, "pk", exclude)
    ids = sorted({i for i in recipient_ids if i is not None and i != skip})
    if not ids:
        return 0
    now = timezone.now()
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=user_id,
                kind=kind,
                need=need,
                referral=referral,
                day=timezone.localdate(now),
                created_at=now,
                **stored_columns("note", note, MAX_WORDS),
            )
            for user_id in ids
        ]
    )
    created = [r.pk for r in rows if r.pk]
    if not created:  # databases that do not return ids: read them back
        created = list(
            Notification.objects.filter(need=need, kind=kind, created_at=now).values_list(
                "pk", flat=True
            )
        )
    transaction.on_commit(lambda: _send_outside(created))
    return len(ids)


# --- referrals ------------------------------------------------------------------------


def on_referral_created(*, referral: Referral, actor) -> None:
    notify(
        recipient_ids=unit_member_ids(referral.unit_id),
        kind=NotificationKind.REFERRAL_NEW,
        need=referral.need,
        referral=referral,
        note=referral.note,
        exclude=actor,
    )


def on_referral_accepted(*, referral: Referral, actor, channel: str) -> Need:
    """The need is acknowledged (if it was waiting) and set in progress, in the
    responder's name: the department took it on."""
    need = Need.objects.get(pk=referral.need_id)
    detail = {"referral": referral.pk}
    if need.status in AWAITING_ACKNOWLEDGEMENT:
        need = transition_apply(
            need=need, action=NeedAction.ACKNOWLEDGE, actor=actor, channel=channel, detail=detail
        )
    if need.status == NeedStatus.ACKNOWLEDGED:
        need = transition_apply(
            need=need, action=NeedAction.START, actor=actor, channel=channel, detail=detail
        )
    notify(
        recipient_ids=[need.owner_id],
        kind=NotificationKind.REFERRAL_ACCEPTED,
        need=need,
        referral=referral,
        exclude=actor,
    )
    return need


def on_referral_declined(*, referral: Referral, actor, reason: str) -> None:
    notify(
        recipient_ids=[referral.need.owner_id, referral.created_by_id],
        kind=NotificationKind.REFERRAL_DECLINED,
        need=referral.need,
        referral=referral,
        note=reason,
        exclude=actor,
    )


def on_referral_completed(*, referral: Referral, actor, outcome: str, channel: str) -> Need:
    """A final answer resolves the need at once (the department's word settles it);
    otherwise the owner is asked to resolve it with the outcome prefilled."""
    need = Need.objects.get(pk=referral.need_id)
    if referral.outcome_final and need.status == NeedStatus.IN_PROGRESS:
        need = transition_apply(
            need=need,
            action=NeedAction.RESOLVE,
            actor=actor,
            note=outcome,
            channel=channel,
            detail={"referral": referral.pk, "final": True},
        )
    elif need.status in UNRESOLVED:
        ask_to_resolve(need=need, actor=actor, summary=outcome, detail={"referral": referral.pk})
    notify(
        recipient_ids=[need.owner_id],
        kind=NotificationKind.REFERRAL_COMPLETED,
        need=need,
        referral=referral,
        note=outcome,
        exclude=actor,
    )
    return need


# --- help linked to needs --------------------------------------------------------------


def ask_to_resolve(
    *, need: Need, actor, summary: str | Text, detail: dict, notify_owner=False
) -> None:
    """Prefill the owner's resolve form and say so on the timeline."""
    Need.objects.filter(pk=need.pk).update(resolution_proposed=stored(summary, MAX_WORDS)[0])
    event_add(need=need, kind=NeedEventKind.RESOLVE_ASKED, actor=actor, note=summary, detail=detail)
    if notify_owner:
        notify(
            recipient_ids=[need.owner_id],
            kind=NotificationKind.RESOLVE_ASKED,
            need=need,
            note=summary,
            exclude=None,
        )


def help_link(*, needs, actor, kind: str, object_id: int, summary: str | Text) -> None:
    """A line on each linked need's timeline: what help answers it (kind: placement,
    enrolment, business, loan)."""
    for need in needs:
        event_add(
            need=need,
            kind=NeedEventKind.HELP_LINKED,
            actor=actor,
            note=summary,
            detail={"help": kind, "id": object_id},
        )


def help_final(*, needs, actor, kind: str, object_id: int, summary: str | Text) -> int:
    """Help reached its final state: each linked need still open asks its owner to
    resolve it (a notification and the resolve form prefilled). Returns how many."""
    asked = 0
    for need in needs:
        if need.status not in UNRESOLVED:
            continue
        ask_to_resolve(
            need=need,
            actor=actor,
            summary=summary,
            detail={"help": kind, "id": object_id, "final": True},
            notify_owner=True,
        )
        asked += 1
    return asked


# --- the resident's word ---------------------------------------------------------------


def _check_own(need: Need, household_id: int) -> None:
    if need.household_id != household_id:
        raise PermissionDenied(_("This is not a need of your household."))


@transaction.atomic
def resident_confirm(*, resident, need: Need, channel: str) -> Need:
    """The resident says the need is solved."""
    _check_own(need, resident.household_id)
    need = transition_apply(
        need=need,
        action=NeedAction.CONFIRM,
        actor=None,
        channel=channel,
        detail={"source": "resident", "resident": resident.pk},
        by_resident_id=resident.pk,
    )
    notify(recipient_ids=[need.owner_id], kind=NotificationKind.NEED_CONFIRMED, need=need)
    return need


@transaction.atomic
def resident_dispute(*, resident, need: Need, words: str, channel: str) -> Need:
    """The resident says it is not solved: the need reopens with their words on the
    timeline and its owner is told."""
    _check_own(need, resident.household_id)
    words = (words or "").strip()
    if not words:
        raise ValidationError({"words": _("Say what is still not solved.")})
    if len(words) > MAX_WORDS:
        raise ValidationError({"words": _("Keep it under 2000 characters.")})
    if need.status != NeedStatus.RESOLVED:
        raise ValidationError({"action": _("Only a resolved need can be disputed.")})
    event_add(
        need=need,
        kind=NeedEventKind.DISPUTED,
        actor=None,
        note=words,
        detail={"source": "resident", "resident": resident.pk},
    )
    need = transition_apply(
        need=need,
        action=NeedAction.REOPEN,
        actor=None,
        note=words,
        channel=channel,
        detail={"source": "resident", "resident": resident.pk},
        by_resident_id=resident.pk,
    )
    notify(
        recipient_ids=[need.owner_id],
        kind=NotificationKind.NEED_DISPUTED,
        need=need,
        note=words,
    )
    return need


# --- the owner hears of steps others take ------------------------------------------------


def _on_transition(need: Need, action: str, actor) -> None:
    """A need resolved by someone other than its owner (a department, a team leader)
    tells the owner. Confirmation and dispute notify in their own functions."""
    if (
        action == NeedAction.RESOLVE
        and actor is not None
        and actor.pk != need.owner_id
        and actor.role != Role.RESPONDER  # a department's completion tells the owner itself
    ):
        notify(recipient_ids=[need.owner_id], kind=NotificationKind.NEED_RESOLVED, need=need)


register_transition_listener(_on_transition)
