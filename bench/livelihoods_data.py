"""Livelihoods data at full scale on top of a synthetic region, for
bench/livelihoods_bench.py.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/livelihoods_full \\
        .venv/bin/python bench/livelihoods_data.py [--seekers-every 3] [--seed 5]

The database must hold `manage.py synth` (and, for needs, bench/casework_data.py's
pairings) and be migrated. This adds, through core.bulk.bulk_insert (COPY on
PostgreSQL), streaming with bounded memory:

- two years of income for every household (last year and this year, wages and
  farming): a HouseholdYear row per year and two IncomeRecord rows per year. Most
  families are steady or better; about 6% fall by 40%, 4% are under the threshold,
  2% spend more than a third of their income on medicine;
- life events for about 1% of the households, half of them in the last 90 days;
- a job-seeker profile for every `--seekers-every`-th resident of working age, with
  two or three skills, the household's coordinates and a few preferences;
- 20 employers and 200 openings per county.

Refuses to run twice (it checks for HouseholdYear rows). Reproducible from `--seed`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doorstep.settings")
os.environ.setdefault("DEBUG", "0")

STREAM = 20000


def _log(message: str, started: float) -> None:
    print(f"[{time.monotonic() - started:7.1f}s] {message}", flush=True)


def main() -> int:
    import django

    django.setup()
    from django.db import connection, transaction

    from doorstep.areas.models import Area, AreaLevel
    from doorstep.core.bulk import allocate_ids, bulk_insert
    from doorstep.livelihoods.models import (
        Employer,
        HouseholdYear,
        IncomeRecord,
        JobOpening,
        JobSeeker,
        JobSeekerSkill,
        LifeEvent,
        Skill,
    )
    from doorstep.livelihoods.services.common import birth_date_bounds

    parser = argparse.ArgumentParser()
    parser.add_argument("--seekers-every", type=int, default=3)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    started = time.monotonic()
    today = dt.date.today()
    this_year, last_year = today.year, today.year - 1
    if HouseholdYear.objects.exists():
        print("HouseholdYear rows exist already: refusing to add them twice.")
        return 1

    def households():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM registry_household")
            total = cursor.fetchone()[0]
        _log(f"{total:,} households", started)
        last = 0
        while True:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT h.id, (SELECT count(*) FROM registry_resident r WHERE r.household_id = h.id)"
                    " FROM registry_household h WHERE h.id > %s ORDER BY h.id LIMIT %s",
                    [last, STREAM],
                )
                rows = cursor.fetchall()
            if not rows:
                return
            yield from rows
            last = rows[-1][0]

    # 1. Income: HouseholdYear and IncomeRecord rows, two years.
    year_rows: list[tuple] = []
    record_rows: list[tuple] = []
    events: list[tuple] = []
    n = 0
    stamp = django.utils.timezone.now()
    with transaction.atomic():
        for household_id, members in households():
            members = max(members, 1)
            r = rng.random()
            base = rng.randint(9000, 20000) * members
            if r < 0.06:
                now = int(base * 0.55)  # a fall of 45%
            elif r < 0.10:
                base = now = rng.randint(3000, 7000) * members  # under the line both years
            else:
                now = int(base * rng.uniform(0.95, 1.15))
            medical = 0
            if rng.random() < 0.02:
                medical = int(now * rng.uniform(0.35, 0.8))
            elif rng.random() < 0.2:
                medical = int(now * rng.uniform(0.0, 0.1))
            for year, total, spend in ((last_year, base, 0), (this_year, now, medical)):
                wages = int(total * 0.6)
                year_rows.append(
                    (
                        household_id,
                        year,
                        members,
                        Decimal(total),
                        (Decimal(total) / members).quantize(Decimal("0.01")),
                        Decimal(spend),
                        2,
                    )
                )
                record_rows.append((household_id, year, "wages", Decimal(wages), stamp))
                record_rows.append((household_id, year, "farming", Decimal(total - wages), stamp))
            if rng.random() < 0.01:
                kind = rng.choice(["serious_illness", "disability", "job_lost", "disaster"])
                days = rng.randint(1, 80) if rng.random() < 0.5 else rng.randint(100, 700)
                events.append((household_id, kind, today - dt.timedelta(days=days), ""))
            n += 1
            if len(year_rows) >= STREAM:
                bulk_insert(
                    HouseholdYear,
                    [
                        "household_id",
                        "year",
                        "members",
                        "income_total",
                        "income_per_person",
                        "medical_spending",
                        "sources",
                    ],
                    year_rows,
                )
                bulk_insert(
                    IncomeRecord,
                    ["household_id", "year", "source", "amount", "recorded_at"],
                    record_rows,
                )
                year_rows, record_rows = [], []
                if n % 200000 < STREAM // 2:
                    _log(f"{n:,} households with income", started)
        bulk_insert(
            HouseholdYear,
            [
                "household_id",
                "year",
                "members",
                "income_total",
                "income_per_person",
                "medical_spending",
                "sources",
            ],
            year_rows,
        )
        bulk_insert(
            IncomeRecord, ["household_id", "year", "source", "amount", "recorded_at"], record_rows
        )
        now_ts = django.utils.timezone.now()
        bulk_insert(
            LifeEvent,
            ["household_id", "kind", "occurred_on", "note", "recorded_at"],
            [(*e, now_ts) for e in events],
        )
    _log(
        f"{n:,} households: {2 * n:,} household years, {4 * n:,} income records, "
        f"{len(events):,} life events",
        started,
    )

    # 2. Job seekers: every k-th resident of working age, with the household's place.
    born_after, born_by = birth_date_bounds(today)
    skills = list(Skill.objects.values_list("pk", flat=True))
    seekers = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.id, r.household_id, r.birth_date, h.area_path, h.latitude, h.longitude"
            " FROM registry_resident r JOIN registry_household h ON h.id = r.household_id"
            " WHERE r.birth_date > %s AND r.birth_date <= %s AND r.id %% %s = 0",
            [born_after, born_by, args.seekers_every],
        )
        rows = cursor.fetchall()
        _log(f"{len(rows):,} residents of working age picked", started)
        ids = allocate_ids(JobSeeker, len(rows))
        stamp = django.utils.timezone.now()
        seeker_rows, skill_rows = [], []
        for pk, (resident_id, household_id, birth, path, lat, lon) in zip(ids, rows, strict=True):
            seeker_rows.append(
                (
                    pk,
                    resident_id,
                    household_id,
                    path,
                    lat,
                    lon,
                    birth,
                    rng.choice(["zh,ug", "ug", "zh", "zh,kk"]),
                    rng.choice(["", "full_time", "full_time,seasonal", "part_time"]),
                    Decimal(rng.choice([0, 2000, 2500, 3000, 4000])),
                    rng.choice([10, 20, 30, 50, 100]),
                    True,
                    "",
                    stamp,
                )
            )
            for skill in rng.sample(skills, rng.randint(2, 3)):
                skill_rows.append((pk, skill))
        bulk_insert(
            JobSeeker,
            [
                "id",
                "resident_id",
                "household_id",
                "area_path",
                "latitude",
                "longitude",
                "birth_date",
                "languages",
                "work_types",
                "min_wage",
                "max_distance_km",
                "is_looking",
                "notes",
                "updated_at",
            ],
            seeker_rows,
        )
        bulk_insert(JobSeekerSkill, ["seeker_id", "skill_id"], skill_rows)
        # The bit mask matching reads (services.jobs keeps it for seekers saved by hand).
        cursor.execute(
            "UPDATE livelihoods_jobseeker s SET skill_mask = m.mask FROM ("
            "SELECT seeker_id, bit_or(1::bigint << skill_id::int) AS mask"
            " FROM livelihoods_jobseekerskill WHERE skill_id <= 62 GROUP BY seeker_id) m"
            " WHERE m.seeker_id = s.id"
        )
        seekers = len(seeker_rows)
    _log(f"{seekers:,} job seekers, {len(skill_rows):,} skills", started)

    # 3. Employers and openings per county.
    counties = list(Area.objects.filter(level=AreaLevel.COUNTY))
    openings = 0
    with transaction.atomic():
        for county in counties:
            villages = list(
                Area.objects.filter(path__startswith=county.path, level=AreaLevel.VILLAGE).exclude(
                    latitude=None
                )[:200]
            )
            if not villages:
                continue
            for e in range(20):
                place = rng.choice(villages)
                employer = Employer.objects.create(
                    name=f"{county.name}企业{e + 1}",
                    kind="company",
                    area=place,
                    area_path=place.path,
                    latitude=place.latitude,
                    longitude=place.longitude,
                )
                for o in range(10):
                    opening = JobOpening.objects.create(
                        employer=employer,
                        title=f"岗位{e + 1}-{o + 1}",
                        area=place,
                        area_path=place.path,
                        latitude=place.latitude,
                        longitude=place.longitude,
                        wage_monthly=Decimal(rng.choice([2500, 3000, 3500, 4500])),
                        posts=rng.randint(1, 20),
                        starts_on=today,
                        closes_on=today + dt.timedelta(days=60),
                        work_type=rng.choice(["full_time", "seasonal", "part_time"]),
                        languages=rng.choice(["", "ug", "zh"]),
                    )
                    opening.skills.set(rng.sample(skills, rng.randint(1, 3)))
                    openings += 1
    with connection.cursor() as cursor:
        for table in (
            "livelihoods_householdyear",
            "livelihoods_incomerecord",
            "livelihoods_lifeevent",
            "livelihoods_jobseeker",
            "livelihoods_jobseekerskill",
        ):
            cursor.execute(f"ANALYZE {table}")
    _log(f"{len(counties)} counties, {openings:,} openings", started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
