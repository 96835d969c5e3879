"""The import page flow (upload → dry run → Import) and the import/export API."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from doorstep.accounts.services import api_token_create
from doorstep.registry.models import Household, ImportJob
from doorstep.registry.tests.test_import import family, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(tmp_path, rows, name="households.csv"):
    path = write_csv(tmp_path / "upload.csv", rows)
    with open(path, "rb") as fh:
        return SimpleUploadedFile(name, fh.read(), content_type="text/csv")


def test_upload_check_then_import(client, tmp_path, areas, team_leader):
    client.force_login(team_leader)
    assert client.get(reverse("registry:import_upload")).status_code == 200
    response = client.post(reverse("registry:import_upload"), {"file": upload(tmp_path, family())})
    assert response.status_code == 302
    dry = ImportJob.objects.get()
    assert response["Location"] == reverse("registry:import_job", args=[dry.pk])
    assert (dry.dry_run, dry.status, dry.households, dry.residents) == (True, "succeeded", 1, 3)
    assert not Household.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert reverse("registry:import_run", args=[dry.pk]) in page
    assert "every 1s" not in page  # finished: no more polling

    response = client.post(reverse("registry:import_run", args=[dry.pk]))
    real = ImportJob.objects.exclude(pk=dry.pk).get()
    assert response["Location"] == reverse("registry:import_job", args=[real.pk])
    assert (real.dry_run, real.status, real.written, real.source) == (False, "succeeded", True, dry)
    assert Household.objects.count() == 1
    # The file is gone once the real run is over.
    from django.core.files.storage import default_storage

    assert not default_storage.exists(real.file)
    assert client.get(response["Location"]).status_code == 200


def test_bad_rows_are_listed_on_the_page_and_cannot_be_imported(
    client, tmp_path, areas, team_leader
):
    rows = family()
    rows[1]["phone"] = "123"
    client.force_login(team_leader)
    response = client.post(
        reverse("registry:import_upload"), {"file": upload(tmp_path, rows)}, follow=True
    )
    job = ImportJob.objects.get()
    assert job.status == "failed" and job.error_count == 1
    page = response.content.decode()
    assert "<td>3</td><td>phone</td>" in page
    assert reverse("registry:import_run", args=[job.pk]) not in page
    assert client.post(reverse("registry:import_run", args=[job.pk])).status_code == 400
    assert not Household.objects.exists()


def test_progress_is_polled_until_the_job_is_done(client, areas, team_leader):
    job = ImportJob.objects.create(
        user=team_leader, file="imports/x.csv", rows_done=5, rows_total=10
    )
    client.force_login(team_leader)
    body = client.get(reverse("registry:import_progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in body
    assert 'value="50"' in body


def test_wrong_file_type_is_a_form_error(client, tmp_path, team_leader):
    client.force_login(team_leader)
    file = SimpleUploadedFile("households.pdf", b"%PDF", content_type="application/pdf")
    response = client.post(reverse("registry:import_upload"), {"file": file})
    assert response.status_code == 400
    assert not ImportJob.objects.exists()


def test_worker_gets_403_on_the_upload_page_and_404_on_jobs(
    client, tmp_path, areas, worker_a, team_leader
):
    job = ImportJob.objects.create(user=team_leader, file="imports/x.csv")
    client.force_login(worker_a)
    assert client.get(reverse("registry:import_upload")).status_code == 403
    assert (
        client.post(
            reverse("registry:import_upload"), {"file": upload(tmp_path, family())}
        ).status_code
        == 403
    )
    assert client.get(reverse("registry:import_job", args=[job.pk])).status_code == 404
    assert client.post(reverse("registry:import_run", args=[job.pk])).status_code == 404


def test_another_importer_cannot_see_my_job(client, areas, team_leader, supervisor):
    job = ImportJob.objects.create(user=team_leader, file="imports/x.csv")
    client.force_login(supervisor)
    assert client.get(reverse("registry:import_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("registry:import_progress", args=[job.pk])).status_code == 404


def test_signed_out_visitor_is_sent_to_sign_in(client):
    assert client.get(reverse("registry:import_upload")).status_code == 302


# --- API --------------------------------------------------------------------------------


def bearer(user) -> dict:
    _token, raw = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_api_dry_run_then_real_run(client, tmp_path, areas, team_leader):
    auth = bearer(team_leader)
    response = client.post("/api/v1/imports", {"file": upload(tmp_path, family())}, **auth)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["dry_run"] is True and body["status"] == "succeeded" and body["households"] == 1
    assert not Household.objects.exists()
    got = client.get(f"/api/v1/imports/{body['id']}", **auth).json()
    assert got["residents"] == 3
    response = client.post(
        "/api/v1/imports", {"file": upload(tmp_path, family()), "dry_run": "false"}, **auth
    )
    assert response.json()["written"] is True
    assert Household.objects.count() == 1


def test_api_lists_bad_rows(client, tmp_path, areas, team_leader):
    rows = family()
    rows[0]["area_code"] = "652901002001"  # another township: outside the team leader's area
    response = client.post(
        "/api/v1/imports", {"file": upload(tmp_path, rows)}, **bearer(team_leader)
    )
    body = response.json()
    assert body["status"] == "failed"
    assert body["errors"] == [
        {"row": 2, "column": "area_code", "message": body["errors"][0]["message"]}
    ]


def test_api_refuses_a_worker_with_403_and_hides_jobs_of_others(
    client, tmp_path, areas, worker_a, team_leader
):
    response = client.post(
        "/api/v1/imports", {"file": upload(tmp_path, family())}, **bearer(worker_a)
    )
    assert response.status_code == 403
    assert set(response.json()) == {"detail", "errors"}
    job = ImportJob.objects.create(user=team_leader, file="imports/x.csv")
    response = client.get(f"/api/v1/imports/{job.pk}", **bearer(worker_a))
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "errors"}


def test_api_bad_upload_is_a_422(client, tmp_path, team_leader):
    auth = bearer(team_leader)
    response = client.post("/api/v1/imports", {}, **auth)
    assert response.status_code == 422
    file = SimpleUploadedFile("x.pdf", b"%PDF")
    response = client.post("/api/v1/imports", {"file": file}, **auth)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "file"


def test_api_export_csv_and_xlsx_with_filters(client, tmp_path, areas, team_leader, worker_b):
    from doorstep.registry.importing import import_households

    path = write_csv(tmp_path / "seed.csv", family())
    assert import_households(path, dry_run=False, channel="test").ok
    response = client.get("/api/v1/exports/households", {"format": "csv"}, **bearer(team_leader))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 4
    response = client.get(
        "/api/v1/exports/households", {"format": "xlsx", "headers": "zh"}, **bearer(team_leader)
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    # A worker of another village exports nothing of village A.
    response = client.get("/api/v1/exports/households", **bearer(worker_b))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 1
    # An area outside the caller's scope, a bad format: 422, not 5xx.
    response = client.get(
        "/api/v1/exports/households", {"area": areas["village_a"].pk}, **bearer(worker_b)
    )
    assert response.status_code == 422
    response = client.get("/api/v1/exports/households", {"format": "pdf"}, **bearer(worker_b))
    assert response.status_code == 422


@pytest.mark.parametrize("persona", ["analyst", "responder"])
def test_api_export_refused_to_roles_without_registry_access(client, request, persona):
    response = client.get("/api/v1/exports/households", **bearer(request.getfixturevalue(persona)))
    assert response.status_code == 403
