"""Assessment reports: the numbers equal the dashboard's for the same period, the
comparison with the county's other teams, open problems, and the files (PDF, XLSX)
in Chinese, English and Uyghur."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from doorstep.accounts.models import Role
from doorstep.core.testing import make_user
from doorstep.core.tests.api_clients import ApiClient
from doorstep.insights.tests.factories import at, need

Q3 = {"period": "quarter", "date": "2026-07-01"}


@pytest.fixture
def second_team(areas):
    return make_user(role=Role.TEAM_LEADER, area=areas["township2"], username="leader_two")


def _report(user, area, **query):
    return ApiClient(user).get(
        f"/api/v1/insights/teams/{area.pk}/reports/2026", data=query or {"quarter": 3}
    )


def test_quarterly_report_equals_the_dashboard_of_the_quarter(areas, data, supervisor, team_leader):
    report = _report(supervisor, areas["township"])
    assert report.status_code == 200
    body = report.json()
    board = (
        ApiClient(supervisor)
        .get(f"/api/v1/insights/areas/{areas['township'].pk}/dashboard", data=Q3)
        .json()
    )
    assert body["dashboard"]["figures"] == board["figures"]
    assert body["dashboard"]["targets"] == board["targets"]
    assert body["dashboard"]["units"] == board["units"]
    # Hand count for township 1 (villages A and B): 6 contacts, 4 needs, 3 resolved.
    figures = body["dashboard"]["figures"]
    assert (figures["contacts"], figures["needs_opened"], figures["needs_resolved"]) == (6, 4, 3)
    assert body["leaders"][0]["name"] == "team_leader"


def test_report_compares_the_county_teams_and_ranks_them(
    areas, data, supervisor, team_leader, second_team
):
    body = _report(supervisor, areas["township"]).json()
    names = {row["area"]["code"]: row for row in body["comparison"]}
    assert set(names) == {"652901001", "652901002"}
    assert names["652901001"]["is_self"] and not names["652901002"]["is_self"]
    assert names["652901002"]["figures"]["coverage"] == 100.0
    assert names["652901001"]["figures"]["coverage"] == 50.0
    # Coverage: township 2 (100 %) before township 1 (50 %).
    assert body["ranks"]["coverage"] == {"place": 2, "of": 2}
    # Each row of the comparison is that team's own dashboard.
    other = (
        ApiClient(supervisor)
        .get(f"/api/v1/insights/areas/{areas['township2'].pk}/dashboard", data=Q3)
        .json()
    )
    for name, value in names["652901002"]["figures"].items():
        assert other["figures"][name] == value, name


def test_open_problems_list_long_open_needs_and_missed_targets(
    areas, data, supervisor, team_leader
):
    old = need(data["h1"], opened=at("2026-07-10", 9), owner=data["w1"])
    import datetime as dt

    from doorstep.insights import rollup
    from doorstep.insights.tests.conftest import TODAY

    rollup.refresh(
        first_day=dt.date(2026, 7, 1), last_day=TODAY, today=TODAY, now=at("2026-09-30", 20)
    )
    body = _report(supervisor, areas["township"]).json()
    problems = body["open_problems"]
    assert problems["long_open_needs"] == 1
    assert [n["id"] for n in problems["needs"]] == [old.pk] or old.pk in [
        n["id"] for n in problems["needs"]
    ]
    # Coverage 50 % against 90 %, satisfaction 3.67 against 4: both missed.
    assert {"coverage", "satisfaction"} <= set(problems["missed_targets"])


def test_annual_report_rolls_the_quarters_up(areas, data, supervisor, team_leader):
    body = (
        ApiClient(supervisor)
        .get(f"/api/v1/insights/teams/{areas['township'].pk}/reports/2026")
        .json()
    )
    assert body["kind"] == "annual"
    quarters = {q["quarter"]: q["figures"] for q in body["quarters"]}
    year = body["dashboard"]["figures"]
    for name in ("contacts", "needs_opened", "needs_resolved", "referrals", "breaches"):
        assert year[name] == sum(quarters[q][name] for q in range(1, 5)), name
    assert quarters[3]["contacts"] == 6 and quarters[4]["contacts"] == 0


def test_analyst_report_is_suppressed_and_lists_no_need(areas, data, analyst, team_leader):
    body = _report(analyst, areas["township"]).json()
    assert body["dashboard"]["figures"]["needs_resolved"] == "<5"
    assert body["open_problems"]["needs"] == []
    assert body["leaders"][0]["figures"]["contacts"] == "<5"
    xlsx = ApiClient(analyst).get(
        f"/api/v1/insights/teams/{areas['township'].pk}/reports/2026/file",
        data={"quarter": 3, "format": "xlsx", "lang": "en"},
    )
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.content))
    cells = [c for row in book["Summary"].iter_rows(values_only=True) for c in row]
    assert "<5" in cells and 6 in cells  # contacts 6 shown, small counts suppressed


@pytest.mark.parametrize("persona", ["worker_a", "responder"])
def test_reports_are_404_for_workers_and_responders(request, areas, data, team_leader, persona):
    assert _report(request.getfixturevalue(persona), areas["township"]).status_code == 404


def test_report_of_an_area_without_a_team_leader_is_404(areas, data, supervisor, team_leader):
    assert _report(supervisor, areas["village_c"]).status_code == 404


def test_bad_quarter_and_language_are_refused(client, areas, data, supervisor, team_leader):
    assert _report(supervisor, areas["township"], quarter=5).status_code in (400, 422)
    client.force_login(supervisor)
    url = reverse("insights:quarterly_report", args=[areas["township"].pk, 2026, 5])
    assert client.get(url).status_code == 400
    url = reverse("insights:quarterly_report", args=[areas["township"].pk, 2026, 3])
    response = client.get(url, {"format": "pdf", "lang": "fr"})
    assert response.status_code == 400 and "lang" in response.content.decode()
    assert client.get(url, {"format": "doc"}).status_code == 400


@pytest.mark.parametrize("lang", ["zh-hans", "en", "ug"])
def test_xlsx_in_each_language_holds_the_dashboard_numbers(
    areas, data, supervisor, team_leader, lang
):
    from openpyxl import load_workbook

    response = ApiClient(supervisor).get(
        f"/api/v1/insights/teams/{areas['township'].pk}/reports/2026/file",
        data={"quarter": 3, "format": "xlsx", "lang": lang},
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    summary = book.worksheets[0]
    values = [row[1] for row in summary.iter_rows(values_only=True) if len(row) > 1]
    assert 6 in values and 4 in values  # contacts, needs opened
    assert summary.sheet_view.rightToLeft is (lang == "ug")
    assert len(book.worksheets) == 6


@pytest.mark.parametrize("lang", ["zh-hans", "en", "ug"])
def test_pdf_in_each_language(client, areas, data, supervisor, team_leader, lang):
    client.force_login(supervisor)
    url = reverse("insights:quarterly_report", args=[areas["township"].pk, 2026, 3])
    response = client.get(url, {"format": "pdf", "lang": lang})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"-{lang}.pdf" in response["Content-Disposition"]


def test_report_page_links_the_files(client, areas, data, supervisor, team_leader):
    client.force_login(supervisor)
    url = reverse("insights:quarterly_report", args=[areas["township"].pk, 2026, 3])
    body = client.get(url).content.decode()
    assert "format=pdf&amp;lang=ug" in body and "format=xlsx&amp;lang=zh-hans" in body
    assert 'data-figure="contacts"' in body
