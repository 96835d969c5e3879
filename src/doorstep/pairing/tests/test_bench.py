"""bench/pairing_region.py runs at a tiny size, so it cannot rot (issue #16)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]


def test_pairing_region_benchmark_runs_and_certifies():
    run = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(ROOT / "bench" / "pairing_region.py"), "--households", "1500"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "'certified': True" in run.stdout
    assert "| optimum |" in run.stdout and "| greedy |" in run.stdout
    assert "certified: True" in run.stdout
