"""Issue 18, defect 5: the task worker (`manage.py db_worker`) SIGKILLed in the middle of
an import job. The job must not stay "running" for ever: housekeeping fails it once its
heartbeat is older than DOORSTEP_IMPORT_STALE_SECONDS, with a message; its upload is then
deleted on schedule; nothing of the file was written, and a re-run imports it once.

A real worker process against the test database, so PostgreSQL only (CI's PG pass)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
import time

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from doorstep.core.tests.processes import ROOT, process_env
from doorstep.registry.models import Household, ImportJob
from doorstep.registry.tasks import (
    import_files_delete,
    import_job_submit,
    import_jobs_fail_stale,
)
from doorstep.registry.tests.test_faults_import import HOUSEHOLDS, _backend_gone, _write_file

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="kills a real process"),
]

APP_NAME = "doorstep-fault-import"  # the name _backend_gone waits for


@pytest.fixture
def database_tasks(settings, tmp_path):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings


def _worker(settings, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own manage.py
        [sys.executable, str(ROOT / "manage.py"), "db_worker", *extra],
        cwd=ROOT,
        env=process_env(
            DOORSTEP_TASKS="database", MEDIA_ROOT=settings.MEDIA_ROOT, PGAPPNAME=APP_NAME
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the SIGKILL reaches all of it
    )


def _kill(worker: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def _submit(tmp_path, supervisor) -> ImportJob:
    path = tmp_path / "households.csv"
    _write_file(path)
    upload = SimpleUploadedFile("households.csv", path.read_bytes(), content_type="text/csv")
    return import_job_submit(user=supervisor, upload=upload, dry_run=False, language="en")


def test_a_killed_worker_leaves_a_job_that_housekeeping_fails_and_a_rerun_imports_once(
    tmp_path, areas, supervisor, database_tasks
):
    job = _submit(tmp_path, supervisor)
    assert job.status == ImportJob.Status.QUEUED
    worker = _worker(database_tasks)
    try:
        deadline = time.monotonic() + 180
        while True:
            job.refresh_from_db()
            if job.status == ImportJob.Status.RUNNING and job.rows_done > 0:
                break
            assert worker.poll() is None, worker.communicate()
            assert job.status != ImportJob.Status.SUCCEEDED, "finished before the kill"
            assert time.monotonic() < deadline, "the worker never started the job"
            time.sleep(0.05)
        _kill(worker)
    finally:
        if worker.poll() is None:
            _kill(worker)
    _backend_gone()

    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING  # the defect: nothing would end it
    assert not Household.objects.exists()
    # Nobody recovers a job whose heartbeat is recent...
    assert import_jobs_fail_stale() == 0
    # ...but once it is older than the timeout, housekeeping fails it.
    later = timezone.now() + dt.timedelta(seconds=database_tasks.DOORSTEP_IMPORT_STALE_SECONDS + 1)
    assert import_jobs_fail_stale(now=later) == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "stopped without finishing" in job.errors[0]["message"]

    # A re-run imports every household once.
    rerun = _submit(tmp_path, supervisor)
    batch = _worker(database_tasks, "--batch")
    out, err = batch.communicate(timeout=600)
    assert batch.returncode == 0, out + err
    rerun.refresh_from_db()
    assert rerun.status == ImportJob.Status.SUCCEEDED, rerun.errors
    assert Household.objects.count() == HOUSEHOLDS

    # The failed job's upload goes on schedule (no longer "in use").
    stored = job.file
    assert default_storage.exists(stored)
    assert import_files_delete(created_before=timezone.now() + dt.timedelta(days=8)) >= 1
    assert not default_storage.exists(stored)
