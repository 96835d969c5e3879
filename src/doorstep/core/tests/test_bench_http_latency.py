"""bench/http_latency.py at a tiny size, so the harness cannot rot: it prepares its
callers, starts gunicorn in production mode against a copy of this test's data, times
every scenario through HTTP and reports figures for each."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from doorstep.accounts.models import Role
from doorstep.core.testing import make_area_tree, make_household, make_user

ROOT = Path(__file__).resolve().parents[4]


@pytest.mark.django_db(transaction=True)
def test_http_latency_harness_runs_at_a_tiny_size(tmp_path):
    areas = make_area_tree()
    for village in ("village_a", "village_b", "village_c"):
        for _ in range(3):
            make_household(area=areas[village], head_name="王建国", members=2)
    make_user(role=Role.WORKER, area=areas["village_a"])

    env = {**os.environ, "DOORSTEP_VAR_DIR": str(tmp_path)}
    if connection.vendor == "sqlite":
        # The test database lives in memory: copy it, data and schema, into a file the
        # server's processes can open.
        copy = tmp_path / "bench.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(copy)])
        env["DATABASE_URL"] = f"sqlite:///{copy}"
    else:
        s = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST'] or '127.0.0.1'}:"
            f"{s['PORT'] or 5432}/{s['NAME']}"
        )
    connection.close()  # the harness's own processes write to the same database
    out = tmp_path / "figures.json"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "http_latency.py"),
            "--caseloads",
            "2,3",
            "--requests",
            "6",
            "--pairs",
            "2",
            "--workers",
            "1",
            "--threads",
            "2",
            "--capacity",
            "--step-seconds",
            "0.5",
            "--json",
            str(out),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    figures = json.loads(out.read_text())
    names = [s["name"] for s in figures["scenarios"]]
    assert "due list, 2 households" in names and "due list, 3 households" in names
    assert any(name.startswith("log a contact") for name in names)
    for scenario in figures["scenarios"]:
        assert scenario["n"] == 6
        assert scenario["p95_ms"] >= scenario["p50_ms"] > 0
        assert scenario["sql"]["queries"] > 0
    assert figures["capacity"] and figures["capacity"][0]["rps"] > 0
    assert "load average at start" in result.stdout
