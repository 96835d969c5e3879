"""The duty room in a real browser (Debian's chromium through Playwright): an officer
takes a lift-entrapment call, ticks the safety steps and dispatches it; the board, open in
another tab, shows each change without a reload; the lift company's engineer
acknowledges, arrives and resolves it; the officer calls back and the call closes."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from doorstep.hotline.models import Call, CallStatus
from doorstep.hotline.tests.factories import make_office, make_responder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-only-42"


def sign_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:not(.link):not(.js-hidden)")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_lift_entrapment_from_the_call_to_its_closure(
    live_server, browser: Browser, areas, worker_a, responder
):
    office = make_office(areas["village_a"])
    lift = make_responder(office, members=[responder])
    officer = browser.new_context(locale="zh-CN").new_page()
    sign_in(officer, live_server, "worker_a")
    board = browser.new_context(locale="zh-CN").new_page()
    sign_in(board, live_server, "worker_a")
    board.goto(f"{live_server.url}/hotline/")
    board.evaluate("window.__noReload = 1")
    expect(board.locator(".empty")).to_be_visible()

    officer.goto(f"{live_server.url}/hotline/calls/new/")
    officer.fill("input[name=caller_phone]", "13800138000")
    officer.select_option("select[name=category]", "lift_entrapment")
    officer.fill("input[name=building]", "3")
    officer.fill("input[name=unit]", "2")
    officer.fill("textarea[name=description]", "3号楼2单元电梯困人，两人")
    officer.click("form.form button[type=submit]")
    officer.wait_for_url("**/hotline/calls/*/")
    call = Call.objects.get()
    assert call.urgency == "immediate"
    # The steps to take at once, ticked one by one.
    officer.click("form:has(input[value=lift_company]) button")
    expect(officer.locator("section.alert .tag").first).to_be_visible()

    card = board.locator(f"[data-call='{call.pk}']")
    expect(card).to_have_attribute("data-status", "new", timeout=10000)

    officer.select_option("select[name=responder]", str(lift.pk))
    officer.click("form:has(input[value=dispatch]) button[type=submit]")
    expect(card).to_have_attribute("data-status", "dispatched", timeout=10000)

    engineer = browser.new_context(
        locale="zh-CN", viewport={"width": 360, "height": 740}
    ).new_page()
    sign_in(engineer, live_server, "responder")
    engineer.goto(f"{live_server.url}/hotline/responder/")
    for step, status in (
        ("acknowledge", "acknowledged"),
        ("arrive", "on_scene"),
        ("resolve", "resolved"),
    ):
        engineer.click(f"[data-dispatch] button[value={step}]")
        engineer.wait_for_load_state()
        expect(card).to_have_attribute("data-status", status, timeout=10000)

    officer.reload()
    officer.fill("input[name=note]", "住户确认已救出")
    officer.click("button[value=confirmed]")
    expect(officer.locator("#call-status")).to_have_attribute("data-status", "closed")
    expect(board.locator(".empty")).to_be_visible(timeout=10000)
    assert board.evaluate("window.__noReload") == 1  # the board never reloaded
    call.refresh_from_db()
    assert call.status == CallStatus.CLOSED
    assert [d.status for d in call.dispatches.all()] == ["resolved"]
