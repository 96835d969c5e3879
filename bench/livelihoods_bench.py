"""Livelihoods at full scale: the nightly relapse evaluation of the whole region and
matching one opening against a county's job seekers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/livelihoods_full \\
        .venv/bin/python bench/livelihoods_bench.py [--matches 200] [--needs 2000]

On a copy of the synthetic region with bench/livelihoods_data.py's figures. Prints:
- the first nightly evaluation (every flag new) and a second one (steady state: the
  same facts, flags refreshed), each one transaction, wall-clock seconds;
- opening needs for the first `--needs` new flags (the per-flag part of the night, by
  need_open through casework), as needs a second;
- relapse evaluation of one household at once (what a recorded income costs), p50/p95;
- matching: `--matches` calls of matching.seekers_for_opening over the county with
  the most seekers, cycling through its openings, p50/p95/max in milliseconds.
Goals (issue 5): evaluation < 60 s; matching p95 < 200 ms.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doorstep.settings")
os.environ.setdefault("DEBUG", "0")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> int:
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count

    from doorstep.areas.models import Area, AreaLevel
    from doorstep.livelihoods.matching import seekers_for_opening
    from doorstep.livelihoods.models import JobOpening, RelapseFlag
    from doorstep.livelihoods.services.relapse import relapse_evaluate, relapse_open_needs

    parser = argparse.ArgumentParser()
    parser.add_argument("--matches", type=int, default=200)
    parser.add_argument("--needs", type=int, default=2000)
    parser.add_argument("--skip-evaluation", action="store_true")
    args = parser.parse_args()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM livelihoods_householdyear")
        years = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM livelihoods_jobseeker")
        seekers = cursor.fetchone()[0]
    print(f"household years: {years:,}; job seekers: {seekers:,}")

    if not args.skip_evaluation:
        for label in ("first run (all flags new)", "second run (steady state)"):
            t0 = time.perf_counter()
            result = relapse_evaluate()
            print(f"nightly evaluation, {label}: {time.perf_counter() - t0:.1f} s  {result}")
        print(
            "open flags by rule:",
            dict(
                RelapseFlag.objects.filter(status="open")
                .values_list("rule__kind")
                .annotate(n=Count("pk"))
                .order_by()
            ),
        )
        # Needs for new flags: a batch, as a rate (the night opens only the new ones).
        ids = list(
            RelapseFlag.objects.filter(status="open", need__isnull=True)
            .order_by("pk")
            .values_list("household_id", flat=True)[: args.needs]
        )
        t0 = time.perf_counter()
        opened = relapse_open_needs(household_ids=ids)
        seconds = time.perf_counter() - t0
        print(
            f"needs opened for {len(ids):,} flags: {opened:,} in {seconds:.1f} s ({opened / seconds:.0f}/s)"
        )

    # One household at once (income recorded on a page).
    sample = list(RelapseFlag.objects.order_by("?").values_list("household_id", flat=True)[:50])
    times = []
    for household_id in sample:
        t0 = time.perf_counter()
        relapse_evaluate(household_ids=[household_id])
        times.append((time.perf_counter() - t0) * 1000)
    if times:
        print(f"one household at once: p50 {pct(times, 50):.1f} ms, p95 {pct(times, 95):.1f} ms")

    # Matching: the county with the most seekers, its openings in turn.
    counties = {a.path: a for a in Area.objects.filter(level=AreaLevel.COUNTY)}
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT area_path FROM livelihoods_jobseeker TABLESAMPLE SYSTEM (2)")
        for (path,) in cursor.fetchall():
            for prefix in counties:
                if path.startswith(prefix):
                    counts[prefix] = counts.get(prefix, 0) + 1
    ranked = sorted(counts, key=counts.get)
    for label, path in (("largest", ranked[-1]), ("median", ranked[len(ranked) // 2])):
        county = counties[path]
        openings = list(
            JobOpening.objects.filter(area_path__startswith=path).select_related("area")[:50]
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM livelihoods_jobseeker WHERE is_looking AND area_path >= %s"
                " AND area_path < %s",
                [path, path[:-1] + "0"],
            )
            in_county = cursor.fetchone()[0]
        for opening in openings[:3]:  # warm
            seekers_for_opening(opening, area=county)
        times = []
        for i in range(args.matches):
            opening = openings[i % len(openings)]
            t0 = time.perf_counter()
            matches = seekers_for_opening(opening, area=county)
            times.append((time.perf_counter() - t0) * 1000)
        print(
            f"matching, {label} county ({county.name}, {in_county:,} seekers looking): "
            f"p50 {pct(times, 50):.0f} ms, p95 {pct(times, 95):.0f} ms, "
            f"max {max(times):.0f} ms over {len(times)} calls ({len(matches)} listed)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
