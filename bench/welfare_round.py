"""Creating welfare-check rounds on a full-size region (docs/benchmarks.md,
"Welfare-check rounds").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/welfare_full \\
        .venv/bin/python bench/welfare_round.py [--unpair-share 0.02] [--keep]

The database must hold the synthetic region (`manage.py synth --households 1690000
--workers 1120000`) and bench/casework_data.py's pairings, migrated to the current
schema. It is written to: use a copy (CREATE DATABASE ... TEMPLATE region_full).

What it does, timing each step (services.welfare, the code the page and the API call):
1. with `--unpair-share S`, ends the active pairing of that share of households
   (every 1/S-th by id; once, the first run), so that the nearest-worker assignment
   has work to do: the synthetic region pairs every household;
2. a region round over every vulnerable resident (every vulnerability category),
   the issue's goal: < 30 s;
3. a round over the county with the most such residents (the issue: "tens of
   thousands ... in seconds");
4. the round pages' reads on the region round: coverage at the region and at one
   county, the map's data for that county, the residents not reached, and one
   worker's due items;
5. deletes the rounds it made unless `--keep`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doorstep.settings")
os.environ.setdefault("DEBUG", "0")


def _backend_cpu() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend (same host)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _timed(label: str, func, *args, **kwargs):
    """Wall time, and the CPU time of this process plus its database backend: on the
    shared 2-core machine the wall time depends on everyone's load, the CPU time
    much less (it is what an idle machine would take, for this single-threaded work)."""
    cpu, backend = time.process_time(), _backend_cpu()
    started = time.perf_counter()
    result = func(*args, **kwargs)
    elapsed = time.perf_counter() - started
    used = time.process_time() - cpu + _backend_cpu() - backend
    print(f"{label:<58} {elapsed * 1000:10.0f} ms  (CPU {used * 1000:8.0f} ms)", flush=True)
    return result, elapsed


def main() -> int:
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from doorstep.accounts.models import Role, User
    from doorstep.areas.models import Area, AreaLevel, subtree_range
    from doorstep.casework import selectors_welfare as sel
    from doorstep.casework.models import Pairing, WelfareCheck, WelfareRound
    from doorstep.casework.services import welfare as svc
    from doorstep.registry.models import Vulnerability

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--unpair-share", type=float, default=0.0)
    parser.add_argument("--keep", action="store_true", help="keep the rounds created")
    parser.add_argument("--region", default="65", help="code of the region (default Xinjiang)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("welfare_round.py needs PostgreSQL (DATABASE_URL=postgres://...)", file=sys.stderr)
        return 2
    if connection.settings_dict["NAME"] == "region_full":
        print("Never write into region_full: use a copy.", file=sys.stderr)
        return 2

    today = timezone.localdate()
    region = Area.objects.get(level=AreaLevel.REGION, code=args.region)
    supervisor, _ = User.objects.get_or_create(
        username="bench_welfare_supervisor",
        defaults={"role": Role.SUPERVISOR, "area": region, "is_active": True},
    )
    low, high = subtree_range(region.path)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM "
            "registry_householdvulnerability v WHERE v.household_id = h.id)) "
            "FROM registry_household h WHERE area_path >= %s AND area_path < %s",
            [low, high],
        )
        households, vulnerable = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM registry_resident r JOIN registry_household h "
            "ON h.id = r.household_id WHERE area_path >= %s AND area_path < %s",
            [low, high],
        )
        residents = cursor.fetchone()[0]
    active = Pairing.objects.active().count()
    print(
        f"{region.name}: {households:,} households, {residents:,} residents, {vulnerable:,} "
        f"vulnerable households; {active:,} active pairings in the database",
        flush=True,
    )
    if args.unpair_share > 0:
        step = max(int(round(1 / args.unpair_share)), 1)
        marker = today - dt.timedelta(days=1)
        if not Pairing.objects.filter(ended_on=marker).exists():
            with transaction.atomic():
                ended, _t = _timed(
                    f"end the pairing of every {step}th household",
                    lambda: (
                        Pairing.objects.active()
                        .extra(where=[f"household_id %% {step} = 0"])  # noqa: S610 - a literal int
                        .update(ended_on=marker)
                    ),
                )
            print(f"  {ended:,} pairings ended", flush=True)
        print(f"{Pairing.objects.active().count():,} active pairings now", flush=True)

    # Time the two phases apart as well as the whole.
    phases: dict[str, float] = {}
    for name in ("_insert_checks", "_assign_nearest"):
        original = getattr(svc, name)

        def wrapped(*a, _original=original, _name=name, **kw):
            started = time.perf_counter()
            try:
                return _original(*a, **kw)
            finally:
                phases[_name] = time.perf_counter() - started

        setattr(svc, name, wrapped)

    every = svc.RoundCriteria(categories=tuple(Vulnerability.values))

    def start(area, name):
        return svc.welfare_round_start(
            actor=supervisor,
            area=area,
            name=name,
            deadline=today + dt.timedelta(days=3),
            criteria=every,
            channel="bench",
        )

    # The URLconf loads every app's views on first use: not part of any timing here.
    from django.urls import reverse

    reverse("casework:welfare_rounds")
    created = []
    try:
        # Each start is its own transaction (welfare_round_start is atomic): the
        # timings include the commit.
        started, _t = _timed(
            "region round, every vulnerable resident (goal < 30 s)", start, region, "bench region"
        )
        created.append(started.welfare_round.pk)
        print(
            f"  {started.checks:,} checks; {started.nearest:,} households given the nearest "
            f"worker, {started.unassigned:,} checks without one; insert "
            f"{phases['_insert_checks']:.1f} s, nearest {phases['_assign_nearest']:.1f} s",
            flush=True,
        )
        region_round = started.welfare_round

        # The county with the most checks in the region round.
        by_county: dict[int, int] = {}
        coverage = sel.round_coverage(region_round, region)
        paths = dict(Area.objects.filter(pk__in=list(coverage.by_area)).values_list("pk", "path"))
        for area_id, tally in coverage.by_area.items():
            ids = [int(p) for p in paths[area_id].strip("/").split("/")]
            if len(ids) >= 3:
                by_county[ids[2]] = by_county.get(ids[2], 0) + tally.total
        county = Area.objects.get(pk=max(by_county, key=by_county.get))
        started_county, _t = _timed(
            f"county round ({county.name}), every vulnerable resident",
            start,
            county,
            "bench county",
        )
        created.append(started_county.welfare_round.pk)
        print(
            f"  {started_county.checks:,} checks; {started_county.nearest:,} nearest; insert "
            f"{phases['_insert_checks']:.2f} s, nearest {phases['_assign_nearest']:.2f} s",
            flush=True,
        )

        # Reads of the round pages, on the committed rounds.
        _timed(
            "coverage of the region round at the region", sel.round_coverage, region_round, region
        )
        county_coverage, _t = _timed(
            "coverage of the region round at the county", sel.round_coverage, region_round, county
        )
        township = county_coverage.children[0].area
        township_coverage, _t = _timed(
            "coverage at a township", sel.round_coverage, region_round, township
        )
        _timed("map data at the county (villages)", sel.round_map, region_round, county_coverage)
        _timed("map data at a township", sel.round_map, region_round, township_coverage)
        _timed(
            "residents not yet tried at the county (first 100)",
            lambda: list(
                sel.checks_to_escalate(supervisor, region_round, county, status="pending")[:100]
            ),
        )
        worker_id = (
            WelfareCheck.objects.filter(round=region_round, worker__isnull=False)
            .values_list("worker_id", flat=True)
            .first()
        )
        worker = User.objects.get(pk=worker_id)
        items, _t = _timed("one worker's due items", sel.welfare_due_items, worker, today)
        print(f"  {len(items)} items", flush=True)
    finally:
        if created and not args.keep:
            with transaction.atomic():
                WelfareCheck.objects.filter(round_id__in=created)._raw_delete(
                    WelfareCheck.objects.db
                )
                WelfareRound.objects.filter(pk__in=created).delete()
            print("rounds deleted (--keep keeps them)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
