"""Dashboards at full scale: the summaries' refresh time, then the region's and a
county's dashboard (page and API), and a team's quarterly report.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/insights_full \\
        .venv/bin/python bench/insights_latency.py [--runs 30] [--skip-refresh]

On a copy of region_full filled by bench/insights_data.py. Requests go through
Django's test client in this process (the whole view, template and middleware, no
network), signed in as the region's administrator and as the largest county's
supervisor. Writes only to the database it is pointed at (a bench administrator, the
summaries).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doorstep.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")


def _ms(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    return (
        f"p50 {statistics.median(samples) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
        f"max {samples[-1] * 1000:.0f} ms"
    )


def _time(client, url: str, runs: int, **params) -> list[float]:
    response = client.get(url, params)  # warm: sessions, caches, plans
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url, params)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200
    return samples


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--skip-refresh", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from doorstep.accounts.models import Role, User
    from doorstep.accounts.two_factor import SESSION_KEY
    from doorstep.areas.models import Area, AreaLevel
    from doorstep.insights import rollup
    from doorstep.insights.models import AreaDay, AreaDayResolve, AreaDayUnit, AreaSnapshot
    from doorstep.insights.periods import quarter_of
    from doorstep.registry.models import Household

    print(f"load before: {os.getloadavg()}", flush=True)
    today = timezone.localdate()
    if not args.skip_refresh:
        run = rollup.refresh(
            first_day=today - dt.timedelta(days=rollup.NIGHTLY_DAYS - 1),
            last_day=today,
            today=today,
        )
        print(f"refresh, {rollup.NIGHTLY_DAYS} days (nightly): {run.seconds:.1f} s", flush=True)
        run = rollup.refresh_recent()
        print(f"refresh, {rollup.RECENT_DAYS} days (every 15 min): {run.seconds:.1f} s", flush=True)
    print(
        f"rows: area-days {AreaDay.objects.count():,}, resolve buckets "
        f"{AreaDayResolve.objects.count():,}, departments {AreaDayUnit.objects.count():,}, "
        f"snapshots {AreaSnapshot.objects.count():,}",
        flush=True,
    )

    # The region with the most households, and its largest county.
    region = max(
        Area.objects.filter(level=AreaLevel.REGION),
        key=lambda a: Household.objects.within(a).count(),
    )
    counties = Household.objects.within(region).values("area_path").annotate(n=Count("pk"))
    by_county: dict[str, int] = {}
    for row in counties:
        parts = row["area_path"].strip("/").split("/")
        if len(parts) >= 3:
            by_county[parts[2]] = by_county.get(parts[2], 0) + row["n"]
    county = Area.objects.get(pk=int(max(by_county, key=by_county.get)))
    admin, _ = User.objects.get_or_create(
        username="bench_insights_admin", defaults={"role": Role.ADMIN, "area": region}
    )
    supervisor = User.objects.filter(role=Role.SUPERVISOR, area=county).first()
    if supervisor is None:
        supervisor = User.objects.create(
            username="bench_insights_sup", role=Role.SUPERVISOR, area=county
        )
    print(
        f"region {region.name}: {Household.objects.within(region).count():,} households; "
        f"county {county.name}: {by_county[str(county.pk)]:,} households",
        flush=True,
    )

    period = {"period": "quarter", "date": today.isoformat()}
    year = {"period": "year", "date": today.isoformat()}

    def signed_in(user):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        # The second factor, as if the code had been given (accounts.two_factor).
        session = client.session
        session[SESSION_KEY] = user.pk
        session.save()
        return client

    for label, user, area in (("region", admin, region), ("county", supervisor, county)):
        client = signed_in(user)
        page = f"/insights/areas/{area.pk}/"
        api = f"/api/v1/insights/areas/{area.pk}/dashboard"
        print(f"{label} page, quarter: {_ms(_time(client, page, args.runs, **period))}", flush=True)
        print(f"{label} page, year:    {_ms(_time(client, page, args.runs, **year))}", flush=True)
        print(f"{label} API, quarter:  {_ms(_time(client, api, args.runs, **period))}", flush=True)
        print(
            f"{label} map API:       "
            f"{_ms(_time(client, f'/api/v1/insights/areas/{area.pk}/map', max(5, args.runs // 3)))}",
            flush=True,
        )

    team = Area.objects.filter(
        pk__in=User.objects.filter(
            role=Role.TEAM_LEADER, area__path__startswith=county.path
        ).values("area_id")
    ).first()
    if team is not None:
        client = signed_in(supervisor)
        q = quarter_of(today)
        report = f"/insights/teams/{team.pk}/reports/{today.year}/q{q}/"
        print(f"team report page:      {_ms(_time(client, report, 5))}", flush=True)
        print(
            f"team report PDF:       {_ms(_time(client, report, 3, format='pdf', lang='zh-hans'))}",
            flush=True,
        )
        print(
            f"team report XLSX:      {_ms(_time(client, report, 3, format='xlsx', lang='ug'))}",
            flush=True,
        )
        annual = f"/insights/teams/{team.pk}/reports/{today.year}/"
        print(f"annual report page:    {_ms(_time(client, annual, 3))}", flush=True)
    print(f"load after: {os.getloadavg()}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
