"""The pages in a real browser (Debian's chromium through Playwright): a worker's day
in a few clicks, right-to-left Uyghur, and a phone-sized screen."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Page, expect

from doorstep.core.testing import make_household

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-only-42"  # the factories' default
SCREENSHOTS = os.environ.get("DOORSTEP_SCREENSHOTS", "")  # a folder, e.g. /tmp/shots


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A worker's phone in the field asks for Chinese; the pages follow Accept-Language.
    return {**browser_context_args, "locale": "zh-CN"}


def sign_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:not(.link):not(.js-hidden)")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.fixture
def village_a_households(areas):
    guli = make_household(
        area=areas["village_a"],
        household_no="652901001001-0007",
        head_name="古丽·买买提",
        phone="13800138000",
        address="英巴格路 7 号",
        latitude=41.1712,
        longitude=80.2603,
        vulnerabilities=("elderly_alone", "low_income"),
        members=3,
    )
    for i in range(8):
        make_household(area=areas["village_a"], head_name=f"艾力{i}·买买提")
    return guli


def test_worker_finds_a_household_edits_its_phone_and_reads_it_in_uyghur(
    live_server, page: Page, worker_a, village_a_households
):
    guli = village_a_households
    sign_in(page, live_server, "worker_a")

    # Search from the list: htmx swaps the results while typing.
    page.click("nav.mainnav a[href='/households/']")
    page.fill("#q", "古丽")
    expect(page.locator("#results .card")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=%E5%8F%A4%E4%B8%BD"))

    page.click("#results a.card-title")
    page.wait_for_url(f"{live_server.url}/households/{guli.pk}/")
    expect(page.locator("h1")).to_contain_text(guli.household_no)

    page.click(f"a[href='/households/{guli.pk}/edit/']")
    page.fill("input[name=phone]", "13912345678")
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/households/{guli.pk}/")
    expect(page.locator("dd a[href='tel:13912345678']")).to_be_visible()
    guli.refresh_from_db()
    assert guli.phone == "13912345678"

    # The map stands on a plain background (no tile server in tests).
    expect(page.locator("#household-map.leaflet-container")).to_be_visible()
    expect(page.locator("#household-map path.leaflet-interactive")).to_have_count(1)
    # Leaflet's own English button titles are replaced by the page's language.
    expect(page.locator("#household-map .leaflet-control-zoom-in")).to_have_attribute(
        "title", "放大"
    )
    if SCREENSHOTS:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path=f"{SCREENSHOTS}/household-desktop-zh.png", full_page=True)

    # Switch to Uyghur with the language menu: the same page, right to left.
    page.select_option("select[name=language]", "ug")
    page.wait_for_url(f"{live_server.url}/households/{guli.pk}/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("h1 bdi")).to_have_text(guli.household_no)
    expect(page.locator("html")).to_have_attribute("lang", "ug")
    # Headed by the head's name (issue 17), the household number secondary.
    expect(page.locator("h1")).to_contain_text("古丽·买买提")
    expect(page.locator("[data-household-actions] a[data-action=visit]")).to_have_text(
        "زىيارەتنى خاتىرىلەش"
    )
    expect(page.locator("#household-map .leaflet-control-zoom-out")).to_have_attribute(
        "title", "كىچىكلىتىش"
    )
    direction = page.evaluate("getComputedStyle(document.body).direction")
    assert direction == "rtl"
    # Mirrored: the brand sits at the right edge of the top bar.
    brand = page.locator(".brand").bounding_box()
    assert brand["x"] > page.viewport_size["width"] / 2
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/household-desktop-ug.png", full_page=True)
        page.set_viewport_size({"width": 360, "height": 780})
        page.screenshot(path=f"{SCREENSHOTS}/household-phone-ug.png", full_page=True)


@pytest.mark.parametrize("language", ["zh-hans", "ug"])
def test_household_list_fits_a_phone_screen(
    live_server, page: Page, worker_a, village_a_households, language
):
    page.set_viewport_size({"width": 360, "height": 740})
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    sign_in(page, live_server, "worker_a")
    for path in ["/households/", f"/households/{village_a_households.pk}/", "/"]:
        page.goto(f"{live_server.url}{path}")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px in {language}"
        if SCREENSHOTS and path != "/":
            name = "list" if path == "/households/" else "household"
            page.screenshot(path=f"{SCREENSHOTS}/{name}-phone-{language}.png", full_page=True)


def test_area_picker_cascades_and_filters(live_server, page: Page, team_leader, areas):
    make_household(area=areas["village_a"], head_name="古丽")
    make_household(area=areas["village_b"], head_name="张伟")
    make_household(area=areas["grid_a1"], head_name="阿依古丽")
    sign_in(page, live_server, "team_leader")
    page.goto(f"{live_server.url}/households/")
    expect(page.locator("#results .card")).to_have_count(3)
    picker = page.locator("[data-area-picker] select")
    picker.first.select_option(str(areas["village_a"].pk))
    expect(page.locator("#results .card")).to_have_count(2)
    expect(picker).to_have_count(2)  # the grids of village A appeared
    picker.nth(1).select_option(str(areas["grid_a1"].pk))
    expect(page.locator("#results .card")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("阿依古丽")
    # Changing the top select drops the level below it.
    picker.first.select_option(str(areas["village_b"].pk))
    expect(page.locator("#results .card")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("张伟")
    expect(page.locator("[data-area-picker] select")).to_have_count(1)


def test_list_works_without_javascript(live_server, browser, worker_a, village_a_households):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server, "worker_a")
        page.goto(f"{live_server.url}/households/")
        page.fill("#q", "古丽")
        page.click("form#household-filters button[type=submit]")
        expect(page.locator("#results .card")).to_have_count(1)
    finally:
        context.close()
