"""Latency and capacity as users feel them: through gunicorn in production mode.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/COPY \\
        .venv/bin/python bench/http_latency.py [--requests 400] [--pairs 4] [--capacity]

COPY is a throwaway copy of a synthetic region (`CREATE DATABASE x TEMPLATE region_full`):
the run re-pairs households to give its callers realistic caseloads and mints API tokens.
Never point it at a database that people use.

What it does, in order:
1. Callers with realistic caseloads (`--caseloads 5,60,600`): for each size a worker of
   a village (the last size goes to a team leader of a township) is actively paired with
   that many households of their area; a county supervisor and a region administrator
   for the lists and searches. Each gets an API token (Bearer, as the field app uses).
2. gunicorn as the README deploys it (gthread, 2 workers x 4 threads), production mode
   (DEBUG off, `check --deploy` settings) on a free loopback port; TLS is the office
   proxy's job, so only the HTTPS redirect is off. Rate limits per address are off (every
   request comes from 127.0.0.1), per caller they stay as configured.
3. Each scenario on one kept-alive connection, alternating in `--pairs` blocks with a
   baseline request (the server's floor: a token-authenticated tiny answer), so a noisy
   neighbour moves both; p50/p95/p99 of each, and the scenario's CPU per request read
   from the workers' /proc counters.
4. The SQL alone: the same request in-process, its SELECTs captured and re-executed
   (median of repeats), so the database's share stands beside the whole request.
5. `--capacity`: closed loop, no think time, 1, 2, 4, ... clients on the due list of the
   middle caseload; the throughput where p95 last stayed under 100 ms, per core.

The machine's load average is printed at the start and the end: on a shared machine read
the ratio to the baseline, not only the absolute figures. `--json PATH` keeps the figures.
A test (core/tests/test_bench_http_latency.py) runs it at a tiny size.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doorstep.settings")
os.environ.setdefault("DEBUG", "0")

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Scenario:
    name: str
    caller: str
    method: str
    path: str
    goal_ms: float | None
    body: object = None  # a callable giving the JSON body of each request, or None
    latencies: list[float] = field(default_factory=list)
    baseline: list[float] = field(default_factory=list)
    cpu_ms: float = 0.0
    sql: dict = field(default_factory=dict)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


# --- 1. callers ------------------------------------------------------------------------


def prepare_callers(caseloads: list[int]) -> dict[str, dict]:
    """Give each caseload size a caller paired with that many households; return
    {caller name: {"token": ..., "user_id": ..., "household_ids": [...]}}."""
    import datetime as dt

    from django.db import transaction

    from doorstep.accounts.models import Role, User
    from doorstep.accounts.services import api_token_create
    from doorstep.areas.models import Area, AreaLevel, subtree_range
    from doorstep.casework.models import Pairing
    from doorstep.registry.models import Household

    callers: dict[str, dict] = {}
    today = dt.date.today()
    used_areas: set[int] = set()

    def households_under(area: Area, count: int) -> list[int]:
        low, high = subtree_range(area.path)
        return list(
            Household.objects.filter(area_path__gte=low, area_path__lt=high)
            .order_by("id")
            .values_list("id", flat=True)[:count]
        )

    township = None
    for index, size in enumerate(caseloads):
        last = index == len(caseloads) - 1 and len(caseloads) > 1
        role = Role.TEAM_LEADER if last else Role.WORKER
        # The first area that holds enough households: a village for a worker, a
        # township for the team leader; each area serves one caller.
        level = AreaLevel.TOWNSHIP if last else AreaLevel.VILLAGE
        chosen = None
        for area in Area.objects.filter(level=level).exclude(pk__in=used_areas).order_by("id"):
            ids = households_under(area, size)
            if len(ids) == size:
                chosen = (area, ids)
                break
        if chosen is None:
            raise SystemExit(f"no {level} holds {size} households for a caseload")
        area, household_ids = chosen
        used_areas.add(area.pk)
        if last:
            township = area
        with transaction.atomic():
            user = User.objects.create(
                username=f"bench_{size}_{secrets.token_hex(3)}",
                role=role,
                area=area,
                first_name="Bench",
                last_name=str(size),
            )
            Pairing.objects.filter(household_id__in=household_ids, ended_on__isnull=True).update(
                ended_on=today
            )
            Pairing.objects.bulk_create(
                Pairing(worker=user, household_id=h, started_on=today) for h in household_ids
            )
        _token, raw = api_token_create(user=user, name="bench")
        callers[f"caseload_{size}"] = {
            "token": raw,
            "user_id": user.pk,
            "household_ids": household_ids,
        }

    # A county supervisor (the county of the team leader's township) and a region
    # administrator (the root of the tree) for the lists and searches.
    root = Area.objects.filter(parent__isnull=True).order_by("id").first()
    county = root
    if township is not None:
        county = (
            Area.objects.filter(
                level=AreaLevel.COUNTY, pk__in=[int(x) for x in township.path.strip("/").split("/")]
            ).first()
            or root
        )
    for name, role, area in (
        ("county_supervisor", Role.SUPERVISOR, county),
        ("region_admin", Role.ADMIN, root),
    ):
        user = User.objects.create(
            username=f"bench_{name}_{secrets.token_hex(3)}", role=role, area=area
        )
        _token, raw = api_token_create(user=user, name="bench")
        callers[name] = {"token": raw, "user_id": user.pk, "household_ids": []}
    return callers


def search_terms() -> tuple[str, str]:
    """A two-character prefix of a common name and one whole name, drawn from the data."""
    from doorstep.registry.models import Resident

    names = list(
        Resident.objects.exclude(name="").order_by("id").values_list("name", flat=True)[:200]
    )
    if not names:
        return "王", "王"
    counts: dict[str, int] = {}
    for name in names:
        counts[name[:2]] = counts.get(name[:2], 0) + 1
    prefix = max(counts, key=counts.get)
    return prefix, names[len(names) // 2]


# --- 2. the server ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, workers: int, threads: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DOORSTEP_MODE": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DOORSTEP_API_RATE_PER_IP": "0",
        "DOORSTEP_SMS_BACKEND": os.environ.get("DOORSTEP_SMS_BACKEND", "locmem"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT / "src"),
        # The API serves no static files; whitenoise's warning about a missing
        # collectstatic directory says nothing about what is measured.
        "PYTHONWARNINGS": "ignore::UserWarning",
    }
    env.pop("DEBUG", None)
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, loopback only
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "doorstep.wsgi",
            "--worker-class",
            "gthread",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{port}",
            "--keep-alive",
            "30",
            "--access-logfile",
            "/dev/null",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped while starting (see its log above)")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    return server


def worker_pids(master: int) -> list[int]:
    pids = []
    for task in Path(f"/proc/{master}/task").iterdir():
        children = (task / "children").read_text().split()
        pids.extend(int(p) for p in children)
    return pids


def cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total


# --- 3. measuring ----------------------------------------------------------------------


class Client:
    """One kept-alive HTTP/1.1 connection with a caller's token."""

    def __init__(self, port: int, token: str):
        self.port, self.token = port, token
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def send(self, method: str, path: str, body: object = None) -> float:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
            headers["Idempotency-Key"] = str(uuid.uuid4())
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            response.read()
        except (http.client.HTTPException, OSError):
            # The server closed an idle connection: reconnect once, untimed.
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            return self.send(method, path, body)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status >= 400:
            raise SystemExit(f"{method} {path} answered {response.status}")
        return elapsed


def measure(scenario: Scenario, callers: dict, port: int, pids: list[int], n: int, pairs: int):
    client = Client(port, callers[scenario.caller]["token"])
    baseline = Client(port, callers[scenario.caller]["token"])
    for _ in range(max(3, n // 20)):  # warm-up: connections, caches, the JIT of the ORM
        client.send(scenario.method, scenario.path, scenario.body() if scenario.body else None)
        baseline.send("GET", BASELINE_PATH)
    block = max(1, n // pairs)
    ticks = 0
    for _ in range(pairs):
        before = cpu_ticks(pids)
        for _ in range(block):
            body = scenario.body() if scenario.body else None
            scenario.latencies.append(client.send(scenario.method, scenario.path, body))
        ticks += cpu_ticks(pids) - before
        for _ in range(block):
            scenario.baseline.append(baseline.send("GET", BASELINE_PATH))
    scenario.cpu_ms = ticks / TICKS * 1000 / (block * pairs)


def sql_alone(scenario: Scenario, callers: dict, repeats: int = 10) -> dict:
    """The request's SELECTs, captured in-process and re-executed: their time alone."""
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    client = DjangoClient(HTTP_AUTHORIZATION=f"Bearer {callers[scenario.caller]['token']}")
    with CaptureQueriesContext(connection) as captured:
        if scenario.method == "GET":
            client.get(scenario.path, HTTP_HOST="127.0.0.1")
        else:
            client.post(
                scenario.path,
                data=json.dumps(scenario.body()),
                content_type="application/json",
                HTTP_HOST="127.0.0.1",
                HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
            )
    selects = [
        q["sql"] for q in captured.captured_queries if q["sql"].lstrip().startswith("SELECT")
    ]
    totals = []
    with connection.cursor() as cursor:
        for _ in range(repeats):
            started = time.perf_counter()
            for sql in selects:
                cursor.execute(sql)
                cursor.fetchall()
            totals.append((time.perf_counter() - started) * 1000)
    return {
        "queries": len(captured.captured_queries),
        "selects": len(selects),
        "select_ms_p50": statistics.median(totals) if totals else 0.0,
    }


def capacity(port: int, callers: dict, caller: str, step_seconds: float) -> list[dict]:
    """Closed loop, no think time: throughput and p95 at 1, 2, 4, ... clients."""
    steps = []
    for clients in (1, 2, 4, 8, 12, 16, 24):
        latencies: list[float] = []
        lock = threading.Lock()
        stop = time.monotonic() + step_seconds

        def loop(stop=stop, lock=lock, latencies=latencies):
            client = Client(port, callers[caller]["token"])
            mine = []
            while time.monotonic() < stop:
                mine.append(client.send("GET", DUE_PATH))
            with lock:
                latencies.extend(mine)

        threads = [threading.Thread(target=loop) for _ in range(clients)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        step = {
            "clients": clients,
            "rps": len(latencies) / elapsed,
            "p95_ms": percentile(latencies, 95),
            "load": load_average(),
        }
        steps.append(step)
        print(
            f"  capacity {clients:>2} clients: {step['rps']:7.1f} req/s  p95 {step['p95_ms']:7.1f} ms"
            f"  (load {step['load']})",
            flush=True,
        )
        if step["p95_ms"] > 100:
            break
    return steps


DUE_PATH = "/api/v1/casework/due"
BASELINE_PATH = "/api/v1/casework/units?limit=1"


def scenarios_for(callers: dict, caseloads: list[int]) -> list[Scenario]:
    prefix, full_name = search_terms()
    from urllib.parse import quote

    middle = f"caseload_{caseloads[len(caseloads) // 2]}"
    household_ids = callers[middle]["household_ids"]
    counter = iter(range(10**9))

    def contact_body():
        return {
            "household": household_ids[next(counter) % len(household_ids)],
            "kind": "call",
            "notes": "bench",
        }

    found = [
        Scenario(f"due list, {size} households", f"caseload_{size}", "GET", DUE_PATH, 20)
        for size in caseloads
    ]
    found += [
        Scenario(
            f"log a contact ({middle})",
            middle,
            "POST",
            "/api/v1/casework/contacts",
            30,
            contact_body,
        ),
        Scenario("household list, worker", middle, "GET", "/api/v1/households?limit=50", 50),
        Scenario(
            "household list, county", "county_supervisor", "GET", "/api/v1/households?limit=50", 50
        ),
        Scenario(
            "household list, region", "region_admin", "GET", "/api/v1/households?limit=50", 50
        ),
        Scenario(
            "search 2-char prefix, county",
            "county_supervisor",
            "GET",
            f"/api/v1/households?limit=50&q={quote(prefix)}",
            50,
        ),
        Scenario(
            "search full name, region",
            "region_admin",
            "GET",
            f"/api/v1/households?limit=50&q={quote(full_name)}",
            50,
        ),
    ]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400, help="timed requests per scenario")
    parser.add_argument("--pairs", type=int, default=4, help="alternating blocks with the baseline")
    parser.add_argument("--caseloads", default="5,60,600")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--capacity", action="store_true")
    parser.add_argument("--step-seconds", type=float, default=10.0)
    parser.add_argument("--only", default="", help="run the scenarios whose name contains this")
    parser.add_argument("--json", default="", help="write the figures to this file")
    args = parser.parse_args()
    caseloads = [int(x) for x in args.caseloads.split(",") if x]

    import django

    django.setup()
    from django.db import connection

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}", flush=True)
    print(f"load average at start: {load_average()}", flush=True)
    callers = prepare_callers(caseloads)
    scenarios = [s for s in scenarios_for(callers, caseloads) if args.only in s.name]
    for scenario in scenarios:
        scenario.sql = sql_alone(scenario, callers)
    connection.close()

    port = free_port()
    server = start_server(port, args.workers, args.threads)
    results: dict = {"load_start": load_average(), "scenarios": [], "capacity": []}
    try:
        pids = worker_pids(server.pid)
        print(
            f"gunicorn gthread {args.workers}x{args.threads}, production mode, port {port}; "
            f"{args.requests} requests per scenario in {args.pairs} pairs with the baseline",
            flush=True,
        )
        for scenario in scenarios:
            measure(scenario, callers, port, pids, args.requests, args.pairs)
            p95 = percentile(scenario.latencies, 95)
            verdict = ""
            if scenario.goal_ms is not None:
                ratio = p95 / scenario.goal_ms
                verdict = f"  {ratio:.2f} of goal {scenario.goal_ms:.0f} ms" + (
                    "" if ratio <= 1 else "  MISSED"
                )
            print(
                f"{scenario.name:<34} p50 {percentile(scenario.latencies, 50):6.1f}  "
                f"p95 {p95:6.1f}  p99 {percentile(scenario.latencies, 99):6.1f} ms  "
                f"CPU {scenario.cpu_ms:5.1f} ms/req  SQL {scenario.sql['select_ms_p50']:5.1f} ms "
                f"in {scenario.sql['queries']} queries  | baseline p50 "
                f"{percentile(scenario.baseline, 50):5.1f} p95 {percentile(scenario.baseline, 95):5.1f}"
                f"{verdict}",
                flush=True,
            )
            results["scenarios"].append(
                {
                    "name": scenario.name,
                    "n": len(scenario.latencies),
                    "p50_ms": percentile(scenario.latencies, 50),
                    "p95_ms": p95,
                    "p99_ms": percentile(scenario.latencies, 99),
                    "cpu_ms_per_request": scenario.cpu_ms,
                    "sql": scenario.sql,
                    "baseline_p50_ms": percentile(scenario.baseline, 50),
                    "baseline_p95_ms": percentile(scenario.baseline, 95),
                    "goal_ms": scenario.goal_ms,
                }
            )
        if args.capacity:
            middle = f"caseload_{caseloads[len(caseloads) // 2]}"
            steps = capacity(port, callers, middle, args.step_seconds)
            results["capacity"] = steps
            held = [s for s in steps if s["p95_ms"] <= 100]
            best = max(held, key=lambda s: s["rps"]) if held else None
            cores = os.cpu_count() or 1
            if best:
                print(
                    f"capacity: {best['rps']:.1f} due lists/s with p95 <= 100 ms "
                    f"({best['rps'] / cores:.1f} per core, {cores} cores; the client shares them)",
                    flush=True,
                )
            else:
                print("capacity: p95 above 100 ms already with one client", flush=True)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    results["load_end"] = load_average()
    print(f"load average at end: {results['load_end']}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
