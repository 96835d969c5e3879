# ruff: noqa: S603, S607  -- runs our own venv tools and PostgreSQL client programs, no outside input
"""Duty-room load: 50 concurrent officers and responders against gunicorn on PostgreSQL.

    .venv/bin/python bench/hotline_load.py --seconds 30 --clients 50

Creates (or recreates) the database hotline_bench, migrates it, seeds one office with
50 staff, a lift company and one API token each, starts gunicorn in production mode on
127.0.0.1 only, and runs N client threads (http.client, loopback) for a fixed time.
Each client loops: intake → dispatch (POST /api/v1/hotline/calls then .../dispatch, timed
together), then a board refresh (GET /api/v1/hotline/calls). Prints p50/p95, requests
per second and the error count; stops gunicorn by itself.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
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
    args = ap.parse_args()
    url = f"postgres://postgres@127.0.0.1:5432/{DB}"
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB], check=True)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DOORSTEP_MODE": "production",
        "SECURE_SSL_REDIRECT": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DOORSTEP_TASKS": "immediate",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT / "src"),
    }
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    out = subprocess.run(
        [PY, "manage.py", "shell", "-c", f"N={args.clients}\n{SEED}"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    seed = json.loads(out.strip().splitlines()[-1])
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "doorstep.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
                c.request("GET", "/accounts/login/")
                c.getresponse().read()
                break
            except OSError:
                time.sleep(0.2)
        intake, board, errors, count = [], [], [], [0]
        lock = threading.Lock()
        deadline = time.monotonic() + args.seconds

        def client(token: str) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
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
    finally:
        server.terminate()
        server.wait(timeout=20)
    print(f"clients={args.clients} seconds={elapsed:.1f} gunicorn_workers={args.workers}")
    print(
        f"intake->dispatch n={len(intake)} p50={pct(intake, 50):.0f} ms p95={pct(intake, 95):.0f} ms"
    )
    print(f"board refresh   n={len(board)} p50={pct(board, 50):.0f} ms p95={pct(board, 95):.0f} ms")
    print(f"requests/s={count[0] / elapsed:.0f} requests={count[0]} errors={len(errors)}")
    if intake:
        print(f"median intake {statistics.median(intake) * 1000:.0f} ms")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
