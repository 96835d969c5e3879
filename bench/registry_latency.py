"""Latency of the household list, search and page on a full-size synthetic region.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/synth_helper_full \\
        .venv/bin/python bench/registry_latency.py [--requests 300] [--only NAME]

The database must hold `manage.py synth --households 1690000 --workers 1120000` (see
docs/benchmarks.md). Requests go through Django's test Client in-process, signed in
with force_login: URL routing, middleware, the scoped queries, template rendering
(or JSON for the API) are all timed; the network and a WSGI server are not. DEBUG is
off, as in production. Each scenario varies its parameters over households drawn
from the caller's scope, runs a few warm-up requests, then `--requests` timed ones,
and reports p50/p95/max in milliseconds. Goal: p95 under 50 ms.

The household page writes an audit event per view, as in production; the bench adds
one account, `bench_admin` (administrator of region 65), if it is missing.

Name search (issue 17, item 5) is timed as people type it, for every persona: part of
a head's name from its second character (the given name: "晓兴" of 王晓兴), its
toneless pinyin with a space after the family name ("wang xiaoxing"), the given
name's pinyin alone ("xiaoxing", anywhere in the name) and the initials ("wxx"). The
terms are made by registry.search_keys, as the search reads them. synth writes Uyghur
names in Han characters, so the Uyghur Latin spelling is not among the scenarios.

`--allow-sqlite --requests 2` runs every scenario on a database of a handful of
households (registry/tests/test_bench_registry_latency.py), so the harness cannot rot;
its figures mean nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doorstep.settings")
os.environ.setdefault("DEBUG", "0")


def main() -> int:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from doorstep.accounts.models import Role, User
    from doorstep.accounts.two_factor import SESSION_KEY
    from doorstep.areas.models import Area
    from doorstep.core.pagination import encode_cursor
    from doorstep.registry.models import Household, Resident
    from doorstep.registry.selectors import households_visible_to

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=30.0,
        help="stop a scenario after this long (slow ones then report fewer requests)",
    )
    parser.add_argument("--only", default="", help="run the scenarios whose name contains this")
    parser.add_argument(
        "--allow-sqlite",
        action="store_true",
        help="run on SQLite too (only to check the harness: its figures mean nothing)",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="instead of timing, print EXPLAIN ANALYZE of each scenario's slowest query",
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql" and not args.allow_sqlite:
        print("Run this on PostgreSQL (DATABASE_URL).", file=sys.stderr)
        return 2
    total = Household.objects.count()
    if total < 100_000:
        print(f"Only {total} households: fill the database with manage.py synth first.")
    setup_test_environment()  # lets the test Client use the "testserver" host
    rnd = random.Random(args.seed)

    # Personas: the first worker of the largest county's busiest village, the
    # supervisor of that county, and an administrator of the Xinjiang region.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT area_id FROM registry_household GROUP BY area_id ORDER BY count(*) DESC LIMIT 1"
        )
        busiest_area = Area.objects.get(pk=cursor.fetchone()[0])
    village = busiest_area if busiest_area.level == "village" else busiest_area.parent
    worker = User.objects.filter(role=Role.WORKER, area=village).order_by("username").first()
    county = next(a for a in village.ancestors() if a.level == "county")
    supervisor = User.objects.filter(role=Role.SUPERVISOR, area=county).first()
    region = Area.objects.get(code="65")
    admin, _ = User.objects.get_or_create(
        username="bench_admin", defaults={"role": Role.ADMIN, "area": region, "password": "!"}
    )
    personas = {"worker": worker, "supervisor": supervisor, "admin": admin}
    clients = {}
    for name, user in personas.items():
        client = Client()
        client.force_login(user)
        # The second factor supervisors and administrators need, as if the code had
        # been given (accounts.two_factor); without it every page is a 302 to it.
        session = client.session
        session[SESSION_KEY] = user.pk
        session.save()
        clients[name] = client

    def sample_households(user, n: int) -> list[Household]:
        """n households of the user's scope, spread over it (random pk, next in scope)."""
        scope = households_visible_to(user)
        pks = Household.objects.order_by("pk").values_list("pk", flat=True)
        low, high = pks.first(), pks.last()
        out: list[Household] = []
        if scope.count() < 5000:
            rows = list(scope)
            return [rnd.choice(rows) for _ in range(n)]
        while len(out) < n:
            h = scope.filter(pk__gte=rnd.randint(low, high)).order_by("pk").first()
            if h is not None:
                out.append(h)
        return out

    samples = {name: sample_households(user, 60) for name, user in personas.items()}

    def heads_of(households: list[Household]) -> list[Resident]:
        return list(
            Resident.objects.filter(household__in=households, relationship="head").order_by("id")
        )

    def deep_cursor(households: list[Household]) -> Callable[[], str]:
        # A cursor just before a household deep in the scope's list (the list's key is
        # (area_path, household_no)).
        return lambda: encode_cursor([(h := rnd.choice(households)).area_path, h.household_no])

    scenarios: list[tuple[str, str, Callable[[], tuple[str, dict]]]] = []
    for name in personas:
        hh = samples[name]
        cur = deep_cursor(hh)
        scenarios += [
            (f"list first page ({name})", name, lambda: ("/households/", {})),
            (f"list deep page ({name})", name, lambda cur=cur: ("/households/", {"cursor": cur()})),
            (
                f"API list first page ({name})",
                name,
                lambda: ("/api/v1/households", {}),
            ),
            (
                f"API list deep page ({name})",
                name,
                lambda cur=cur: ("/api/v1/households", {"cursor": cur()}),
            ),
            (
                f"filter five-guarantee ({name})",
                name,
                lambda: ("/households/", {"vulnerability": "five_guarantee"}),
            ),
            (
                f"filter low income ({name})",
                name,
                lambda: ("/households/", {"vulnerability": "low_income"}),
            ),
        ]
    for name in ("supervisor", "admin"):
        hh = samples[name]
        heads = heads_of(hh)
        phones = [h.phone for h in hh if h.phone]
        scenarios += [
            (
                f"search full name ({name})",
                name,
                lambda heads=heads: ("/households/", {"q": rnd.choice(heads).name}),
            ),
            (
                f"search name prefix ({name})",
                name,
                lambda heads=heads: ("/households/", {"q": rnd.choice(heads).name[:2]}),
            ),
            (
                f"search phone ({name})",
                name,
                lambda phones=phones: ("/households/", {"q": rnd.choice(phones)}),
            ),
            (
                f"search household number ({name})",
                name,
                lambda hh=hh: ("/households/", {"q": rnd.choice(hh).household_no}),
            ),
        ]
    for name in personas:
        terms = [name_terms(h.name) for h in heads_of(samples[name]) if len(h.name) >= 2]
        for kind in ("partial name", "pinyin with a space", "given name pinyin", "initials"):
            scenarios.append(
                (
                    f"search {kind} ({name})",
                    name,
                    lambda terms=terms, kind=kind: (
                        "/households/",
                        {"q": rnd.choice(terms)[kind]},
                    ),
                )
            )
    for name in ("worker", "supervisor"):
        hh = samples[name]
        scenarios.append(
            (
                f"household page ({name})",
                name,
                lambda hh=hh: (f"/households/{rnd.choice(hh).pk}/", {}),
            )
        )

    print(
        f"{total} households; worker {worker.username} in {village.name} ({village.code}), "
        f"supervisor {supervisor.username} of {county.name}, admin of {region.name}; "
        f"{args.requests} requests per scenario"
    )
    print()
    print("| scenario | requests | p50 ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    failures = 0
    for label, persona, make in scenarios:
        if args.only and args.only not in label:
            continue
        client = clients[persona]
        if args.explain:
            explain(label, client, *make())
            continue
        timings = []
        deadline = time.monotonic() + args.max_seconds
        for i in range(args.warmup + args.requests):
            if time.monotonic() > deadline:
                break
            path, params = make()
            started = time.perf_counter()
            response = client.get(path, params)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                print(f"  {label}: {path} {params} answered {response.status_code}")
                failures += 1
                break
            if i >= args.warmup:
                timings.append(elapsed)
        if not timings:
            continue
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        flag = "" if p95 < 50 else " ⚠"
        print(
            f"| {label} | {len(timings)} | {statistics.median(timings):.1f} | {p95:.1f}{flag} "
            f"| {timings[-1]:.1f} |"
        )
    return 1 if failures else 0


def name_terms(name: str) -> dict[str, str]:
    """What a person types to find `name`, by registry.search_keys' own reading of a
    Han name (one character at a time, default readings)."""
    from doorstep.registry.search_keys import compact, han_syllables

    base = compact(name)
    syllables = han_syllables(base)
    return {
        "partial name": base[1:],
        "pinyin with a space": syllables[0] + " " + "".join(syllables[1:]),
        "given name pinyin": "".join(syllables[1:]),
        "initials": "".join(s[:1] for s in syllables),
    }


def explain(label: str, client, path: str, params: dict) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(path, params)
    slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
    print(f"### {label}: {path} {params}")
    print(
        f"{len(captured.captured_queries)} queries; slowest {float(slowest['time']) * 1000:.1f} ms:"
    )
    print(slowest["sql"])
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
        for (line,) in cursor.fetchall():
            print("    " + line)
    print()


if __name__ == "__main__":
    sys.exit(main())
