"""What residents' choices put on their worker's due list (casework.due_items):

- consent to visits and calls withdrawn: the household has no scheduled contact
  (casework.services.schedule drops it), and this item says why, so that a household
  missing from the schedule is never a mystery;
- a correction request the resident sent from the portal and nobody has answered.

Each provider registers a probe (the same rows), so a worker with nothing here costs
the due list no query of its own (casework.due_items answers every probe in one); a
provider with something to show takes two or three queries, whatever the worker's load.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstep.casework.due_items import DueItem
from doorstep.casework.models import Pairing
from doorstep.privacy.models import (
    Consent,
    ConsentChange,
    ConsentMethod,
    ConsentPurpose,
    CorrectionRequest,
    CorrectionStatus,
)
from doorstep.registry.models import Relationship, Resident


def _paired(worker):
    # A subquery, not a list: one round trip, and the probes below reuse it.
    return Pairing.objects.active().filter(worker=worker).values("household_id")


def withdrawn_consents(worker, today: dt.date):
    """What consent_withdrawn_items shows; also its casework.due_items probe."""
    return Consent.objects.filter(
        household_id__in=_paired(worker), purpose=ConsentPurpose.CONTACTS, given=False
    )


def open_corrections(worker, today: dt.date):
    """What correction_request_items shows; also its casework.due_items probe."""
    return CorrectionRequest.objects.filter(
        household_id__in=_paired(worker), status=CorrectionStatus.OPEN
    )


def _heads(ids) -> dict[int, tuple[str, str]]:
    return {
        hid: (no, name)
        for hid, no, name in Resident.objects.filter(
            household_id__in=ids, relationship=Relationship.HEAD
        ).values_list("household_id", "household__household_no", "name")
    }


def consent_withdrawn_items(worker, today: dt.date) -> list[DueItem]:
    withdrawn = list(withdrawn_consents(worker, today).values_list("household_id", "changed_at"))
    if not withdrawn:
        return []
    hids = [hid for hid, _at in withdrawn]
    heads = _heads(hids)
    methods = {}
    for hid, method in (
        ConsentChange.objects.filter(household_id__in=hids, purpose=ConsentPurpose.CONTACTS)
        .order_by("at", "pk")
        .values_list("household_id", "method")
    ):
        methods[hid] = method
    labels = dict(ConsentMethod.choices)
    items = []
    for hid, at in withdrawn:
        no, name = heads.get(hid, ("", ""))
        items.append(
            DueItem(
                kind="consent_withdrawn",
                label=_("No visits or calls: consent withdrawn"),
                due_on=timezone.localdate(at),
                url=reverse("privacy:household", args=[hid]),
                household_id=hid,
                household_no=no,
                head_name=name,
                detail=_("The household withdrew consent to visits and calls on %(day)s (%(how)s).")
                % {
                    "day": timezone.localdate(at).isoformat(),
                    "how": labels.get(methods.get(hid), ""),
                },
            )
        )
    return items


def correction_request_items(worker, today: dt.date) -> list[DueItem]:
    requests = list(
        open_corrections(worker, today)
        .order_by("created_at")
        .values_list("pk", "household_id", "created_at")
    )
    if not requests:
        return []
    heads = _heads({hid for _pk, hid, _at in requests})
    return [
        DueItem(
            kind="correction_request",
            label=_("The resident asks for a correction of their record"),
            due_on=timezone.localdate(at),
            url=reverse("privacy:correction", args=[pk]),
            household_id=hid,
            household_no=heads.get(hid, ("", ""))[0],
            head_name=heads.get(hid, ("", ""))[1],
        )
        for pk, hid, at in requests
    ]
