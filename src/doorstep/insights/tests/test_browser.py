"""The dashboard in chromium: charts drawn by ECharts and the map by Leaflet with
clustered points, under the Content-Security-Policy, with no tile server."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_supervisor_sees_charts_and_a_map_of_households_and_open_needs(
    live_server, page: Page, areas, data, supervisor, settings
):
    settings.DOORSTEP_TILE_URL = ""
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and "favicon" not in (m.location or {}).get("url", "")
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    _sign_in(page, live_server, supervisor)
    page.goto(
        f"{live_server.url}/insights/areas/{areas['township'].pk}/?period=quarter&date=2026-08-15"
    )
    chart = page.locator("[data-insights-chart]")
    expect(chart.locator("svg").first).to_be_visible()
    insights_map = page.locator("[data-insights-map]")
    expect(insights_map).to_have_attribute("data-ready", "1")
    # h1 (a household with a position) and its open need, plus the two villages.
    assert int(insights_map.get_attribute("data-points")) >= 2
    assert "map-plain" in insights_map.get_attribute("class")  # no tiles: plain background
    # Drill down: the first village in the table leads to its own dashboard.
    page.click("table.children a >> nth=0")
    expect(page.locator("h1")).to_contain_text(areas["village_a"].name)
    assert not [p for p in problems if "Content Security Policy" in p or "Error" in p], problems
