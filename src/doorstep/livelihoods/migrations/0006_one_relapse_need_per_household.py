"""Existing data: the relapse watch used to open one need per flag (one household got
four). Open flags of a household whose needs are still unresolved now share one need
per household (the oldest); the others are resolved with a note naming the need that
carries on, so no case is lost and the worker's list shows one need per episode."""

from django.db import migrations
from django.db.models import F
from django.utils import timezone

UNRESOLVED = ("open", "reopened", "acknowledged", "in_progress")


def merge(apps, schema_editor):
    Flag = apps.get_model("livelihoods", "RelapseFlag")
    Need = apps.get_model("casework", "Need")
    Event = apps.get_model("casework", "NeedEvent")
    now = timezone.now()
    rows = (
        Flag.objects.filter(status="open", need__isnull=False, need__status__in=UNRESOLVED)
        .order_by("household_id", "need__opened_at", "need_id")
        .values_list("household_id", "need_id")
    )
    by_household: dict[int, list[int]] = {}
    for household_id, need_id in rows:
        needs = by_household.setdefault(household_id, [])
        if need_id not in needs:
            needs.append(need_id)
    for household_id, needs in by_household.items():
        if len(needs) < 2:
            continue
        keep, others = needs[0], needs[1:]
        Flag.objects.filter(household_id=household_id, status="open", need_id__in=others).update(
            need_id=keep
        )
        for need in Need.objects.filter(pk__in=others):
            Event.objects.create(
                need_id=need.pk,
                kind="resolved",
                at=now,
                note=f"Merged into need no. {keep} (one relapse-watch need per household).",
                from_status=need.status,
                to_status="resolved",
                detail={"merged_into": keep},
            )
        Need.objects.filter(pk__in=others).update(
            status="resolved", resolved_at=now, version=F("version") + 1
        )
        Event.objects.create(
            need_id=keep,
            kind="note",
            at=now,
            note="Relapse-watch needs of this household merged: " + ", ".join(map(str, others)),
            detail={"merged": others},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("livelihoods", "0005_help_linked_to_needs_and_monthly_income"),
        ("casework", "0011_referral_outcomes_and_notifications"),
    ]

    operations = [migrations.RunPython(merge, migrations.RunPython.noop)]
