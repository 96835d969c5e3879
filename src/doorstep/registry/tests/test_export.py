"""Household export: the import format, scoped and audited; an export re-imports unchanged."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from doorstep.core.testing import make_household
from doorstep.privacy.models import AuditEvent
from doorstep.registry.exporter import households_export
from doorstep.registry.importing import HEADERS_EN, HEADERS_ZH, import_households
from doorstep.registry.models import Household, HouseholdVulnerability, Resident
from doorstep.registry.tests.test_import import family, write_csv

pytestmark = pytest.mark.django_db


def snapshot() -> list[tuple]:
    """Every imported field of every household, resident and vulnerability, by number."""
    households = []
    for h in Household.objects.select_related("area").order_by("household_no"):
        residents = sorted(
            Resident.objects.filter(household=h).values_list(
                "name", "sex", "birth_date", "relationship", "phone", "id_number"
            ),
            key=lambda r: (r[3] != "head", r[0]),
        )
        households.append(
            (
                h.household_no,
                h.area.code,
                h.address,
                h.latitude,
                h.longitude,
                h.phone,
                h.languages,
                h.annual_income,
                tuple(residents),
                tuple(
                    HouseholdVulnerability.objects.filter(household=h)
                    .order_by("category")
                    .values_list("category", flat=True)
                ),
            )
        )
    return households


def seed(tmp_path):
    other = [
        r | {"id_number": "", "birth_date": ""} for r in family("H-0002", area="652901001001G01")
    ]
    other[0].update(
        longitude="", latitude="", annual_income="", vulnerability="", languages="", phone=""
    )
    third = [r | {"id_number": "", "birth_date": ""} for r in family("H-0003", area="652901001002")]
    third[0]["vulnerability"] = "独居老人"
    path = write_csv(tmp_path / "seed.csv", family() + other + third)
    report = import_households(path, dry_run=False, channel="test")
    assert report.ok, report.errors


def download(client, user, **params) -> bytes:
    client.force_login(user)
    response = client.get(reverse("registry:households_export"), params)
    assert response.status_code == 200, response.content[:300]
    return b"".join(response.streaming_content)


def test_csv_export_has_bom_the_import_columns_and_one_row_per_resident(
    client, tmp_path, areas, supervisor
):
    seed(tmp_path)
    body = download(client, supervisor, format="csv")
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    # The import's columns first; installed apps may add optional ones after them
    # (registry.importing.extra).
    assert tuple(rows[0][: len(HEADERS_EN)]) == HEADERS_EN
    assert len(rows) == 1 + 9
    assert rows[1][:3] == ["H-0001", "艾力·买买提", "head"]
    # Household columns on the head's row only.
    assert rows[1][HEADERS_EN.index("area_code")] == "652901001001"
    assert rows[2][HEADERS_EN.index("area_code")] == ""


def test_chinese_headers_and_values(client, tmp_path, areas, supervisor):
    seed(tmp_path)
    rows = list(
        csv.reader(io.StringIO(download(client, supervisor, headers="zh").decode("utf-8-sig")))
    )
    assert tuple(rows[0][: len(HEADERS_ZH)]) == HEADERS_ZH
    assert rows[1][2] == "户主" and rows[1][3] == "男"
    assert "低保" in rows[1][HEADERS_EN.index("vulnerability")]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("headers", ["en", "zh"])
def test_export_reimports_into_an_empty_database_unchanged(
    client, tmp_path, areas, supervisor, fmt, headers
):
    seed(tmp_path)
    before = snapshot()
    body = download(client, supervisor, format=fmt, headers=headers)
    Household.objects.all().delete()
    path = tmp_path / f"export.{fmt}"
    path.write_bytes(body)
    report = import_households(str(path), dry_run=False, channel="test")
    assert report.ok, report.errors
    assert snapshot() == before


def test_export_is_filtered_scoped_and_audited(client, tmp_path, areas, worker_a, worker_b):
    seed(tmp_path)
    body = download(client, worker_b, format="csv")
    numbers = {r[0] for r in csv.reader(io.StringIO(body.decode("utf-8-sig")))}
    assert numbers == {"household_no", "H-0003"}
    body = download(client, worker_a, format="csv", vulnerability="disability")
    numbers = {r[0] for r in csv.reader(io.StringIO(body.decode("utf-8-sig")))}
    assert numbers == {"household_no", "H-0001"}
    event = AuditEvent.objects.filter(action="export").latest("at")
    assert event.actor == worker_a
    assert event.detail == {
        "filter": {"q": "", "area": "", "vulnerability": "disability"},
        "households": 1,
    }


def test_area_filter_outside_scope_is_refused(client, areas, worker_a):
    client.force_login(worker_a)
    response = client.get(reverse("registry:households_export"), {"area": areas["village_b"].pk})
    assert response.status_code in {400, 404}


@pytest.mark.parametrize("persona", ["analyst", "responder"])
def test_roles_without_registry_access_cannot_export(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("registry:households_export")).status_code == 403
    assert not AuditEvent.objects.exists()


def test_bad_format_is_a_400(client, worker_a):
    client.force_login(worker_a)
    assert client.get(reverse("registry:households_export"), {"format": "pdf"}).status_code == 400


def test_export_queries_do_not_grow_with_households(
    areas, supervisor, django_assert_max_num_queries
):
    for _ in range(30):
        make_household(area=areas["village_a"], members=3, vulnerabilities=("disability",))
    _count, rows = households_export(user=supervisor, channel="test")
    # count + audit + households + residents + vulnerabilities (one chunk), plus a savepoint or two.
    with django_assert_max_num_queries(8):
        _count, rows = households_export(user=supervisor, channel="test")
        assert len(list(rows)) == 1 + 90


def test_xlsx_export_opens(client, tmp_path, areas, supervisor):
    seed(tmp_path)
    body = download(client, supervisor, format="xlsx")
    path = tmp_path / "x.xlsx"
    path.write_bytes(body)
    sheet = load_workbook(path, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    # The import's columns first; installed apps may add optional ones after them
    # (registry.importing.extra).
    assert tuple(rows[0][: len(HEADERS_EN)]) == HEADERS_EN
    assert len(rows) == 10
