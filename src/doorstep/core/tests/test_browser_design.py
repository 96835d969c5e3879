"""The design system on a phone (issue 17, item 1), in a real browser at 390 px.

- The main navigation folds behind one menu button (one row of the top bar, not a fifth
  of the screen) and opens on a tap, with or without JavaScript; on a desk it is open.
- A radio button's label sits on the same line as its control (not a wide centred
  circle with the label below), in Chinese and in Uyghur (right to left: control on the
  right of its label).
- A number in a table cell never breaks across lines ("100" shown as "10/0").
"""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Browser, Page, expect

from doorstep.casework.services.pairings import pairing_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-only-42"  # the factories' default
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = os.environ.get("DOORSTEP_SCREENSHOTS")  # a folder under var/, when set


def _page(browser: Browser, live_server, username: str, language: str, **context) -> Page:
    page = browser.new_context(viewport=PHONE, **context).new_page()
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:not(.link):not(.js-hidden)")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


@pytest.mark.parametrize("language", ["zh-hans", "ug"])
def test_the_navigation_folds_into_one_row_on_a_phone_and_opens_on_a_tap(
    live_server, browser: Browser, team_leader, language
):
    page = _page(browser, live_server, "team_leader", language)
    page.goto(f"{live_server.url}/casework/")
    bar = page.locator("header.topbar").bounding_box()
    assert bar["height"] <= 64, f"the top bar takes {bar['height']} px on a phone"
    links = page.locator("nav.mainnav a")
    assert links.count() >= 3
    expect(links.first).to_be_hidden()

    page.click("summary.menu-button")
    expect(links.first).to_be_visible()
    expect(page.locator("nav.mainnav a[href='/households/']")).to_be_visible()
    # The open menu lies over the page, within the screen: nothing is pushed sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/menu-open-{language}.png")

    # Escape folds it again; a link in it is followed.
    page.keyboard.press("Escape")
    expect(links.first).to_be_hidden()
    page.click("summary.menu-button")
    page.click("nav.mainnav a[href='/households/']")
    page.wait_for_url(f"{live_server.url}/households/")
    expect(page.locator("nav.mainnav a").first).to_be_hidden()

    # On a desk the links are in the bar, no button to press.
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.locator("nav.mainnav a[href='/households/']")).to_be_visible()
    expect(page.locator("summary.menu-button")).to_be_hidden()


def test_the_menu_opens_without_javascript(live_server, browser: Browser, team_leader):
    page = _page(browser, live_server, "team_leader", "zh-hans", java_script_enabled=False)
    page.goto(f"{live_server.url}/casework/")
    assert page.locator("header.topbar").bounding_box()["height"] <= 64
    expect(page.locator("nav.mainnav a").first).to_be_hidden()
    page.click("summary.menu-button")
    expect(page.locator("nav.mainnav a[href='/households/']")).to_be_visible()


@pytest.mark.parametrize("language", ["zh-hans", "ug"])
def test_a_radio_buttons_label_is_on_the_same_line_as_its_control(
    live_server, browser: Browser, worker_a, team_leader, household_a, language
):
    pairing_create(actor=team_leader, worker=worker_a, household=household_a, channel="t")
    page = _page(browser, live_server, "worker_a", language)
    page.goto(f"{live_server.url}/casework/households/{household_a.pk}/visit/")
    radios = page.locator("form.form input[type=radio]")
    assert radios.count() >= 2
    for i in range(radios.count()):
        radio = radios.nth(i)
        control = radio.bounding_box()
        # The label's own words (the text beside the control, not the control).
        words = radio.evaluate(
            """(input) => {
              const range = document.createRange();
              range.selectNodeContents(input.closest('label'));
              range.setStartAfter(input);
              const r = range.getBoundingClientRect();
              return {x: r.x, y: r.y, width: r.width, height: r.height};
            }"""
        )
        assert words["width"] > 0
        middle = control["y"] + control["height"] / 2
        assert words["y"] <= middle <= words["y"] + words["height"], (control, words)
        # A fingertip's worth, not a stretched circle.
        assert 18 <= control["width"] <= 32, control
        if language == "ug":  # right to left: the control on the right of its words
            assert control["x"] >= words["x"] + words["width"] - 1, (control, words)
        else:
            assert control["x"] + control["width"] <= words["x"] + 1, (control, words)
        label = radio.locator("xpath=ancestor::label[1]").bounding_box()
        assert label["height"] >= 40, "a tap target at least 40 px tall"
    radios.nth(1).locator("xpath=ancestor::label[1]").click()
    expect(radios.nth(1)).to_be_checked()
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/visit-form-{language}.png", full_page=True)


@pytest.mark.parametrize("language", ["zh-hans", "ug"])
def test_a_number_in_a_table_cell_never_wraps(
    live_server, browser: Browser, worker_a, team_leader, household_a, language
):
    pairing_create(actor=team_leader, worker=worker_a, household=household_a, channel="t")
    page = _page(browser, live_server, "team_leader", language)
    page.goto(f"{live_server.url}/casework/")
    table = page.locator("table.table").nth(1)  # overdue per worker: four columns
    expect(table.locator("tbody tr")).to_have_count(1)
    # A bigger team than the test's: a worker with six-figure counts, added the way an
    # htmx swap adds rows, so the page's script labels the new cells too.
    page.evaluate(
        """(table) => {
          const row = table.tBodies[0].rows[0].cloneNode(true);
          for (const cell of Array.from(row.cells).slice(1)) cell.textContent = '100000';
          table.tBodies[0].appendChild(row);
          document.querySelector('main').dispatchEvent(
            new CustomEvent('htmx:afterSettle', {bubbles: true}));
        }""",
        table.element_handle(),
    )
    cells = table.locator("tbody tr").nth(1).locator("td")
    for i in range(1, cells.count()):
        cell = cells.nth(i)
        lines = cell.evaluate(
            """(td) => {
              const text = Array.from(td.childNodes).find((n) => n.nodeType === 3);
              const range = document.createRange();
              range.selectNodeContents(text);
              const tops = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
              return {lines: tops.size, nowrap: getComputedStyle(td).whiteSpace,
                      numeric: getComputedStyle(td).fontVariantNumeric};
            }"""
        )
        assert lines["lines"] == 1, f"'100000' is broken over {lines['lines']} lines"
        assert lines["nowrap"] == "nowrap"
        assert lines["numeric"] == "tabular-nums"
        # On a phone the row is a card: each number says which column it is.
        assert cell.get_attribute("data-label")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/leader-tables-{language}.png", full_page=True)


def test_a_printed_page_is_ink_on_paper_with_real_tables(
    live_server, browser: Browser, worker_a, team_leader, household_a
):
    pairing_create(actor=team_leader, worker=worker_a, household=household_a, channel="t")
    page = _page(browser, live_server, "team_leader", "zh-hans")
    page.goto(f"{live_server.url}/casework/")
    table = page.locator("table.table").nth(1)
    assert table.evaluate("t => getComputedStyle(t).display") == "block"  # a card list
    page.emulate_media(media="print")
    # No bar, menu or buttons on paper; the table is a table again, even 390 px wide.
    expect(page.locator("header.topbar")).to_be_hidden()
    expect(page.locator("main .page-head .button").first).to_be_hidden()
    assert table.evaluate("t => getComputedStyle(t).display") == "table"
    assert table.locator("thead").evaluate("h => getComputedStyle(h).position") != "absolute"
