"""Retention, consent and the resident portal at full scale, on a copy of region_full.

    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE privacy_bench TEMPLATE region_full"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/privacy_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/privacy_bench \\
        .venv/bin/python bench/privacy_retention.py [--every 100] [--batch 1000]

What it does and measures (writes only into the database it is pointed at):

1. marks every `--every`-th household (1 % by default: 16,900) as having left the
   programme before the retention period, and counts households, needs and contacts
   by area (and needs by status) — the dashboards' figures;
2. times privacy.retention.households_anonymise over them (set-based batches);
3. counts again and checks that every figure is unchanged;
4. times a second run (nothing left to do: the partial index answers at once);
5. times the portal's reads for 200 residents (household, needs with timelines,
   contacts, who opened the record) — p50/p95 per resident;
6. times schedule_refresh of 5,000 households, which now also reads their consent.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doorstep.settings")
os.environ.setdefault("DEBUG", "0")


def _log(message: str, started: float) -> None:
    print(f"[{time.monotonic() - started:7.1f}s] {message}", flush=True)


def _p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main() -> int:
    import django

    parser = argparse.ArgumentParser()
    parser.add_argument("--every", type=int, default=100)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    django.setup()

    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from doorstep.casework.models import Contact, Need
    from doorstep.casework.services.schedule import schedule_refresh
    from doorstep.portal import selectors as portal
    from doorstep.privacy.retention import households_anonymise
    from doorstep.registry.models import Household, Resident

    if connection.vendor != "postgresql" or connection.settings_dict["NAME"] == "region_full":
        print("point DATABASE_URL at your own copy of region_full (PostgreSQL)")
        return 2
    started = time.monotonic()
    today = timezone.localdate()
    left_on = today - dt.timedelta(days=settings.DOORSTEP_RETENTION_DAYS + 1)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registry_household SET programme_status = 'left', left_on = %s "
            "WHERE id %% %s = 0 AND anonymised_at IS NULL",
            [left_on, args.every],
        )
        marked = cursor.rowcount
        cursor.execute("ANALYZE registry_household")
    _log(f"{marked:,} households marked as left on {left_on}", started)

    def figures():
        return (
            sorted(Household.objects.values_list("area_id").annotate(n=Count("id"))),
            sorted(
                Need.objects.values_list("household__area_id", "status").annotate(n=Count("id"))
            ),
            sorted(Contact.objects.values_list("household__area_id").annotate(n=Count("id"))),
        )

    before = figures()
    _log("dashboard figures counted (households, needs by status, contacts, by area)", started)

    t0 = time.monotonic()
    done = households_anonymise(batch_size=args.batch)
    seconds = time.monotonic() - t0
    _log(
        f"anonymised {done:,} households in {seconds:.1f} s "
        f"({done / seconds:,.0f}/s, batches of {args.batch})",
        started,
    )
    after = figures()
    assert after == before, "the dashboard figures changed"
    _log("figures unchanged after anonymisation", started)
    t0 = time.monotonic()
    again = households_anonymise(batch_size=args.batch)
    _log(f"second run: {again} households in {(time.monotonic() - t0) * 1000:.0f} ms", started)

    rng = random.Random(args.seed)
    max_id = Resident.objects.order_by("-id").values_list("id", flat=True).first()
    timings = []
    residents = 0
    while residents < 200:
        resident = (
            Resident.objects.select_related("household")
            .filter(id__gte=rng.randrange(1, max_id), household__anonymised_at__isnull=True)
            .order_by("id")
            .first()
        )
        if resident is None:
            continue
        t0 = time.monotonic()
        portal.own_household(resident, channel="bench:portal")
        needs = list(portal.own_needs(resident))
        for need in needs:
            list(need.events.all())
        portal.own_contacts(resident)
        portal.record_openings(resident)
        timings.append((time.monotonic() - t0) * 1000)
        residents += 1
    _log(
        f"portal home reads, 200 residents: p50 {statistics.median(timings):.1f} ms, "
        f"p95 {_p(timings, 0.95):.1f} ms, max {max(timings):.1f} ms",
        started,
    )

    ids = list(
        Household.objects.filter(anonymised_at__isnull=True)
        .order_by("?")
        .values_list("id", flat=True)[:5000]
    )
    t0 = time.monotonic()
    schedule_refresh(household_ids=ids)
    _log(
        f"schedule_refresh of 5,000 households (with the consent check): "
        f"{(time.monotonic() - t0) * 1000:.0f} ms",
        started,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
