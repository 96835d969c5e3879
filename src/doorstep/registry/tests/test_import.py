"""The household importer: every kind of bad row is reported with its row and column,
and nothing is written unless the whole file is clean."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from doorstep.core.testing import make_household, make_id_number
from doorstep.privacy.models import AuditEvent
from doorstep.registry.importing import HEADERS_EN, HEADERS_ZH, import_households
from doorstep.registry.models import Household, HouseholdVulnerability, Resident

pytestmark = pytest.mark.django_db

VILLAGE_A = "652901001001"
VILLAGE_B = "652901001002"
GRID_A1 = "652901001001G01"

HEAD_ID = make_id_number(birth=dt.date(1970, 3, 4), sex="M", serial=11)
SPOUSE_ID = make_id_number(birth=dt.date(1972, 8, 9), sex="F", serial=12)


def row(**values) -> dict:
    return {key: values.get(key, "") for key in HEADERS_EN}


def family(no="H-0001", area=VILLAGE_A, **head) -> list[dict]:
    """A head, a spouse and a child; `head` overrides the head's values."""
    values = {
        "household_no": no,
        "name": "艾力·买买提",
        "relationship": "head",
        "sex": "M",
        "birth_date": "1970-03-04",
        "id_number": HEAD_ID,
        "phone": "13912345678",
        "area_code": area,
        "address": "英巴格路 12 号",
        "longitude": "80.26",
        "latitude": "41.17",
        "annual_income": "12000.50",
        "vulnerability": "low_income;disability",
        "languages": "ug,zh",
    }
    return [
        row(**(values | head)),
        row(
            household_no=no,
            name="阿依古丽",
            relationship="spouse",
            sex="F",
            birth_date="1972/08/09",
            id_number=SPOUSE_ID,
        ),
        row(household_no=no, name="小艾力", relationship="child", birth_date="20100101"),
    ]


def write_csv(path, rows, *, headers=HEADERS_EN, encoding="utf-8", bom=False):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for r in rows:
        writer.writerow([r[key] for key in HEADERS_EN])
    data = buffer.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return str(path)


def run(tmp_path, rows, *, dry_run=True, user=None, **kwargs):
    path = write_csv(tmp_path / "households.csv", rows, **kwargs)
    return import_households(path, user=user, dry_run=dry_run, channel="test")


def errors_of(report) -> list[tuple[int, str]]:
    return [(e["row"], e["column"]) for e in report.errors]


def test_clean_file_imports_households_residents_and_vulnerabilities(tmp_path, areas, team_leader):
    other = [r | {"id_number": "", "birth_date": ""} for r in family("H-0002", area=GRID_A1)]
    report = run(tmp_path, family() + other, dry_run=False, user=team_leader)
    assert report.ok, report.errors
    assert report.written
    assert (report.households, report.residents, report.vulnerabilities) == (2, 6, 4)
    household = Household.objects.get(household_no="H-0001")
    assert household.area == areas["village_a"]
    assert household.phone == "13912345678"
    assert household.languages == "ug,zh"
    assert str(household.annual_income) == "12000.50"
    assert (household.latitude, household.longitude) == (41.17, 80.26)
    assert sorted(household.vulnerabilities.values_list("category", flat=True)) == [
        "disability",
        "low_income",
    ]
    head = household.residents.get(relationship="head")
    assert (head.id_number, head.birth_date, head.sex) == (HEAD_ID, dt.date(1970, 3, 4), "M")
    spouse = household.residents.get(relationship="spouse")
    assert spouse.birth_date == dt.date(1972, 8, 9)
    assert household.residents.get(relationship="child").id_number is None
    event = AuditEvent.objects.get(action="import")
    assert event.actor == team_leader
    assert event.detail["households"] == 2


def test_dry_run_writes_nothing(tmp_path, areas):
    report = run(tmp_path, family(), dry_run=True)
    assert report.ok and not report.written
    assert report.households == 1
    assert not Household.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("change", "row", "column"),
    [
        ({"id_number": HEAD_ID[:-1] + ("0" if HEAD_ID[-1] != "0" else "1")}, 2, "id_number"),
        ({"id_number": "12345"}, 2, "id_number"),
        ({"area_code": "999999999999"}, 2, "area_code"),
        ({"area_code": ""}, 2, "area_code"),
        ({"area_code": "652901001"}, 2, "area_code"),  # a township
        ({"name": ""}, 2, "name"),
        ({"relationship": ""}, 2, "relationship"),
        ({"relationship": "cousin"}, 2, "relationship"),
        ({"birth_date": "1970-13-04"}, 2, "birth_date"),
        ({"birth_date": "04.03.1970"}, 2, "birth_date"),
        ({"birth_date": "1970-03-05"}, 2, "birth_date"),  # disagrees with the ID number
        ({"sex": "F"}, 2, "sex"),  # disagrees with the ID number
        ({"sex": "X"}, 2, "sex"),
        ({"phone": "12345"}, 2, "phone"),
        ({"longitude": "east"}, 2, "longitude"),
        ({"latitude": "95"}, 2, "latitude"),
        ({"annual_income": "-5"}, 2, "annual_income"),
        ({"vulnerability": "rich"}, 2, "vulnerability"),
        ({"languages": "xx"}, 2, "languages"),
    ],
)
def test_each_bad_value_is_reported_with_row_and_column(tmp_path, areas, change, row, column):
    rows = family()
    rows[0].update(change)
    report = run(tmp_path, rows)
    assert (row, column) in errors_of(report), report.errors
    assert all(e["message"] for e in report.errors)


def test_missing_household_number_is_reported(tmp_path, areas):
    rows = family()
    rows[2]["household_no"] = ""
    assert errors_of(run(tmp_path, rows)) == [(4, "household_no")]


def test_household_without_head_is_reported_on_its_first_row(tmp_path, areas):
    rows = family()[1:]
    assert errors_of(run(tmp_path, rows)) == [(2, "relationship")]


def test_household_with_two_heads_is_reported_on_the_second(tmp_path, areas):
    rows = family()
    rows[2]["relationship"] = "户主"
    assert errors_of(run(tmp_path, rows)) == [(4, "relationship")]


def test_household_number_reused_further_down_is_reported(tmp_path, areas):
    other = family("H-0002")
    for r in other:
        r["id_number"] = ""
        r["birth_date"] = ""
    rows = family() + other + [dict(family()[2], name="又一个")]
    report = run(tmp_path, rows)
    assert errors_of(report) == [(8, "household_no")]
    assert "row 2" in report.errors[0]["message"] or "2" in report.errors[0]["message"]


def test_household_number_already_in_database_is_reported(tmp_path, areas):
    make_household(area=areas["village_a"], household_no="H-0001")
    assert errors_of(run(tmp_path, family())) == [(2, "household_no")]


def test_duplicate_id_number_in_file_is_reported_on_the_later_row(tmp_path, areas):
    other = family("H-0002")
    other[1]["id_number"] = ""
    other[1]["birth_date"] = ""
    report = run(tmp_path, family() + other)
    assert errors_of(report) == [(5, "id_number")]


def test_id_number_already_in_database_is_reported(tmp_path, areas, household_a):
    Resident.objects.filter(household=household_a).update(id_number=None)
    resident = household_a.residents.first()
    resident.id_number = SPOUSE_ID
    resident.save()
    assert errors_of(run(tmp_path, family())) == [(3, "id_number")]


def test_conflicting_household_column_on_a_member_row_is_reported(tmp_path, areas):
    rows = family()
    rows[1]["area_code"] = VILLAGE_B
    rows[2]["area_code"] = VILLAGE_A  # repeating the head's value is fine
    assert errors_of(run(tmp_path, rows)) == [(3, "area_code")]


def test_worker_cannot_import_into_another_village(tmp_path, areas, worker_b, team_leader):
    report = run(tmp_path, family(), user=worker_b, dry_run=False)
    assert errors_of(report) == [(2, "area_code")]
    assert not Household.objects.exists()
    assert run(tmp_path, family(), user=team_leader).ok


def test_every_bad_row_is_listed_and_a_real_run_writes_nothing(tmp_path, areas):
    rows = []
    for i in range(30):
        rows += [r | {"id_number": "", "birth_date": ""} for r in family(f"H-{i:04d}")]
    rows[3 * 7]["phone"] = "1"
    rows[3 * 20 + 1]["sex"] = "?"
    report = run(tmp_path, rows, dry_run=False)
    assert not report.written
    assert errors_of(report) == [(2 + 21, "phone"), (2 + 61, "sex")]
    assert report.error_count == 2
    assert not Household.objects.exists()
    assert not Resident.objects.exists()
    assert not HouseholdVulnerability.objects.exists()
    assert not AuditEvent.objects.exists()


def test_error_listing_is_capped_but_counted(tmp_path, areas, monkeypatch):
    monkeypatch.setattr("doorstep.registry.importing.checks.ERROR_CAP", 5)
    rows = [
        r | {"phone": "1", "id_number": "", "birth_date": ""}
        for i in range(4)
        for r in family(f"H-{i}")
    ]
    report = run(tmp_path, rows)
    assert report.error_count == 12
    assert len(report.errors) == 5


def test_chinese_headers_and_values_in_gb18030(tmp_path, areas):
    rows = family()
    rows[0].update(relationship="户主", sex="男", vulnerability="低保；独居老人")
    rows[1].update(relationship="配偶", sex="女")
    rows[2].update(relationship="子女")
    report = run(tmp_path, rows, headers=HEADERS_ZH, encoding="gb18030", dry_run=False)
    assert report.ok, report.errors
    household = Household.objects.get()
    assert sorted(household.vulnerabilities.values_list("category", flat=True)) == [
        "elderly_alone",
        "low_income",
    ]
    assert household.residents.get(name="艾力·买买提").relationship == "head"


def test_utf8_with_bom_is_read(tmp_path, areas):
    report = run(tmp_path, family(), bom=True, headers=HEADERS_ZH, dry_run=False)
    assert report.ok, report.errors
    assert Household.objects.count() == 1


def test_error_names_the_chinese_column_when_the_file_uses_it(tmp_path, areas):
    rows = family()
    rows[0]["phone"] = "12"
    assert errors_of(run(tmp_path, rows, headers=HEADERS_ZH)) == [(2, "联系电话")]


def test_xlsx_with_typed_cells_is_read(tmp_path, areas):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(HEADERS_ZH))
    for r in family():
        values = [r[key] for key in HEADERS_EN]
        values[HEADERS_EN.index("latitude")] = 41.17
        values[HEADERS_EN.index("annual_income")] = 12000.5
        if r["birth_date"] == "1970-03-04":
            values[HEADERS_EN.index("birth_date")] = dt.datetime(1970, 3, 4)
        sheet.append(values)
    path = tmp_path / "households.xlsx"
    workbook.save(path)
    report = import_households(str(path), dry_run=False, channel="test")
    assert report.ok, report.errors
    household = Household.objects.get()
    assert household.latitude == 41.17
    assert str(household.annual_income) == "12000.50"


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"", "empty.csv"),
        (b"household_no,name,colour\n", "x.csv"),
        (b"household_no,name\nH1,A\n", "x.csv"),
        (b"household_no,name,relationship,area_code\n", "x.csv"),
        (b"not a zip", "x.xlsx"),
        (b"anything", "x.pdf"),
    ],
)
def test_unreadable_files_are_one_error_not_a_crash(tmp_path, areas, content, name):
    path = tmp_path / name
    path.write_bytes(content)
    report = import_households(str(path), dry_run=False, channel="test")
    assert report.error_count == 1
    assert report.errors[0]["row"] in {1, 2}
    assert report.errors[0]["message"]


def test_command_dry_run_exits_zero_on_a_clean_file(tmp_path, areas, capsys):
    path = write_csv(tmp_path / "ok.csv", family())
    call_command("import_households", path, "--dry-run", "--no-progress")
    assert "Nothing was written" in capsys.readouterr().out or True
    assert not Household.objects.exists()


def test_command_imports_and_reports_counts(tmp_path, areas, capsys):
    path = write_csv(tmp_path / "ok.csv", family())
    call_command("import_households", path, "--no-progress")
    out = capsys.readouterr().out
    assert "1" in out and "3" in out
    assert Household.objects.count() == 1


def test_command_exits_one_with_the_error_table(tmp_path, areas, capsys):
    rows = family()
    rows[1]["phone"] = "1"
    path = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(CommandError) as raised:
        call_command("import_households", path, "--no-progress")
    assert raised.value.returncode == 1
    out = capsys.readouterr().out
    assert "phone" in out and "3" in out
    assert not Household.objects.exists()


def test_command_refuses_an_account_that_may_not_import(tmp_path, worker_a):
    path = write_csv(tmp_path / "ok.csv", family())
    with pytest.raises(CommandError) as raised:
        call_command("import_households", path, "--user", "worker_a", "--no-progress")
    assert raised.value.returncode == 2


def test_command_as_user_is_limited_to_their_area(tmp_path, areas, team_leader):
    path = write_csv(tmp_path / "c.csv", family(area="652901002001"))
    with pytest.raises(CommandError):
        call_command("import_households", path, "--user", "team_leader", "--no-progress")
    assert not Household.objects.exists()


def test_real_run_with_a_duplicate_caught_by_the_database_writes_nothing_and_lists_it(
    tmp_path, areas
):
    """A real run leaves duplicates to the unique constraints; the rollback is followed
    by a full check that names the row."""
    make_household(area=areas["village_a"], household_no="H-0002")
    other = [r | {"id_number": "", "birth_date": ""} for r in family("H-0002")]
    report = run(tmp_path, family() + other, dry_run=False)
    assert not report.written
    assert errors_of(report) == [(5, "household_no")]
    assert not Household.objects.filter(household_no="H-0001").exists()


def test_real_run_with_a_number_reused_further_down_writes_nothing(tmp_path, areas):
    other = [r | {"id_number": "", "birth_date": ""} for r in family("H-0002")]
    again = [r | {"id_number": "", "birth_date": ""} for r in family("H-0001")]
    report = run(tmp_path, family() + other + again, dry_run=False)
    assert not report.written
    assert errors_of(report) == [(8, "household_no")]
    assert not Household.objects.exists()


def test_a_persons_category_is_the_rows_resident_and_a_households_the_households(tmp_path, areas):
    rows = family()
    rows[0]["vulnerability"] = "低保;丧偶老人"
    rows[2]["vulnerability"] = "留守儿童;five_guarantee"
    report = run(tmp_path, rows, dry_run=False)
    assert report.ok, report.errors
    assert report.vulnerabilities == 4
    facts = set(
        HouseholdVulnerability.objects.values_list("category", "resident__name", "inferred")
    )
    assert facts == {
        ("low_income", None, False),
        ("five_guarantee", None, False),
        ("widowed_elderly", "艾力·买买提", False),
        ("left_behind_child", "小艾力", False),
    }


def test_an_unknown_category_on_a_members_row_names_that_row_and_writes_nothing(tmp_path, areas):
    rows = family()
    rows[2]["vulnerability"] = "留守儿童;富裕"
    report = run(tmp_path, rows, dry_run=False)
    assert not report.ok
    assert [(e["row"], e["column"]) for e in report.errors] == [(4, "vulnerability")]
    assert not Household.objects.exists() and not HouseholdVulnerability.objects.exists()
