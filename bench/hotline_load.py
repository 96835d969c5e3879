# ruff: noqa: S603, S607  -- runs our own venv tools and PostgreSQL client programs, no outside input
"""Duty-room load: 50 concurrent officers and responders against gunicorn on PostgreSQL.

    .venv/bin/python bench/hotline_load.py --seconds 30 --clients 50
    .venv/bin/python bench/hotline_load.py --worker-class gthread --workers 2 --threads 4 --wrk 15

Creates (or recreates) the database hotline_bench, migrates it, seeds one office with
50 staff, a lift company and one API token each, starts gunicorn in production mode on
127.0.0.1 only, and runs N client threads (http.client, loopback) for a fixed time.
Each client loops: intake → dispatch (POST /api/v1/hotline/calls then .../dispatch, timed
together), then a board refresh (GET /api/v1/hotline/calls). Prints p50/p95, requests
per second and the error count; stops gunicorn by itself.

Also printed, so that a figure can be read against the machine it was taken on: the load
average before and after (other jobs share these machines), and the CPU seconds spent
by the load generator itself and by gunicorn's workers. `--wrk N` then points Debian's
wrk (C, no GIL) at the board for N seconds with the same number of connections, to tell
the server's limit from the Python client's.

Static files are collected into a temporary STATIC_ROOT first, with whitenoise's
non-manifest storage (a settings module written beside it), so no page logs a missing
manifest entry. Not the manifest storage itself: its collectstatic stops on
vendor/leaflet/leaflet.js, whose sourceMappingURL names a leaflet.js.map that
tools/vendor.py does not copy.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
DB = "hotline_bench"
PORT = 8765

SEED = r"""
import json
from doorstep.accounts.models import Role
from doorstep.accounts.services import api_token_create
from doorstep.core.testing import make_area_tree, make_user
from doorstep.hotline.models import Office, Responder
areas = make_area_tree()
office = Office.objects.create(name="bench", code="bench", area=areas["village_a"], phone="0997-1")
lift = Responder.objects.create(office=office, name="lift", kind="lift_maintenance", categories="")
tokens = []
for i in range(int(N)):
    u = make_user(role=Role.WORKER, area=areas["village_a"], username=f"officer{i}")
    tokens.append(api_token_create(user=u, name="bench")[1])
print(json.dumps({"office": office.pk, "responder": lift.pk, "tokens": tokens}))
"""

# Production settings with non-manifest static storage (see the module docstring).
BENCH_SETTINGS = """
from doorstep.settings import *  # noqa: F403
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
"""


def pct(values, p):
    values = sorted(values)
    return (
        values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000
        if values
        else 0
    )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    ap.add_argument("--threads", type=int, default=1, help="per worker, with gthread")
    ap.add_argument("--db", default=DB, help="database to (re)create; dropped first")
    ap.add_argument("--port", type=int, default=PORT)
    ap.add_argument("--wrk", type=int, default=0, metavar="SECONDS", help="then run wrk")
    args = ap.parse_args()
    if not 1 <= args.seconds <= 600 or not 1 <= args.clients <= 200 or args.wrk > 120:
        ap.error("keep it bounded: --seconds 1..600, --clients 1..200, --wrk 0..120")
    scratch = Path(tempfile.mkdtemp(prefix="hotline_bench_"))
    static_root = scratch / "static"
    (scratch / "hotline_bench_settings.py").write_text(BENCH_SETTINGS)
    load_before = os.getloadavg()
    url = f"postgres://postgres@127.0.0.1:5432/{args.db}"
    subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", args.db], check=True
    )
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", args.db], check=True)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DOORSTEP_MODE": "production",
        "DOORSTEP_SMS_BACKEND": "doorstep.portal.sms.LocmemBackend",  # no SMS in a bench
        "SECURE_SSL_REDIRECT": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DOORSTEP_TASKS": "immediate",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": f"{scratch}{os.pathsep}{ROOT / 'src'}",
        "DJANGO_SETTINGS_MODULE": "hotline_bench_settings",
        "STATIC_ROOT": str(static_root),
    }
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    out = subprocess.run(
        [PY, "manage.py", "shell", "-c", f"N={args.clients}\n{SEED}"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    seed = json.loads(out.strip().splitlines()[-1])
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    self_before = resource.getrusage(resource.RUSAGE_SELF)
    wrk_out = ""
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "doorstep.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{args.port}",
            "--worker-class",
            args.worker_class,
            "--threads",
            str(args.threads),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):  # up to 20 s for gunicorn to listen
            try:
                c = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
                c.request("GET", "/accounts/login/")
                c.getresponse().read()
                break
            except OSError:
                time.sleep(0.2)
        intake, board, errors, count = [], [], [], [0]
        lock = threading.Lock()
        deadline = time.monotonic() + args.seconds

        def client(token: str) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

            def call(method, path, body=None):
                conn.request(method, path, body=json.dumps(body) if body else None, headers=headers)
                r = conn.getresponse()
                data = r.read()
                with lock:
                    count[0] += 1
                    if r.status >= 400:
                        errors.append(r.status)
                return r.status, data

            while time.monotonic() < deadline:
                t0 = time.perf_counter()
                status, data = call(
                    "POST",
                    "/api/v1/hotline/calls",
                    {
                        "office_id": seed["office"],
                        "category": "lift_entrapment",
                        "building": "3",
                        "description": "bench",
                    },
                )
                if status == 201:
                    cid = json.loads(data)["id"]
                    call(
                        "POST",
                        f"/api/v1/hotline/calls/{cid}/dispatch",
                        {"responder_id": seed["responder"]},
                    )
                    with lock:
                        intake.append(time.perf_counter() - t0)
                t1 = time.perf_counter()
                status, _ = call("GET", f"/api/v1/hotline/calls?office_id={seed['office']}")
                with lock:
                    board.append(time.perf_counter() - t1)

        threads = [
            threading.Thread(target=client, args=(t,)) for t in seed["tokens"][: args.clients]
        ]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        self_after = resource.getrusage(resource.RUSAGE_SELF)
        load_after = os.getloadavg()
        if args.wrk and shutil.which("wrk"):
            wrk_out = subprocess.run(
                [
                    "wrk",
                    "-t2",
                    f"-c{args.clients}",
                    f"-d{args.wrk}s",
                    "--latency",
                    "-H",
                    f"Authorization: Bearer {seed['tokens'][0]}",
                    f"http://127.0.0.1:{args.port}/api/v1/hotline/calls?office_id={seed['office']}",
                ],
                capture_output=True,
                text=True,
                timeout=args.wrk + 30,
            ).stdout
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(scratch, ignore_errors=True)
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)

    def cpu(a, b):
        return (b.ru_utime + b.ru_stime) - (a.ru_utime + a.ru_stime)

    print(
        f"clients={args.clients} seconds={elapsed:.1f} gunicorn_workers={args.workers} "
        f"worker_class={args.worker_class} threads={args.threads}"
    )
    print(
        "load average before {:.2f} {:.2f} {:.2f}, after the clients {:.2f} {:.2f} {:.2f} "
        "(cpus={})".format(*load_before, *load_after, os.cpu_count())
    )
    print(
        f"cpu seconds: load generator {cpu(self_before, self_after):.1f}, "
        f"children (gunicorn workers, and wrk when run) {cpu(children_before, children_after):.1f}"
    )
    print(
        f"intake->dispatch n={len(intake)} p50={pct(intake, 50):.0f} ms p95={pct(intake, 95):.0f} ms"
    )
    print(f"board refresh   n={len(board)} p50={pct(board, 50):.0f} ms p95={pct(board, 95):.0f} ms")
    print(f"requests/s={count[0] / elapsed:.0f} requests={count[0]} errors={len(errors)}")
    if intake:
        print(f"median intake {statistics.median(intake) * 1000:.0f} ms")
    if wrk_out:
        print("wrk, board only:")
        print(wrk_out)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
