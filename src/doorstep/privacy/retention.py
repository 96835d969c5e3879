"""Retention: anonymise what the programme no longer needs to know.

Two rules, run nightly by privacy.tasks.anonymise_expired (core.periodic):

- a household that has left the programme (Household.programme_status = left) and has
  no open case is anonymised DOORSTEP_RETENTION_DAYS after `left_on`: its number,
  address, location, phone and languages, its residents' names, phones, ID numbers,
  occupations and skills are cleared (birth dates keep only the year), and every free
  text written about it (contact notes, need titles and descriptions, timeline notes,
  referral notes, help descriptions, feedback comments, consent notes, correction
  requests) is emptied;
- a closed case (a need resolved or confirmed) of a household still in the programme
  loses its free text after the same period.

Rows are kept, with their area, category, status, dates and amounts: dashboards count
households, needs and contacts by area exactly as before. Everything is set-based
UPDATEs over batches of primary keys, each batch in its own transaction, so a run over
millions of rows holds no long lock and a crash loses at most one batch's progress
(the next run picks it up: the work list is "not yet anonymised").

privacy owns the retention of every field docs/data-inventory.md lists, so it reads
casework's models through the app registry (no import: privacy sits below casework).
An app that adds personal fields about households registers its own step with
`register_anonymiser`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat, TruncYear
from django.utils import timezone

from doorstep.privacy.models import (
    AuditAction,
    AuditEvent,
    ConsentChange,
    CorrectionRequest,
)

Anonymiser = Callable[[list[int]], None]
_anonymisers: list[Anonymiser] = []
CHANNEL = "task:privacy.anonymise_expired"
# Need statuses of a closed case (casework.models.NeedStatus values).
CLOSED = ("resolved", "confirmed")
UNRESOLVED = ("open", "reopened", "acknowledged", "in_progress")


def register_anonymiser(anonymiser: Anonymiser) -> None:
    """`anonymiser(household_ids)` clears an app's personal fields of these households;
    it runs inside the batch's transaction."""
    if anonymiser not in _anonymisers:
        _anonymisers.append(anonymiser)


def retention_cutoff(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return today - dt.timedelta(days=settings.DOORSTEP_RETENTION_DAYS)


def _model(label: str):
    app_label, name = label.split(".")
    return apps.get_model(app_label, name) if apps.is_installed(f"doorstep.{app_label}") else None


def households_due(cutoff: dt.date):
    """Households that left on or before `cutoff`, not yet anonymised, with no open
    case (walks the partial index household_left_to_anonymise)."""
    Household = apps.get_model("registry", "Household")
    qs = Household.objects.filter(
        programme_status="left", anonymised_at__isnull=True, left_on__lte=cutoff
    )
    Need = _model("casework.Need")
    if Need is not None:
        qs = qs.exclude(
            Exists(Need.objects.filter(household_id=OuterRef("pk"), status__in=UNRESOLVED))
        )
    return qs


def _casework_text_clear(need_filter: Q, household_ids: list[int] | None) -> None:
    Need = _model("casework.Need")
    if Need is None:
        return
    needs = Need.objects.filter(need_filter)
    need_ids = list(needs.values_list("pk", flat=True))
    if household_ids is not None:
        apps.get_model("casework", "Contact").objects.filter(household_id__in=household_ids).update(
            met_with="", notes="", needs_found="", checklist={}
        )
    if not need_ids:
        return
    # Generated texts go with their codes and parameters (figures of the household).
    Need.objects.filter(pk__in=need_ids).update(
        title="",
        description="",
        resolution_proposed="",
        title_code="",
        title_params={},
        description_code="",
        description_params={},
    )
    apps.get_model("casework", "Notification").objects.filter(need_id__in=need_ids).update(
        note="", note_code="", note_params={}
    )
    apps.get_model("casework", "NeedEvent").objects.filter(need_id__in=need_ids).update(
        note="", note_code="", note_params={}, detail={}
    )
    apps.get_model("casework", "Referral").objects.filter(need_id__in=need_ids).update(
        note="", decline_reason="", outcome=""
    )
    apps.get_model("casework", "Assistance").objects.filter(need_id__in=need_ids).update(
        description=""
    )
    apps.get_model("casework", "Feedback").objects.filter(need_id__in=need_ids).update(comment="")


def _households_anonymise_batch(ids: list[int], now: dt.datetime) -> None:
    Household = apps.get_model("registry", "Household")
    Resident = apps.get_model("registry", "Resident")
    Household.objects.filter(pk__in=ids).update(
        household_no=Concat(Value("anon-"), Cast("pk", CharField())),
        address="",
        latitude=None,
        longitude=None,
        phone="",
        languages="",
        anonymised_at=now,
    )
    Resident.objects.filter(household_id__in=ids).update(
        name="",
        # The name's pinyin and Latin spelling are the name too (registry.search_keys).
        name_search="",
        phone="",
        id_number=None,
        birth_date=TruncYear("birth_date"),
        occupation="",
        skills="",
    )
    ConsentChange.objects.filter(household_id__in=ids).update(note="")
    CorrectionRequest.objects.filter(household_id__in=ids).update(message="", answer="")
    _casework_text_clear(Q(household_id__in=ids), ids)
    for anonymiser in _anonymisers:
        anonymiser(ids)
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                action=AuditAction.ANONYMISE,
                object_type="household",
                object_id=str(pk),
                household_id=pk,
                channel=CHANNEL,
                detail={"rule": "left_programme"},
            )
            for pk in ids
        ]
    )


def households_anonymise(*, today: dt.date | None = None, batch_size: int = 1000) -> int:
    """Anonymise every household past retention, batch by batch. Returns how many."""
    cutoff = retention_cutoff(today)
    done = 0
    while True:
        with transaction.atomic():
            ids = list(
                households_due(cutoff).order_by("pk").values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return done
            _households_anonymise_batch(ids, timezone.now())
        done += len(ids)


def closed_needs_anonymise(*, today: dt.date | None = None, batch_size: int = 1000) -> int:
    """Clear the free text of cases closed before the cutoff (households still in the
    programme; those that left are handled whole). Returns how many needs."""
    Need = _model("casework.Need")
    if Need is None:
        return 0
    cutoff = retention_cutoff(today)
    start = timezone.make_aware(dt.datetime.combine(cutoff, dt.time.min))
    closed = Q(status="confirmed", confirmed_at__lt=start) | Q(
        status="resolved", resolved_at__lt=start
    )
    done = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            ids = list(
                Need.objects.filter(closed, pk__gt=last_pk)
                .exclude(title="", description="")
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return done
            _casework_text_clear(Q(pk__in=ids), None)
            AuditEvent.objects.bulk_create(
                [
                    AuditEvent(
                        action=AuditAction.ANONYMISE,
                        object_type="need",
                        object_id=str(pk),
                        household_id=household_id,
                        channel=CHANNEL,
                        detail={"rule": "closed_case"},
                    )
                    for pk, household_id in Need.objects.filter(pk__in=ids).values_list(
                        "pk", "household_id"
                    )
                ]
            )
        done += len(ids)
        last_pk = ids[-1]


def closed_calls_anonymise(*, today: dt.date | None = None, batch_size: int = 1000) -> int:
    """Duty-room calls closed before the cutoff lose their caller's name, phone and
    e-mail, and their free text (issue 18: callers were never anonymised). The call
    keeps its place, category, urgency and times, so the duty room's figures stay."""
    Call = _model("hotline.Call")
    if Call is None:
        return 0
    cutoff = retention_cutoff(today)
    start = timezone.make_aware(dt.datetime.combine(cutoff, dt.time.min))
    done = 0
    while True:
        with transaction.atomic():
            ids = list(
                Call.objects.filter(closed_at__lt=start)
                .exclude(caller_name="", caller_phone="", contact_email="", description="")
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return done
            Call.objects.filter(pk__in=ids).update(
                caller_name="",
                caller_phone="",
                contact_email="",
                caller_resident=None,
                description="",
                public_note="",
            )
            AuditEvent.objects.bulk_create(
                [
                    AuditEvent(
                        action=AuditAction.ANONYMISE,
                        object_type="call",
                        object_id=str(pk),
                        channel=CHANNEL,
                        detail={"rule": "closed_call"},
                    )
                    for pk in ids
                ]
            )
        done += len(ids)


def anonymise_expired(*, today: dt.date | None = None, batch_size: int = 1000) -> dict[str, int]:
    return {
        "households": households_anonymise(today=today, batch_size=batch_size),
        "needs": closed_needs_anonymise(today=today, batch_size=batch_size),
        "calls": closed_calls_anonymise(today=today, batch_size=batch_size),
    }
