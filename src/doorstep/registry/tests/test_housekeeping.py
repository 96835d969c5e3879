"""Housekeeping of import uploads: a finished job's file goes after seven days, its row stays."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from doorstep.core import periodic
from doorstep.registry.models import ImportJob
from doorstep.registry.tasks import import_files_delete_stale, import_job_confirm

pytestmark = pytest.mark.django_db

Status = ImportJob.Status


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def job(user, *, days_old: float, status=Status.SUCCEEDED, dry_run=True, file=None, **extra):
    name = file or default_storage.save("imports/upload.csv", ContentFile(b"household_no\n"))
    created = ImportJob.objects.create(
        user=user, file=name, dry_run=dry_run, status=status, **extra
    )
    ImportJob.objects.filter(pk=created.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days_old)
    )
    created.refresh_from_db()
    return created


def test_files_of_finished_jobs_older_than_seven_days_are_deleted_and_rows_kept(team_leader):
    never_imported = job(team_leader, days_old=8)
    failed = job(team_leader, days_old=9, status=Status.FAILED)
    imported = job(team_leader, days_old=8, dry_run=False)
    paths = [never_imported.file, failed.file, imported.file]

    assert import_files_delete_stale.enqueue().return_value == 3

    for path in paths:
        assert not default_storage.exists(path)
    for kept in (never_imported, failed, imported):
        kept.refresh_from_db()
        assert kept.file == ""
    assert ImportJob.objects.count() == 3


def test_recent_and_unfinished_jobs_keep_their_files(team_leader):
    recent = job(team_leader, days_old=6)
    queued = job(team_leader, days_old=8, status=Status.QUEUED)
    running = job(team_leader, days_old=8, status=Status.RUNNING, dry_run=False)

    assert import_files_delete_stale.enqueue().return_value == 0

    for kept in (recent, queued, running):
        kept.refresh_from_db()
        assert kept.file and default_storage.exists(kept.file)


def test_an_old_dry_run_keeps_its_file_while_its_real_run_is_queued(team_leader):
    dry = job(team_leader, days_old=8)
    real = job(team_leader, days_old=0, status=Status.QUEUED, dry_run=False, file=dry.file)

    assert import_files_delete_stale.enqueue().return_value == 0

    dry.refresh_from_db()
    assert dry.file == real.file and default_storage.exists(dry.file)


def test_a_dry_run_whose_file_was_deleted_cannot_be_imported(team_leader):
    dry = job(team_leader, days_old=8)
    import_files_delete_stale.enqueue()
    dry.refresh_from_db()
    with pytest.raises(ValidationError):
        import_job_confirm(user=team_leader, job=dry)
    assert ImportJob.objects.count() == 1


def test_the_cleanup_is_registered_as_a_periodic_task():
    names = [p.name for p in periodic.registered()]
    assert "registry.import_files_delete_stale" in names
