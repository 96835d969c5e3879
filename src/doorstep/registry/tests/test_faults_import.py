"""Faults: `manage.py import_households` killed (SIGKILL) while it writes. The import
is one transaction, so the database must hold nothing of the file afterwards (no
household, resident or audit event); run again, it imports every row once, and a
third run, of the same file, adds nothing.

A real process against the test database, so PostgreSQL only (CI's PG pass).
"""

from __future__ import annotations

import csv
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection

from doorstep.core.tests.processes import ROOT, process_env
from doorstep.privacy.models import AuditEvent
from doorstep.registry.importing import HEADERS_EN
from doorstep.registry.models import Household, Resident

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="kills a real process"),
]

HOUSEHOLDS = 20_000
APP_NAME = "doorstep-fault-import"


def _write_file(path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=HEADERS_EN)
        writer.writeheader()
        for n in range(HOUSEHOLDS):
            for relationship, name in (("head", f"户主{n}"), ("child", f"孩子{n}")):
                writer.writerow(
                    {key: "" for key in HEADERS_EN}
                    | {
                        "household_no": f"F-{n:06d}",
                        "name": name,
                        "relationship": relationship,
                        "sex": "M",
                        "area_code": "652901001001",
                        "address": f"英巴格路 {n} 号",
                    }
                )


def _import(path) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own manage.py
        [sys.executable, str(ROOT / "manage.py"), "import_households", str(path), "--no-progress"],
        cwd=ROOT,
        env=process_env(PGAPPNAME=APP_NAME),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _writing() -> bool:
    """The import's transaction has written (it holds a transaction id)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE application_name = %s AND backend_xid IS NOT NULL",
            [APP_NAME],
        )
        return cursor.fetchone()[0] > 0


def _backend_gone(timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [APP_NAME]
            )
            if cursor.fetchone()[0] == 0:
                return
        time.sleep(0.1)
    raise AssertionError("the killed import's database session did not end")


def test_an_import_killed_while_writing_leaves_nothing_and_a_rerun_imports_once(tmp_path, areas):
    path = tmp_path / "households.csv"
    _write_file(path)
    audit_before = AuditEvent.objects.count()

    process = _import(path)
    try:
        deadline = time.monotonic() + 120
        while not _writing():
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the import never started writing"
            time.sleep(0.05)
        time.sleep(0.3)  # well into its batches
        assert process.poll() is None, "the import finished before it could be killed"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    _backend_gone()

    assert not Household.objects.exists()
    assert not Resident.objects.exists()
    assert AuditEvent.objects.count() == audit_before

    rerun = _import(path)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, out + err
    assert Household.objects.count() == HOUSEHOLDS
    assert Resident.objects.count() == 2 * HOUSEHOLDS
    assert AuditEvent.objects.count() == audit_before + 1

    again = _import(path)
    out, err = again.communicate(timeout=300)
    assert again.returncode == 1, out + err  # every household number is taken
    assert Household.objects.count() == HOUSEHOLDS
    assert Resident.objects.count() == 2 * HOUSEHOLDS
