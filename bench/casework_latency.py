"""Latency of casework's hot paths on a full-size region (docs/benchmarks.md, "Casework").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/casework2_full \\
        .venv/bin/python bench/casework_latency.py [--requests 300] [--only NAME] [--explain]

The database must hold the synthetic region (`manage.py synth --households 1690000
--workers 1120000`) and bench/casework_data.py's pairings, contacts, schedules and
needs. Requests go through Django's test Client in-process, signed in with
force_login (the session and user reads are timed; the network and a WSGI server are
not); DEBUG is off. Each scenario draws its caller at random per request (a different
worker, a different township), runs warm-up requests, then `--requests` timed ones,
and reports p50/p95/max in milliseconds.

Scenarios and goals:
- due list (GET /api/v1/casework/due), a random worker: p95 < 20 ms;
- township overdue summary per worker (GET /api/v1/casework/overdue-summary), the
  team leader of a random township: p95 < 200 ms;
- logging a contact (POST /api/v1/casework/contacts with an Idempotency-Key), a
  random worker and one of their households: p95 < 50 ms. These contacts are real
  rows: the bench leaves them in the database (they are a few hundred among 10 million).
- nightly recomputation throughput (`--only nightly`): schedule_refresh over
  `--nightly-batches` batches of 5,000 households, extrapolated to the whole table.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doorstep.settings")
os.environ.setdefault("DEBUG", "0")


def _report(
    name: str, timings: list[float], goal: float | None, sql: list[float], queries: int
) -> None:
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    verdict = "" if goal is None else ("  ok" if p95 < goal else f"  MISSED (goal {goal:.0f} ms)")
    print(
        f"{name:<40} n={len(timings):<4} p50={statistics.median(timings):7.1f}  "
        f"p95={p95:7.1f}  max={timings[-1]:7.1f} ms  (SQL p50 {statistics.median(sql):.1f} ms, "
        f"{queries} queries){verdict}",
        flush=True,
    )


def main() -> int:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from doorstep.accounts.models import Role, User
    from doorstep.casework.models import ContactSchedule, Pairing

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", default="", help="run the scenarios whose name contains this")
    parser.add_argument("--nightly-batches", type=int, default=20)
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print EXPLAIN ANALYZE of each scenario's slowest query instead of timing",
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("Run this on PostgreSQL (DATABASE_URL).", file=sys.stderr)
        return 2
    if not Pairing.objects.exists():
        print("No pairings: run bench/casework_data.py first.", file=sys.stderr)
        return 2
    setup_test_environment()
    rnd = random.Random(args.seed)

    # Callers: random paired workers (by a random pk probe on the schedule), and the
    # team leaders of townships.
    schedule_pks = ContactSchedule.objects.order_by("pk").values_list("pk", flat=True)
    low, high = schedule_pks.first(), schedule_pks.last()

    def random_worker_household() -> tuple[int, int]:
        row = (
            ContactSchedule.objects.filter(pk__gte=rnd.randint(low, high), worker__isnull=False)
            .order_by("pk")
            .values_list("worker_id", "household_id")
            .first()
        )
        return row or random_worker_household()

    leaders = list(
        User.objects.filter(role=Role.TEAM_LEADER, area__level="township").values_list(
            "pk", "area_id"
        )
    )
    users = {u.pk: u for u in User.objects.filter(pk__in=[pk for pk, _ in leaders])}
    clients: dict[int, Client] = {}

    def client_for(user_id: int) -> Client:
        if user_id not in clients:
            client = Client()
            client.force_login(users.get(user_id) or User.objects.get(pk=user_id))
            clients[user_id] = client
        return clients[user_id]

    def due():
        worker_id, _household = random_worker_household()
        return client_for(worker_id), "get", "/api/v1/casework/due", {}

    def summary():
        leader_id, area_id = rnd.choice(leaders)
        return client_for(leader_id), "get", "/api/v1/casework/overdue-summary", {"area": area_id}

    def log_contact():
        worker_id, household_id = random_worker_household()
        body = {"household": household_id, "kind": "call", "duration_minutes": 5, "notes": "bench"}
        return (
            client_for(worker_id),
            "post",
            "/api/v1/casework/contacts",
            {
                "data": json.dumps(body),
                "content_type": "application/json",
                "HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4()),
            },
        )

    scenarios = [
        ("due list (worker)", due, 20.0, 200),
        ("township overdue summary (team leader)", summary, 200.0, 200),
        ("log a contact (worker, API)", log_contact, 50.0, 201),
    ]
    for name, make, goal, expected in scenarios:
        if args.only and args.only not in name:
            continue
        timings: list[float] = []
        sql: list[float] = []
        count = 0
        slowest: tuple[float, list] = (0.0, [])
        for i in range(args.warmup + args.requests):
            client, method, path, params = make()
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                if method == "get":
                    response = client.get(path, params)
                else:
                    response = client.post(path, **params)
                elapsed = (time.perf_counter() - start) * 1000
            if response.status_code != expected:
                print(f"{name}: {response.status_code} {response.content[:300]!r}")
                return 1
            if i >= args.warmup:
                timings.append(elapsed)
                sql.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
                count = max(count, len(queries.captured_queries))
                if elapsed > slowest[0]:
                    slowest = (elapsed, list(queries.captured_queries))
        if args.explain:
            query = max(slowest[1], key=lambda q: float(q["time"]))
            print(f"--- {name}: slowest request {slowest[0]:.1f} ms; its slowest query:")
            print(query["sql"])
            with connection.cursor() as cursor:
                if query["sql"].lstrip().upper().startswith("SELECT"):
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                    print("\n".join(row[0] for row in cursor.fetchall()))
        else:
            _report(name, timings, goal, sql, count)

    if "nightly" in args.only:
        from django.db import transaction

        from doorstep.casework.services.schedule import schedule_refresh

        total = ContactSchedule.objects.count()
        start = time.perf_counter()
        done = written = 0
        last = rnd.randint(low, max(low, high - args.nightly_batches * 5000))
        for _ in range(args.nightly_batches):
            ids = list(
                ContactSchedule.objects.filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", flat=True)[:5000]
            )
            if not ids:
                break
            with transaction.atomic():
                written += schedule_refresh(household_ids=ids, only_changed=True)
            done += len(ids)
            last = ids[-1]
        elapsed = time.perf_counter() - start
        print(
            f"nightly recomputation: {done:,} households in {elapsed:.1f} s "
            f"({done / elapsed:,.0f}/s, {written:,} rows changed); the whole table "
            f"({total:,}) would take about {total / (done / elapsed) / 60:.1f} min"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
