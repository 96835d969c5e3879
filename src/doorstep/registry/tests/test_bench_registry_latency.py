"""bench/registry_latency.py at a tiny size, so the harness (and its name-search
scenarios: partial name, pinyin, initials) cannot rot. Its figures mean nothing here."""

from __future__ import annotations

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
def test_registry_latency_runs_every_search_scenario_at_a_tiny_size(tmp_path):
    areas = make_area_tree()
    for i, name in enumerate(("王晓兴", "曾建国", "艾力·买买提")):
        make_household(area=areas["village_a"], head_name=name, members=2, phone=f"1390000000{i}")
    make_household(area=areas["village_b"], head_name="张伟", phone="13900000009")
    make_user(role=Role.WORKER, area=areas["village_a"])
    make_user(role=Role.SUPERVISOR, area=areas["county"])

    env = {**os.environ, "DOORSTEP_VAR_DIR": str(tmp_path)}
    if connection.vendor == "sqlite":
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
    connection.close()
    result = subprocess.run(  # noqa: S603 - our own script
        [
            sys.executable,
            str(ROOT / "bench" / "registry_latency.py"),
            "--allow-sqlite",
            "--requests",
            "2",
            "--warmup",
            "1",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("| search")]
    for persona in ("worker", "supervisor", "admin"):
        for kind in ("partial name", "pinyin with a space", "given name pinyin", "initials"):
            assert any(f"| search {kind} ({persona}) | 2 |" in row for row in rows), (
                kind,
                persona,
                result.stdout,
            )
