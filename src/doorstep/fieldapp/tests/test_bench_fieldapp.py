"""bench/fieldapp_sync.py at a tiny size, through gunicorn on SQLite: it runs, every
outbox write arrives once, and a forced replay creates nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]


def test_the_benchmark_runs_at_a_tiny_size(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "fieldapp_sync.py"),
            "--sizes",
            "3,5",
            "--changes",
            "4",
            "--outbox",
            "12",
            "--workers",
            "1",
            "--port",
            "8797",
            "--database-url",
            f"sqlite:///{tmp_path / 'bench.sqlite3'}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["first_sync"]["5"]["cards"] == 5
    assert figures["first_sync"]["5"]["bytes_gzip"] < figures["first_sync"]["5"]["bytes_json"]
    # Two households touched by four changes: only their cards come back.
    assert figures["delta"]["cards"] == figures["delta"]["households_changed"] == 2
    outbox = figures["outbox"]
    assert (outbox["created"], outbox["rows"], outbox["lost"], outbox["duplicates"]) == (
        12,
        12,
        0,
        0,
    )
    assert outbox["replayed"] == 12 and outbox["replay_errors"] == 0
