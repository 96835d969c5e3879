"""Pages for importing households (upload → dry run → import) and exporting the list.

Thin: the rules live in registry.tasks (jobs) and registry.exporter; reads go through
the selectors there.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doorstep.core.htmx import fragment
from doorstep.registry.exporter import (
    CONTENT_TYPES,
    csv_stream,
    households_export,
    may_export,
    xlsx_file,
)
from doorstep.registry.forms import area_from_chain
from doorstep.registry.models import ImportJob, Vulnerability
from doorstep.registry.tasks import import_job_confirm, import_job_for, import_job_submit


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File (.csv or .xlsx)"),
        help_text=gettext_lazy(
            "One row per resident; English or Chinese column headers; UTF-8 or GB18030."
        ),
    )


def _require_importer(user) -> None:
    if not user.can_import:
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    _require_importer(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_submit(
                user=request.user,
                upload=form.cleaned_data["file"],
                dry_run=True,
                language=get_language() or "",
            )
        except ValidationError as exc:
            for message in exc.message_dict.get("file", exc.messages):
                form.add_error("file", message)
        else:
            return redirect("registry:import_job", job_id=job.pk)
    status = 400 if request.method == "POST" else 200
    recent = ImportJob.objects.filter(user=request.user).order_by("-created_at")[:10]
    return render(
        request, "registry/import_upload.html", {"form": form, "recent": recent}, status=status
    )


@login_required
@require_GET
def import_job(request, job_id: int):
    job = import_job_for(request.user, job_id)
    return render(request, "registry/import_job.html", {"job": job})


@fragment
@login_required
@require_GET
def import_progress(request, job_id: int):
    """The part of the job page that htmx polls every second until the job is done."""
    job = import_job_for(request.user, job_id)
    return render(request, "registry/import_progress.html", {"job": job})


@login_required
@require_POST
def import_run(request, job_id: int):
    job = import_job_for(request.user, job_id)
    try:
        real = import_job_confirm(user=request.user, job=job)
    except ValidationError as exc:
        return render(
            request,
            "registry/import_job.html",
            {"job": job, "run_error": " ".join(exc.messages)},
            status=400,
        )
    return redirect("registry:import_job", job_id=real.pk)


@login_required
@require_GET
def households_export_view(request):
    """The household list's filters (q, area chain, vulnerability) as CSV or XLSX."""
    user = request.user
    if not may_export(user):
        raise PermissionDenied
    fmt = request.GET.get("format", "csv")
    if fmt not in CONTENT_TYPES:
        return HttpResponseBadRequest(_("Choose the format csv or xlsx."))
    vulnerability = request.GET.get("vulnerability", "")
    if vulnerability and vulnerability not in Vulnerability.values:
        return HttpResponseBadRequest(_("Unknown vulnerability category."))
    try:
        area = area_from_chain(user, request.GET.getlist("area"))
    except ValueError:
        return HttpResponseBadRequest(_("Choose an area from the list."))
    _count, rows = households_export(
        user=user,
        q=request.GET.get("q", "").strip()[:100],
        area=area,
        vulnerability=vulnerability,
        chinese=request.GET.get("headers") == "zh",
        channel="page:households_export",
    )
    return export_response(rows, fmt)


def export_response(rows, fmt: str):
    """The download for export rows; shared with the API."""
    filename = f"households-{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(csv_stream(rows), content_type=CONTENT_TYPES["csv"])
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return FileResponse(
        xlsx_file(rows), as_attachment=True, filename=filename, content_type=CONTENT_TYPES["xlsx"]
    )
