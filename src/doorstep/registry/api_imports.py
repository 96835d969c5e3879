"""/api/v1/imports and /api/v1/exports: household import jobs and list exports.

Same rules as the pages (registry.tasks, registry.exporter): a role that may not
import gets 403; someone else's job answers 404; bad input is a 422 in the API's
one error shape.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import File, Form, Path, Query, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import Field

from doorstep.areas.selectors import area_for
from doorstep.core.schemas import MAX_ID, Id, Text, error_responses
from doorstep.registry.exporter import households_export, may_export
from doorstep.registry.models import Vulnerability
from doorstep.registry.tasks import import_job_for, import_job_submit
from doorstep.registry.views_import import export_response

imports_router = Router()
exports_router = Router()

JobId = Annotated[int, Path(ge=1, le=MAX_ID, description="Import job id.")]


class ImportErrorOut(Schema):
    row: int = Field(
        description="Row of the file (the header is row 1); 0 for the file as a whole."
    )
    column: str = Field(description="Column header as written in the file; empty for the file.")
    message: str = Field(description="What is wrong, in the language of whoever started the job.")


class ImportJobOut(Schema):
    id: int
    file_name: str = Field(alias="original_name")
    dry_run: bool = Field(description="True: checked only, nothing written.")
    status: Literal["queued", "running", "succeeded", "failed"] = Field(
        description="succeeded: no problems (and, for a real run, imported); failed: see errors."
    )
    rows_done: int = Field(description="Rows read so far.")
    rows_total: int = Field(description="Rows in the file (an estimate until the job ends).")
    rows: int
    households: int
    residents: int
    vulnerabilities: int
    written: bool = Field(description="True once a real run has committed its rows.")
    error_count: int = Field(description="Every problem found; `errors` lists the first 1,000.")
    errors: list[ImportErrorOut]
    warnings: list[ImportErrorOut] = Field(
        description="Cells imported as they are but worth a look (text a spreadsheet "
        "could run as a formula); at most 1,000."
    )
    created_at: dt.datetime
    finished_at: dt.datetime | None


class ExportQuery(Schema):
    format: Literal["csv", "xlsx"] = Field("csv", description="csv (UTF-8 with BOM) or xlsx.")
    headers: Literal["en", "zh"] = Field("en", description="Column headers in English or Chinese.")
    q: Text = Field("", max_length=100, description="As the household list's q.")
    area: Id | None = Field(None, description="Only households in this area and below it.")
    vulnerability: Vulnerability | None = Field(None, description="Only this category.")


def _forbidden(exc: PermissionDenied) -> HttpError:
    return HttpError(403, str(exc) or _("Your role may not import households."))


@imports_router.post(
    "",
    response={201: ImportJobOut, **error_responses(403, 413)},
    summary="Upload a file to check (dry run) or import",
    description="Multipart form: `file` (.csv or .xlsx, in the import format) and "
    "`dry_run` (default true). The job runs in the background; poll GET /imports/{id}.",
)
def imports_create(
    request,
    file: File[UploadedFile],
    dry_run: Form[bool] = True,
):
    try:
        job = import_job_submit(user=request.auth, upload=file, dry_run=dry_run)
    except PermissionDenied as exc:
        raise _forbidden(exc) from None
    return 201, job


@imports_router.get(
    "/{job_id}",
    response={200: ImportJobOut, **error_responses(404)},
    summary="Progress and result of an import job",
    description="Only the user who started the job can read it.",
)
def imports_get(request, job_id: JobId):
    return import_job_for(request.auth, job_id)


@exports_router.get(
    "/households",
    response={200: None, **error_responses(403, 404)},
    summary="Export households (CSV or XLSX) in the import format",
    description="The household list's filters; one row per resident. Every export is "
    "written to the audit log with its filter and household count.",
)
def exports_households(request, filters: Query[ExportQuery]):
    user = request.auth
    if not may_export(user):
        raise HttpError(403, _("Your role may not read household records."))
    area = None
    if filters.area:
        try:
            area = area_for(user, filters.area)
        except Http404:
            raise ValidationError(
                {"area": _("There is no area with this id in your area.")}
            ) from None
    _count, rows = households_export(
        user=user,
        q=filters.q.strip(),
        area=area,
        vulnerability=filters.vulnerability.value if filters.vulnerability else "",
        chinese=filters.headers == "zh",
        channel="api:v1:exports",
    )
    return export_response(rows, filters.format)
