"""bench/import_vs_copy.py runs at a tiny size, so it cannot rot again (issue #16):
it needs PostgreSQL (COPY, CREATE DATABASE … TEMPLATE), the server the project's
PostgreSQL tests use; skipped only when no server answers."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[4]


def _server_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        url = "postgres://postgres@127.0.0.1:5432/postgres"
    try:
        import psycopg

        with psycopg.connect(urlparse(url)._replace(path="/postgres").geturl(), connect_timeout=3):
            pass
    except Exception:  # noqa: BLE001 - any failure means no server to run against
        return None
    return url


def test_import_vs_copy_runs_and_compares_like_with_like(tmp_path):
    url = _server_url()
    if url is None:
        pytest.skip("no PostgreSQL server")
    name = f"bench_import_test_{os.getpid()}"
    run = subprocess.run(  # noqa: S603 - our own script
        [
            sys.executable,
            str(ROOT / "bench" / "import_vs_copy.py"),
            "--households",
            "30",
            "--pairs",
            "2",
            "--workdir",
            str(tmp_path),
            "--database-url",
            urlparse(url)._replace(path=f"/{name}").geturl(),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "DATABASE_URL": ""},
    )
    assert run.returncode == 0, run.stdout + run.stderr
    out = run.stdout
    # Two alternating pairs, each COPY and import writing the same rows (the script
    # exits non-zero otherwise), the median ratio and the dry run's peak memory.
    assert out.count("  COPY: ") == 2 and out.count("  import: ") == 2
    copy_rows = re.findall(r"COPY: .* rows \((\d+), (\d+), (\d+)\)", out)
    import_rows = re.findall(r"import: .* rows \((\d+), (\d+), (\d+)\)", out)
    assert copy_rows == import_rows and copy_rows[0][0] == "30"
    assert re.search(r"median \d+\.\d\d \(goal >= 0\.7\)", out)
    assert "dry run: " in out
