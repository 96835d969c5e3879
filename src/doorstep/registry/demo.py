"""The registry's part of `manage.py demo`.

Issue #13: a few of the demo worker's households show a person's category as the 0006
migration leaves it, given to the head and marked "to confirm", so the demo shows a
worker confirming or moving it.

Issue 17 (search like people search): synth writes Uyghur names in Han characters, so
one of the demo worker's households gains a member whose name is written in Uyghur
script, added through the service as a worker would; searching "gulnar" (its Latin
spelling), "晓兴" (part of a name) or "wxx" (initials) then finds something in the
demo."""

from __future__ import annotations

from doorstep.accounts.models import User
from doorstep.registry import services
from doorstep.registry.models import (
    PERSON_VULNERABILITIES,
    Household,
    HouseholdVulnerability,
    Relationship,
)

DEMO_WORKER = "demo_worker"
INFERRED = 4
# Names to search for in the demo (README of the search: docs/architecture.md).
UYGHUR_MEMBER = "گۈلنار مۇھەممەت"  # Latin: Gülnar Muhemmet, found by "gulnar"
HAN_MEMBER = "王晓兴"  # found by "晓兴", "wang xiaoxing", "wxx"


def registry_demo_load() -> int:
    """Mark up to INFERRED of the demo worker's village's members' categories as
    inferred and move them to the head, as the migration does; returns how many."""
    worker = User.objects.filter(username=DEMO_WORKER).select_related("area").first()
    if worker is None or worker.area is None:
        return 0
    households = Household.objects.within(worker.area)
    rows = list(
        HouseholdVulnerability.objects.filter(
            household__in=households.values("pk"),
            category__in=PERSON_VULNERABILITIES,
            resident__isnull=False,
        )
        .select_related("household")
        .order_by("household__household_no", "category")[: INFERRED * 3]
    )
    done = 0
    used: set[int] = set()
    for row in rows:
        if done >= INFERRED or row.household_id in used:
            continue
        head = row.household.residents.filter(relationship=Relationship.HEAD).first()
        if head is None:
            continue
        if (
            HouseholdVulnerability.objects.filter(resident=head, category=row.category)
            .exclude(pk=row.pk)
            .exists()
        ):
            continue
        row.resident, row.inferred = head, True
        row.save(update_fields=["resident", "inferred"])
        used.add(row.household_id)
        done += 1
    return done


def registry_search_demo_load() -> int:
    """Add UYGHUR_MEMBER and HAN_MEMBER to the first two households of the demo
    worker's village (once); returns how many were added."""
    worker = User.objects.filter(username=DEMO_WORKER).select_related("area").first()
    if worker is None or worker.area is None:
        return 0
    households = list(Household.objects.within(worker.area).order_by("household_no")[:2])
    added = 0
    for household, name, sex in zip(
        households, (UYGHUR_MEMBER, HAN_MEMBER), ("F", "M"), strict=False
    ):
        if household.residents.filter(name=name).exists():
            continue
        services.resident_create(
            actor=worker,
            household=household,
            channel="demo",
            name=name,
            sex=sex,
            relationship=Relationship.OTHER,
        )
        added += 1
    return added
