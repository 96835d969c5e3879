"""The poverty status as optional columns of the household file: imported with the
households (English or Chinese headers and values), checked with row and column,
exported after the registry's columns, and re-imported unchanged."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from doorstep.monitoring.columns import COLUMNS
from doorstep.monitoring.models import HouseholdPoverty, StatusChange
from doorstep.registry.importing import HEADERS_EN, HEADERS_ZH, import_households
from doorstep.registry.models import Household

pytestmark = pytest.mark.django_db
EXTRA_EN = [en for _k, en, _zh in COLUMNS]
EXTRA_ZH = [zh for _k, _en, zh in COLUMNS]


def _file(tmp_path, rows, *, chinese=False) -> str:
    headers = list(HEADERS_ZH if chinese else HEADERS_EN)
    headers += EXTRA_ZH if chinese else EXTRA_EN
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for no, extra in rows:
        base = {"household_no": no, "name": "穆永胜", "relationship": "户主" if chinese else "head"}
        base["area_code"] = "652901001001"
        writer.writerow([base.get(k, "") for k in HEADERS_EN] + extra)
    path = tmp_path / "households.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return str(path)


def test_statuses_import_with_english_headers(tmp_path, areas):
    path = _file(
        tmp_path,
        [
            ("H-1", ["lifted", "2019", "", "", "", ""]),
            ("H-2", ["monitored", "2018", "2025-03-01", "unstable", "illness;income_drop", ""]),
            ("H-3", ["risk_removed", "", "2024-01-05", "edge", "unemployment", "2025-06-30"]),
            ("H-4", ["", "", "", "", "", ""]),
        ],
    )
    report = import_households(path, dry_run=False, channel="test")
    assert report.ok, report.errors
    status = {
        p.household.household_no: p for p in HouseholdPoverty.objects.select_related("household")
    }
    assert set(status) == {"H-1", "H-2", "H-3"}
    assert status["H-1"].lifted_year == 2019
    assert status["H-2"].risk_kinds == "illness,income_drop" and status["H-2"].next_review_on
    assert str(status["H-3"].risk_removed_on) == "2025-06-30"
    assert StatusChange.objects.count() == 3


def test_chinese_headers_and_values(tmp_path, areas):
    path = _file(
        tmp_path,
        [("H-9", ["监测对象", "", "2025-03-01", "突发严重困难户", "自然灾害；住房", ""])],
        chinese=True,
    )
    report = import_households(path, dry_run=False, channel="test")
    assert report.ok, report.errors
    p = HouseholdPoverty.objects.get()
    assert (p.status, p.monitoring_type, p.risk_kinds) == (
        "monitored",
        "sudden",
        "disaster,housing",
    )


@pytest.mark.parametrize(
    ("extra", "column"),
    [
        (["poor", "", "", "", "", ""], "poverty_status"),
        (["lifted", "", "", "", "", ""], "lifted_year"),
        (["monitored", "", "2025-13-01", "edge", "", ""], "monitored_since"),
        (["monitored", "", "2025-03-01", "dangerous", "", ""], "monitoring_type"),
        (["monitored", "", "2025-03-01", "edge", "religion", ""], "risk_kinds"),
        (["risk_removed", "", "2025-03-01", "edge", "", ""], "risk_removed_on"),
    ],
)
def test_bad_values_are_reported_with_row_and_column_and_nothing_is_written(
    tmp_path, areas, extra, column
):
    path = _file(tmp_path, [("H-1", extra)])
    report = import_households(path, dry_run=True, channel="test")
    assert not report.ok
    assert [(e["row"], e["column"]) for e in report.errors] == [(2, column)]
    assert not import_households(path, dry_run=False, channel="test").ok
    assert not Household.objects.exists() and not HouseholdPoverty.objects.exists()


@pytest.mark.parametrize("headers", ["en", "zh"])
def test_export_carries_the_status_and_reimports_unchanged(
    client, tmp_path, areas, supervisor, headers
):
    path = _file(
        tmp_path,
        [
            ("H-1", ["lifted", "2019", "", "", "", ""]),
            ("H-2", ["monitored", "", "2025-03-01", "unstable", "illness;income_drop", ""]),
        ],
    )
    assert import_households(path, dry_run=False, channel="test").ok

    def snapshot():
        return sorted(
            HouseholdPoverty.objects.values_list(
                "household__household_no",
                "status",
                "lifted_year",
                "monitored_since",
                "monitoring_type",
                "risk_kinds",
                "risk_removed_on",
            )
        )

    before = snapshot()
    client.force_login(supervisor)
    response = client.get(
        reverse("registry:households_export"), {"format": "csv", "headers": headers}
    )
    body = b"".join(response.streaming_content)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][len(HEADERS_EN) :] == (EXTRA_ZH if headers == "zh" else EXTRA_EN)
    assert ("监测对象" if headers == "zh" else "monitored") in rows[2] + rows[1]
    Household.objects.all().delete()
    out = tmp_path / "export.csv"
    out.write_bytes(body)
    report = import_households(str(out), dry_run=False, channel="test")
    assert report.ok, report.errors
    assert snapshot() == before
