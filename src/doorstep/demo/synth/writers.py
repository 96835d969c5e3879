"""Writing a region: to the database in chunks through core.bulk (COPY on PostgreSQL)
with bounded memory, or as an import file (synth_csv)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TextIO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from doorstep.accounts.models import User
from doorstep.areas.models import Area, AreaLevel
from doorstep.core.bulk import allocate_ids, analyze, bulk_insert
from doorstep.demo.synth.people import region_households
from doorstep.demo.synth.planning import plan_region
from doorstep.demo.synth.staff import leader_rows, worker_rows
from doorstep.demo.synth.tables import (
    CSV_COLUMNS,
    HOUSEHOLD_FIELDS,
    RESIDENT_FIELDS,
    USER_FIELDS,
    SynthError,
    SynthResult,
)
from doorstep.registry.models import (
    Household,
    HouseholdVulnerability,
    Resident,
)
from doorstep.registry.search_keys import name_search_key

# --- writers ----------------------------------------------------------------------


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _taken_ids(county_code: str) -> set[str]:
    return set(
        Resident.objects.filter(id_number__startswith=county_code).values_list(
            "id_number", flat=True
        )
    )


def _next_worker_number() -> int:
    last = (
        User.objects.filter(username__regex=r"^w[0-9]{7}$")
        .order_by("-username")
        .values_list("username", flat=True)
        .first()
    )
    return int(last[1:]) + 1 if last else 1


def synth_region(
    *,
    households: int,
    workers: int,
    seed: int,
    roots: Iterable[Area] | None = None,
    fixed: dict[str, int] | None = None,
    chunk_size: int = 10_000,
    progress: bool = False,
) -> SynthResult:
    """Generate into the database: all or nothing, memory bounded by one chunk."""
    from tqdm import tqdm

    plans = plan_region(households=households, workers=workers, seed=seed, roots=roots, fixed=fixed)
    area_ids = [p.area_id for p in plans] + [g.area_id for p in plans for g in p.grids]
    if Household.objects.filter(area_id__in=area_ids).exists():
        raise SynthError(
            gettext("Households exist in these villages already: synth fills empty villages only.")
        )
    # Households carry their area's path (Household.area_path); villages and grids only.
    area_paths = dict(
        Area.objects.filter(level__in=[AreaLevel.VILLAGE, AreaLevel.GRID]).values_list("pk", "path")
    )
    now = timezone.now().isoformat()
    result = SynthResult(villages=sum(1 for p in plans if p.households))
    taken = _taken_ids if Resident.objects.exists() else None
    bar = tqdm(total=households + workers, unit=" rows", disable=not progress, smoothing=0.05)
    with transaction.atomic():
        # Points made up for villages and grids are kept, flagged as generated.
        generated = [p for p in plans if p.coordinates_generated]
        generated += [g for p in plans for g in p.grids if g.coordinates_generated]
        Area.objects.bulk_update(
            [
                Area(
                    pk=p.area_id,
                    latitude=p.latitude,
                    longitude=p.longitude,
                    coordinates_generated=True,
                )
                for p in generated
            ],
            ["latitude", "longitude", "coordinates_generated"],
            batch_size=1000,
        )
        for chunk in _chunks(region_households(plans, seed=seed, taken_ids=taken), chunk_size):
            ids = allocate_ids(Household, len(chunk))
            bulk_insert(
                Household,
                HOUSEHOLD_FIELDS,
                (
                    (
                        hid,
                        h.household_no,
                        h.area_id,
                        area_paths[h.area_id],
                        h.address,
                        h.latitude,
                        h.longitude,
                        h.phone,
                        h.languages,
                        h.annual_income,
                        now,
                        now,
                        1,
                    )
                    for hid, h in zip(ids, chunk, strict=True)
                ),
            )
            # Residents' ids drawn here, so that a person's category names its resident.
            resident_ids = iter(allocate_ids(Resident, sum(len(h.residents) for h in chunk)))
            member_ids = [[next(resident_ids) for _p in h.residents] for h in chunk]
            result.residents += bulk_insert(
                Resident,
                ["id", *RESIDENT_FIELDS],
                (
                    (rid, hid, *p, name_search_key(p.name), now, now)
                    for hid, h, members in zip(ids, chunk, member_ids, strict=True)
                    for rid, p in zip(members, h.residents, strict=True)
                ),
            )
            vulns = [
                (hid, None if j is None else members[j], v)
                for hid, h, members in zip(ids, chunk, member_ids, strict=True)
                for v, j in zip(h.vulnerabilities, h.vulnerability_members, strict=True)
            ]
            result.vulnerabilities += bulk_insert(
                HouseholdVulnerability, ["household", "resident", "category"], vulns
            )
            for _, _, category in vulns:
                result.counts_by_category[category] = result.counts_by_category.get(category, 0) + 1
            result.households += len(chunk)
            bar.update(len(chunk))
        existing = set(
            User.objects.filter(username__regex=r"^(tl|sv)[0-9]{6,}$").values_list(
                "username", flat=True
            )
        )
        leaders = leader_rows(plans, seed=seed, now=now, existing=existing)
        result.leaders = bulk_insert(User, USER_FIELDS, leaders)
        first = _next_worker_number()
        for chunk in _chunks(worker_rows(plans, seed=seed, first_number=first, now=now), 50_000):
            result.workers += bulk_insert(User, USER_FIELDS, chunk)
            bar.update(len(chunk))
    bar.close()
    analyze(Household, Resident, HouseholdVulnerability, User, Area)
    return result


def synth_csv(
    out: TextIO,
    *,
    households: int,
    seed: int,
    roots: Iterable[Area] | None = None,
    fixed: dict[str, int] | None = None,
    progress: bool = False,
) -> SynthResult:
    """Write the households synth_region would create, in the import CSV format.

    Household-level columns are on the head's row (the first of each household)."""
    from tqdm import tqdm

    plans = plan_region(households=households, workers=0, seed=seed, roots=roots, fixed=fixed)
    result = SynthResult(villages=sum(1 for p in plans if p.households))
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    with tqdm(total=households, unit=" households", disable=not progress) as bar:
        for h in region_households(plans, seed=seed):
            # The household's categories on the head's row, a person's on their row.
            cells: dict[int, list[str]] = {}
            for v, who in zip(h.vulnerabilities, h.vulnerability_members, strict=True):
                cells.setdefault(0 if who is None else who, []).append(v)
            for j, p in enumerate(h.residents):
                if j == 0:
                    extra = (
                        h.area_code,
                        h.address,
                        h.longitude,
                        h.latitude,
                        h.annual_income,
                        ";".join(cells.get(0, [])),
                        h.languages,
                    )
                else:
                    extra = ("", "", "", "", "", ";".join(cells.get(j, [])), "")
                writer.writerow(
                    (
                        h.household_no,
                        p.name,
                        p.relationship,
                        p.sex,
                        p.birth_date,
                        p.id_number or "",
                        p.phone,
                        *extra,
                    )
                )
                result.residents += 1
            result.households += 1
            result.vulnerabilities += len(h.vulnerabilities)
            bar.update(1)
    return result
