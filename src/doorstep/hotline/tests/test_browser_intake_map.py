"""The intake map in Debian's chromium: with no tile server, the office's compounds show
on a plain background, and a tap fills in latitude and longitude, which the call keeps."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from doorstep.areas.models import Area
from doorstep.hotline.models import Call
from doorstep.hotline.tests.factories import make_office
from doorstep.hotline.tests.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_tap_on_the_map_places_the_call(live_server, browser: Browser, areas, worker_a, settings):
    settings.DOORSTEP_TILE_URL = ""
    make_office(areas["village_a"])
    Area.objects.filter(pk=areas["grid_a1"].pk).update(latitude=41.175, longitude=80.27)
    page = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740}).new_page()
    sign_in(page, live_server, "worker_a")
    page.goto(f"{live_server.url}/hotline/calls/new/")
    map_ = page.locator("#intake-map")
    expect(map_).to_have_class(re.compile(r"\bmap-plain\b"))  # no tiles: plain background
    expect(page.locator(".map-label", has_text="英巴格社区第1网格")).to_be_visible()
    box = map_.bounding_box()
    # Between the two compounds, away from their labels; the locator scrolls it into view.
    map_.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    lat = page.input_value("#id_latitude")
    lng = page.input_value("#id_longitude")
    assert 41.16 < float(lat) < 41.19 and 80.25 < float(lng) < 80.28, (lat, lng)
    expect(page.locator("#intake-map .leaflet-marker-icon")).to_have_count(1)
    page.select_option("select[name=category]", "water")
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/hotline/calls/*/")
    call = Call.objects.get()
    assert (call.latitude, call.longitude) == (float(lat), float(lng))
