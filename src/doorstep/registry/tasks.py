"""Import jobs: starting them (from the page and the API), reading them back, and the
background task that runs the importer. Uploads live under MEDIA_ROOT/imports/.

The page and the API call the same functions here, so the rules (who may import,
which file types, how big) are written once.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from doorstep.registry.importing import import_households
from doorstep.registry.models import ImportJob

ALLOWED_EXTENSIONS = {".csv", ".xlsx"}
# Uploads hold personal data: a finished job's file is kept this long, for the
# "Import" of a clean dry run, then deleted by import_files_delete_stale.
IMPORT_FILES_KEPT = dt.timedelta(days=7)


def import_job_for(user, job_id: int) -> ImportJob:
    """A job of the caller's own; anyone else's answers 404."""
    if not getattr(user, "is_authenticated", False) or not user.can_import:
        raise Http404
    job = ImportJob.objects.filter(pk=job_id, user=user).first()
    if job is None:
        raise Http404
    return job


def _check_importer(user) -> None:
    if not getattr(user, "is_authenticated", False) or not user.can_import:
        raise PermissionDenied(_("Your role may not import households."))


def import_job_submit(*, user, upload, dry_run: bool = True, language: str = "") -> ImportJob:
    """Store an uploaded file and queue its import. Raises PermissionDenied for a user
    who may not import and ValidationError (field "file") for a file we cannot take."""
    _check_importer(user)
    if upload is None:
        raise ValidationError({"file": _("Choose a .csv or .xlsx file.")})
    extension = os.path.splitext(upload.name or "")[1].lower()
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError({"file": _("Upload a .csv or .xlsx file.")})
    if upload.size > settings.DOORSTEP_IMPORT_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("The file is larger than %(size)s MB.")
                % {"size": settings.DOORSTEP_IMPORT_MAX_BYTES // (1024 * 1024)}
            }
        )
    # Our own name: the uploaded one is only shown, never used as a path.
    stored = default_storage.save(f"imports/{uuid.uuid4().hex}{extension}", upload)
    job = ImportJob.objects.create(
        user=user,
        file=stored,
        original_name=os.path.basename(upload.name or "")[:255],
        dry_run=dry_run,
        language=language or translation.get_language() or "",
    )
    import_job_run.enqueue(job.pk)
    job.refresh_from_db()
    return job


def import_job_confirm(*, user, job: ImportJob) -> ImportJob:
    """Run the real import of the file of a clean dry run."""
    _check_importer(user)
    if not (job.dry_run and job.status == ImportJob.Status.SUCCEEDED):
        raise ValidationError(_("Only a dry run without errors can be imported."))
    # An empty name is a file housekeeping deleted (exists("") is the media folder).
    if not job.file or not default_storage.exists(job.file):
        raise ValidationError(_("The uploaded file is no longer there; upload it again."))
    real = ImportJob.objects.create(
        user=user,
        file=job.file,
        original_name=job.original_name,
        dry_run=False,
        source=job,
        language=translation.get_language() or job.language,
    )
    import_job_run.enqueue(real.pk)
    real.refresh_from_db()
    return real


class _Progress:
    """Writes progress onto the job row, at most twice a second.

    A real run holds one long transaction, and progress written inside it would only
    show when it commits. On PostgreSQL a second connection writes it outside; SQLite
    has one writer at a time, so there a real run's progress shows at the end
    (imports on SQLite are small). Nothing in the import transaction may touch the job
    row, or the second connection would wait for it forever.
    """

    def __init__(self, job_pk: int) -> None:
        self.job_pk = job_pk
        self.last = 0.0
        self.side = None

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.5:
            return
        self.last = now
        # The heartbeat rides on progress: import_jobs_fail_stale reads it.
        if not connection.in_atomic_block:
            ImportJob.objects.filter(pk=self.job_pk).update(
                rows_done=done, rows_total=total, heartbeat_at=timezone.now()
            )
            return
        if connection.vendor != "postgresql":
            return
        if self.side is None:
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)
        with self.side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ImportJob._meta.db_table} SET rows_done = %s, rows_total = %s, heartbeat_at = %s WHERE id = %s",  # noqa: S608 - table name from model metadata
                [done, total, timezone.now(), self.job_pk],
            )

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


@task()
def import_job_run(job_id: int) -> None:
    # Claim the job with one UPDATE ... WHERE so that two workers never run it twice.
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        return
    job = ImportJob.objects.select_related("user", "user__area").get(pk=job_id)
    progress = _Progress(job.pk)
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            report = import_households(
                default_storage.path(job.file),
                user=job.user,
                dry_run=job.dry_run,
                channel=f"import_job:{job.pk}",
                progress=progress,
                source_name=job.original_name,
            )
    except Exception:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED,
            finished_at=timezone.now(),
            error_count=1,
            errors=[{"row": 0, "column": "", "message": _("The import stopped unexpectedly.")}],
        )
        raise
    finally:
        progress.close()
    # status=RUNNING: a job that housekeeping already failed as stale stays failed.
    ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.RUNNING).update(
        status=ImportJob.Status.SUCCEEDED if report.ok else ImportJob.Status.FAILED,
        finished_at=timezone.now(),
        rows_done=report.rows,
        rows_total=report.rows,
        rows=report.rows,
        households=report.households,
        residents=report.residents,
        vulnerabilities=report.vulnerabilities,
        error_count=report.error_count,
        errors=report.errors,
        warnings=report.warnings,
        written=report.written,
    )
    if not job.dry_run:
        # Personal data should not outlive its use: a real run's file goes either way.
        default_storage.delete(job.file)


def import_jobs_fail_stale(*, now: dt.datetime | None = None) -> int:
    """Fail every running job whose heartbeat is older than DOORSTEP_IMPORT_STALE_SECONDS
    (its worker was killed or lost its database); returns how many. Nothing of a real
    run was written (it is one transaction, rolled back with the dead connection), so
    the dry run's "Import" may simply be pressed again. The upload is then no longer
    "in use" and import_files_delete removes it on schedule."""
    now = now or timezone.now()
    limit = now - dt.timedelta(seconds=settings.DOORSTEP_IMPORT_STALE_SECONDS)
    stale = ImportJob.objects.filter(status=ImportJob.Status.RUNNING).filter(
        models.Q(heartbeat_at__lt=limit) | models.Q(heartbeat_at__isnull=True, started_at__lt=limit)
    )
    failed = 0
    for job in stale.select_related("user"):
        with translation.override(job.language or settings.LANGUAGE_CODE):
            message = _(
                "The import stopped without finishing (its worker ended); nothing was "
                "written. Start it again."
            )
        failed += ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.RUNNING).update(
            status=ImportJob.Status.FAILED,
            finished_at=now,
            error_count=1,
            errors=[{"row": 0, "column": "", "message": message}],
        )
    return failed


@task()
def import_jobs_fail_stale_task() -> int:
    """Periodic (registered in RegistryConfig.ready)."""
    return import_jobs_fail_stale()


def import_files_delete(*, created_before: dt.datetime) -> int:
    """Delete the uploads of finished jobs (dry runs, imported or not, and real runs)
    created before `created_before`; returns how many files. The job rows stay, with
    an empty `file`. A file that a queued or running job still reads (a dry run's
    file is shared with the real run that follows it) is kept until that job ends."""
    finished = [ImportJob.Status.SUCCEEDED, ImportJob.Status.FAILED]
    in_use = ImportJob.objects.exclude(status__in=finished).exclude(file="").values("file")
    with transaction.atomic():
        stale = (
            ImportJob.objects.filter(created_at__lt=created_before, status__in=finished)
            .exclude(file="")
            .exclude(file__in=in_use)
        )
        paths = set(stale.values_list("file", flat=True))
        # Clear the rows first: import_job_confirm then refuses them instead of
        # starting a real run on a file about to go.
        ImportJob.objects.filter(file__in=paths).update(file="")
    for path in sorted(paths):
        default_storage.delete(path)  # no error if gone already (real runs delete theirs)
    return len(paths)


@task()
def import_files_delete_stale() -> int:
    """Periodic (registered in RegistryConfig.ready)."""
    return import_files_delete(created_before=timezone.now() - IMPORT_FILES_KEPT)
