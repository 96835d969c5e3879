"""Issue 18: the export cell policy (defect 1), the text-input policy on import cells
(defect 4), the upload caps of the shared reader (defect 10), uniqueness answers that
do not confirm a record exists (defect 6, importer), and stale jobs (defect 5)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from openpyxl import Workbook

from doorstep.core.testing import make_household
from doorstep.registry.importing import HEADERS_EN, import_households
from doorstep.registry.models import Household, ImportJob
from doorstep.registry.tasks import import_files_delete, import_jobs_fail_stale
from doorstep.registry.tests.test_import import family, run, write_csv

pytestmark = pytest.mark.django_db

FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)", "\tx", "\rx"]


def _export_cells(client, url) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize(
    "url", ["/api/v1/exports/households?format=csv", "/households/export/?format=csv"]
)
def test_csv_export_neutralises_formula_cells(client, areas, supervisor, url):
    for n, formula in enumerate(FORMULAS):
        household = make_household(area=areas["village_a"], household_no=f"F-{n}")
        head = household.residents.get(relationship="head")
        head.name = formula
        head.save(update_fields=["name"])
    client.force_login(supervisor)
    rows = _export_cells(client, url)
    names = {r[1] for r in rows[1:]}
    for formula in FORMULAS:
        assert "'" + formula in names
    for r in rows:
        for cell in r:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_importer_warns_on_formula_like_cells_and_imports_them_as_text(tmp_path, areas, supervisor):
    rows = family(name='=HYPERLINK("http://x")', address="@SUM(A1:A2)")
    report = run(tmp_path, rows, dry_run=False, user=supervisor)
    assert report.ok and report.written
    assert [(w["row"], w["column"]) for w in report.warnings] == [(2, "name"), (2, "address")]
    assert Household.objects.get().address == "@SUM(A1:A2)"


@pytest.mark.parametrize("bad", ["艾力\x00", "艾\x01力", "a\x7fb"])
def test_dry_run_refuses_control_characters_that_the_real_run_could_not_write(
    tmp_path, areas, supervisor, bad
):
    report = run(tmp_path, family(name=bad), user=supervisor)
    assert not report.ok
    assert (2, "name") in [(e["row"], e["column"]) for e in report.errors]
    assert "control character" in report.errors[0]["message"]
    real = run(tmp_path, family(name=bad), dry_run=False, user=supervisor)
    assert not real.written and not Household.objects.exists()
    assert (2, "name") in [(e["row"], e["column"]) for e in real.errors]


def test_a_zero_width_only_name_is_empty(tmp_path, areas, supervisor):
    report = run(tmp_path, family(name="\u200b\u200b"), user=supervisor)
    assert (2, "name") in [(e["row"], e["column"]) for e in report.errors]
    assert report.errors[0]["message"] == "This field is required."


def test_a_one_megabyte_cell_is_a_row_error_not_a_crash(tmp_path, areas, supervisor):
    with translation.override("en"):
        checked = run(tmp_path, family(address="x" * 1_000_000), user=supervisor)
    assert checked.errors[0]["row"] == 2
    assert "too long" in checked.errors[0]["message"]
    real = run(tmp_path, family(address="x" * 1_000_000), dry_run=False, user=supervisor)
    assert not real.written and not Household.objects.exists()
    assert real.errors[0]["row"] == 2


def test_rows_over_the_cap_are_refused_with_a_clear_message(tmp_path, areas, supervisor, settings):
    settings.DOORSTEP_IMPORT_MAX_ROWS = 2
    report = run(tmp_path, family(), user=supervisor)
    assert not report.ok
    assert (
        report.errors[0]["message"] == "The file has more than 2 rows; split it into smaller files."
    )


def _xlsx(path, rows: int, width: int = 14) -> str:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(list(HEADERS_EN))
    for _ in range(rows):
        sheet.append(["A" * 20] * width)
    workbook.save(path)
    return str(path)


def test_an_xlsx_that_unpacks_past_the_cap_is_refused_before_parsing(
    tmp_path, areas, supervisor, settings
):
    settings.DOORSTEP_IMPORT_MAX_UNCOMPRESSED_BYTES = 100_000
    path = _xlsx(tmp_path / "bomb.xlsx", 2000)
    with zipfile.ZipFile(path) as archive:
        assert sum(i.file_size for i in archive.infolist()) > 100_000
    report = import_households(path, user=supervisor, dry_run=True, channel="test")
    assert report.error_count == 1
    assert "unpacks to more than" in report.errors[0]["message"]


def test_an_xlsx_packed_past_the_ratio_is_refused(tmp_path, areas, supervisor, settings):
    settings.DOORSTEP_IMPORT_MAX_RATIO = 20
    path = _xlsx(tmp_path / "bomb.xlsx", 60_000)  # ~12 MB of identical cells, packs > 20:1
    report = import_households(path, user=supervisor, dry_run=True, channel="test")
    assert "unpacks to more than" in report.errors[0]["message"]


def test_a_file_over_the_size_cap_is_refused_by_the_reader(tmp_path, areas, supervisor, settings):
    path = write_csv(tmp_path / "h.csv", family())
    settings.DOORSTEP_IMPORT_MAX_BYTES = 10
    report = import_households(path, user=supervisor, dry_run=True, channel="test")
    assert "larger than" in report.errors[0]["message"]


def test_database_duplicates_say_cannot_be_used_not_exists(tmp_path, areas, team_leader):
    make_household(area=areas["village_b"], household_no="H-0001")  # outside? same township
    report = run(tmp_path, family(), user=team_leader)
    messages = [e["message"] for e in report.errors]
    assert "Household number H-0001 cannot be used." in messages
    assert not any("database" in m or "exist" in m for m in messages)


def test_a_stale_running_job_is_failed_and_its_upload_deleted_on_schedule(
    areas, supervisor, settings
):
    upload = SimpleUploadedFile("h.csv", b"household_no\n")
    stored = default_storage.save("imports/stale.csv", upload)
    old = timezone.now() - dt.timedelta(days=8)
    job = ImportJob.objects.create(
        user=supervisor, file=stored, status=ImportJob.Status.RUNNING, language="en"
    )
    ImportJob.objects.filter(pk=job.pk).update(created_at=old, started_at=old, heartbeat_at=old)
    fresh = ImportJob.objects.create(
        user=supervisor,
        file="imports/other.csv",
        status=ImportJob.Status.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    assert import_files_delete(created_before=timezone.now() - dt.timedelta(days=7)) == 0
    assert import_jobs_fail_stale() == 1
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.finished_at is not None
    assert "stopped without finishing" in job.errors[0]["message"]
    assert fresh.status == ImportJob.Status.RUNNING
    assert import_files_delete(created_before=timezone.now() - dt.timedelta(days=7)) == 1
    assert not default_storage.exists(stored)


def test_the_api_shows_warnings_of_a_job(client, areas, supervisor, tmp_path):
    path = write_csv(tmp_path / "h.csv", family(name="+1+1"))
    client.force_login(supervisor)
    with open(path, "rb") as fh:
        response = client.post("/api/v1/imports", {"file": fh, "dry_run": "true"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "succeeded"
    assert body["warnings"][0]["column"] == "name"
