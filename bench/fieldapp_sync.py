# ruff: noqa: S603, S607  -- runs our own venv tools and PostgreSQL client programs, no outside input
"""The field app's sync and outbox through gunicorn, as README deploys it.

    .venv/bin/python bench/fieldapp_sync.py                      # 10, 60, 600 households
    .venv/bin/python bench/fieldapp_sync.py --sizes 3,5 --outbox 20 \\
        --database-url sqlite:////tmp/field.sqlite3              # tiny (the test does this)

Creates (or recreates) the database (PostgreSQL `fieldapp_bench` by default), migrates
it, and seeds one worker per caseload size with that many paired households (4 members
each, 10 needs per 3 households: 200 for 60, with their timelines, 3 contacts each).
Starts gunicorn in production mode on 127.0.0.1 and, over plain HTTP like a phone:

1. first sync of each worker: every page of GET /api/v1/field/sync with
   Accept-Encoding: gzip; bytes on the wire (compressed) and uncompressed, time;
2. delta after 50 changes: 25 visits and 25 need edits through the API by the
   60-household worker, then the delta sync (bytes, time, cards);
3. an outbox of N writes (1,000 by default) drained in order by one client, each with
   its own Idempotency-Key, as app.js does; then the same outbox replayed (a phone that
   never saw the answers): writes per second, then a count in the database — every
   write once (0 lost), none twice (0 duplicates).

Prints a JSON summary on the last line (the load average before and after included:
these machines are shared). API rate limits are off for the run (a phone draining 1,000
writes would otherwise be slowed to DOORSTEP_API_RATE_PER_CALLER a minute, and app.js
backs off on 429).
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
# The interpreter that runs this script runs the server too (its venv has gunicorn).
PY = sys.executable
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
DB = "doorstep_i15_fieldapp_bench"

SEED = r"""
import datetime as dt, json
from django.utils import timezone
from doorstep.accounts.models import Role
from doorstep.accounts.services import api_token_create
from doorstep.casework.models import (Contact, ContactSchedule, Need, NeedEvent, Pairing,
    ScheduleBasis)
from doorstep.core.testing import make_area_tree, make_id_number, make_user
from doorstep.registry.models import Household, Resident
areas = make_area_tree()
village = areas["village_a"]
now = timezone.now()
today = timezone.localdate()
out = {}
for size in SIZES:
    worker = make_user(role=Role.WORKER, area=village, username=f"field{size}")
    households = Household.objects.bulk_create([
        Household(household_no=f"B{size:04d}-{i:05d}", area=village, area_path=village.path,
                  address=f"幸福路 {i} 号", phone=f"139{size:04d}{i:04d}",
                  latitude=41.1 + i / 10000, longitude=80.2)
        for i in range(size)])
    households = list(Household.objects.filter(household_no__startswith=f"B{size:04d}-"))
    Resident.objects.bulk_create([
        Resident(household=h, name=f"居民{h.pk}-{m}", relationship="head" if m == 0 else "child",
                 sex="M", phone=f"138{h.pk:08d}"[:11] if m == 0 else "",
                 id_number=make_id_number(
                     birth=dt.date(1940, 1, 1) + dt.timedelta(days=h.pk * 4 + m)))
        for h in households for m in range(4)])
    Pairing.objects.bulk_create([
        Pairing(worker=worker, household=h, started_on=today - dt.timedelta(days=90))
        for h in households])
    ContactSchedule.objects.bulk_create([
        ContactSchedule(household=h, worker=worker, area=village,
                        last_contact_at=now - dt.timedelta(days=i % 50),
                        next_due_on=today + dt.timedelta(days=30 - i % 50), interval_days=30,
                        basis=ScheduleBasis.POLICY)
        for i, h in enumerate(households)])
    Contact.objects.bulk_create([
        Contact(household=h, worker=worker, kind="visit",
                occurred_at=now - dt.timedelta(days=7 * k + i % 7), duration_minutes=20,
                met_with="户主", notes="看望，了解生产生活情况")
        for i, h in enumerate(households) for k in range(3)])
    needs = Need.objects.bulk_create([
        Need(household=households[n * 3 // 10], category="housing", urgency="normal",
             status="open", title=f"房屋维修 {n}", description="屋顶漏雨，需要修缮",
             opened_by=worker, owner=worker, opened_at=now - dt.timedelta(days=n % 20),
             cycle_started_at=now - dt.timedelta(days=n % 20),
             acknowledge_due_at=now + dt.timedelta(days=1),
             resolve_due_at=now + dt.timedelta(days=14))
        for n in range(size * 10 // 3)])
    needs = list(Need.objects.filter(household__in=households))
    NeedEvent.objects.bulk_create([
        NeedEvent(need=n, kind="opened", actor=worker, at=n.opened_at, to_status="open")
        for n in needs])
    out[size] = {"token": api_token_create(user=worker, name="bench")[1],
                 "households": [h.pk for h in households],
                 "needs": [[n.pk, n.version] for n in needs]}
print(json.dumps(out))
"""

COUNT = r"""
import json
from django.db.models import Count
from doorstep.casework.models import Contact
rows = Contact.objects.filter(notes__startswith="outbox ")
print(json.dumps({"rows": rows.count(),
                  "distinct": rows.values("notes").distinct().count(),
                  "doubled": rows.values("notes").annotate(n=Count("id")).filter(n__gt=1).count()}))
"""

BENCH_SETTINGS = """
from doorstep.settings import *  # noqa: F403
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
"""


class Phone:
    """One HTTP/1.1 connection with the worker's token, like the app on one phone."""

    def __init__(self, port: int, token: str):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip"}

    def call(self, method: str, path: str, body=None, key: str | None = None):
        headers = dict(self.headers)
        if body is not None:
            headers["Content-Type"] = "application/json"
        if key:
            headers["Idempotency-Key"] = key
        self.conn.request(method, path, json.dumps(body) if body is not None else None, headers)
        response = self.conn.getresponse()
        raw = response.read()
        data = gzip.decompress(raw) if response.getheader("Content-Encoding") == "gzip" else raw
        return response.status, raw, data, response.getheader("Idempotent-Replayed")

    def sync(self, cursor: str | None = None) -> dict:
        wire = plain = pages = cards = 0
        started = time.perf_counter()
        while True:
            path = "/api/v1/field/sync" + (f"?cursor={quote(cursor)}" if cursor else "")
            status, raw, data, _ = self.call("GET", path)
            if status != 200:
                raise SystemExit(f"sync answered {status}: {data[:300]!r}")
            page = json.loads(data)
            wire, plain, pages = wire + len(raw), plain + len(data), pages + 1
            cards += len(page["cards"])
            cursor = page["cursor"]
            if not page["more"]:
                break
        return {
            "bytes_gzip": wire,
            "bytes_json": plain,
            "pages": pages,
            "cards": cards,
            "seconds": round(time.perf_counter() - started, 3),
            "cursor": cursor,
        }


def _manage(env, *args, capture=False):
    done = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=capture, text=True
    )
    if done.returncode:
        raise SystemExit(f"manage.py {args[0]} failed:\n{(done.stderr or '')[-3000:]}")
    return done


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10,60,600", help="caseloads, comma-separated")
    ap.add_argument("--changes", type=int, default=50)
    ap.add_argument("--outbox", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--port", type=int, default=8766)
    ap.add_argument(
        "--database-url",
        default=f"postgres://postgres@127.0.0.1:5432/{DB}",
        help="recreated first (PostgreSQL: dropdb/createdb; SQLite: the file is removed)",
    )
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if not all(1 <= s <= 5000 for s in sizes) or not 1 <= args.outbox <= 20000:
        ap.error("keep it bounded: sizes 1..5000, --outbox 1..20000")
    delta_size = 60 if 60 in sizes else max(sizes)
    load_before = os.getloadavg()
    scratch = Path(tempfile.mkdtemp(prefix="fieldapp_bench_"))
    (scratch / "fieldapp_bench_settings.py").write_text(BENCH_SETTINGS)
    url = urlsplit(args.database_url)
    if url.scheme.startswith("postgres"):
        name = url.path.lstrip("/")
        subprocess.run(["dropdb", "-h", url.hostname, "-U", url.username, "--if-exists", name])
        subprocess.run(["createdb", "-h", url.hostname, "-U", url.username, name], check=True)
    else:
        Path(url.path).unlink(missing_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "DOORSTEP_MODE": "production",
        "SECURE_SSL_REDIRECT": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DOORSTEP_TASKS": "immediate",
        # Production refuses the console SMS backend; the bench sends no SMS.
        "DOORSTEP_SMS_BACKEND": "locmem",
        "DOORSTEP_API_RATE_PER_CALLER": "0",
        "DOORSTEP_API_RATE_PER_IP": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": f"{scratch}{os.pathsep}{ROOT / 'src'}",
        "DJANGO_SETTINGS_MODULE": "fieldapp_bench_settings",
        "STATIC_ROOT": str(scratch / "static"),
    }
    (scratch / "static").mkdir()
    _manage(env, "migrate", "-v0")
    seed = json.loads(
        _manage(env, "shell", "-c", f"SIZES={sizes!r}\n{SEED}", capture=True)
        .stdout.strip()
        .splitlines()[-1]
    )
    server = subprocess.Popen(
        [
            GUNICORN,
            "doorstep.wsgi",
            "--worker-class",
            "gthread",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--bind",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    result: dict = {"sizes": sizes, "load_before": [round(x, 2) for x in load_before]}
    try:
        for _ in range(150):  # up to 30 s for gunicorn to listen
            try:
                c = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
                c.request("GET", "/accounts/login/")
                c.getresponse().read()
                break
            except OSError:
                time.sleep(0.2)
        # Past the sync's overlap (fieldapp.services.OVERLAP), so that the delta below
        # holds what the changes touched, not everything the seed just wrote.
        time.sleep(11)
        first = {}
        for size in sizes:
            phone = Phone(args.port, seed[str(size)]["token"])
            first[size] = phone.sync()
            assert first[size]["cards"] == size, first[size]
        result["first_sync"] = {str(k): {**v, "cursor": None} for k, v in first.items()}

        # Delta after `changes` writes by the worker of `delta_size` households.
        worker = seed[str(delta_size)]
        phone = Phone(args.port, worker["token"])
        households, needs = worker["households"], worker["needs"]
        changed = set()
        for n in range(args.changes):
            if n % 2 == 0:
                household = households[n % len(households)]
                status, _raw, data, _ = phone.call(
                    "POST",
                    "/api/v1/casework/contacts",
                    {"household": household, "kind": "call", "notes": f"delta {n}"},
                    key=str(uuid.uuid4()),
                )
                changed.add(household)
            else:
                need_id, version = needs[n % len(needs)]
                status, _raw, data, _ = phone.call(
                    "PATCH",
                    f"/api/v1/casework/needs/{need_id}",
                    {"version": version, "description": f"改了 {n}"},
                    key=str(uuid.uuid4()),
                )
                if status == 200:
                    needs[n % len(needs)][1] = json.loads(data)["version"]
                    changed.add(json.loads(data)["household"])
            assert status in (200, 201), (status, data[:300])
        delta = phone.sync(first[delta_size]["cursor"])
        result["delta"] = {
            "caseload": delta_size,
            "changes": args.changes,
            "households_changed": len(changed),
            **{k: v for k, v in delta.items() if k != "cursor"},
        }

        # The outbox: N contacts written offline, drained in order, then replayed.
        big = seed[str(max(sizes))]
        phone = Phone(args.port, big["token"])
        yesterday = time.time() - 86400
        outbox = []
        for n in range(args.outbox):
            key = str(uuid.uuid4())
            at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(yesterday + n * 30))
            body = {
                "household": big["households"][n % len(big["households"])],
                "kind": "visit",
                "occurred_at": at,
                "notes": f"outbox {key}",
            }
            outbox.append((key, body))
        drained = {"sent": 0, "created": 0, "errors": 0}
        started = time.perf_counter()
        for key, body in outbox:
            status, _raw, _data, replayed = phone.call(
                "POST", "/api/v1/casework/contacts", body, key=key
            )
            drained["sent"] += 1
            drained["created"] += status == 201 and not replayed
            drained["errors"] += status >= 400
        seconds = time.perf_counter() - started
        replay = {"sent": 0, "replayed": 0, "errors": 0}
        started_replay = time.perf_counter()
        for key, body in outbox:
            status, _raw, _data, replayed = phone.call(
                "POST", "/api/v1/casework/contacts", body, key=key
            )
            replay["sent"] += 1
            replay["replayed"] += bool(replayed)
            replay["errors"] += status >= 400
        replay_seconds = time.perf_counter() - started_replay
        counted = json.loads(
            _manage(env, "shell", "-c", COUNT, capture=True).stdout.strip().splitlines()[-1]
        )
        result["outbox"] = {
            "writes": args.outbox,
            "seconds": round(seconds, 2),
            "writes_per_second": round(args.outbox / seconds, 1),
            **drained,
            "replay_seconds": round(replay_seconds, 2),
            "replayed": replay["replayed"],
            "replay_errors": replay["errors"],
            "rows": counted["rows"],
            "lost": args.outbox - counted["distinct"],
            "duplicates": counted["rows"] - counted["distinct"],
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(scratch, ignore_errors=True)
    result["load_after"] = [round(x, 2) for x in os.getloadavg()]
    result["cpus"] = os.cpu_count()
    print(json.dumps(result))
    ok = result["outbox"]["lost"] == 0 and result["outbox"]["duplicates"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
