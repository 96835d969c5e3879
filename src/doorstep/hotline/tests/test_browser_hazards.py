"""Patrol hazards on a 360-pixel phone in Debian's chromium: a grid worker records a
hazard with a photo, sees it listed, and makes it a call; nothing overflows sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from doorstep.hotline.models import CallSource, Hazard, HazardStatus
from doorstep.hotline.tests.factories import make_office
from doorstep.hotline.tests.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_hazard_from_a_phone_to_a_call_at_360px(live_server, browser: Browser, areas, worker_a):
    office = make_office(areas["village_a"])
    page = browser.new_context(
        locale="zh-CN", viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True
    ).new_page()
    sign_in(page, live_server, "worker_a")
    page.goto(f"{live_server.url}/hotline/hazards/?office={office.pk}")
    assert page.evaluate(OVERFLOW) <= 0
    page.select_option("select[name=kind]", "blocked_fire_exit")
    page.fill("input[name=address]", "3号楼一单元楼梯间")
    page.fill("textarea[name=description]", "消防通道堆放电动车和纸箱")
    page.set_input_files(
        "input[name=photo]", files=[{"name": "a.png", "mimeType": "image/png", "buffer": PNG}]
    )
    submit = page.locator("form.form button[type=submit]")
    submit.scroll_into_view_if_needed()
    box = submit.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360  # reachable without scrolling sideways
    submit.click()
    card = page.locator("li.card", has_text="3号楼一单元楼梯间")
    expect(card).to_be_visible()
    assert page.evaluate(OVERFLOW) <= 0
    hazard = Hazard.objects.get()
    assert hazard.photo_type == "image/png"
    card.locator("button[value=call]").tap()
    page.wait_for_url("**/hotline/calls/*/")  # the new call, ready to dispatch
    assert page.evaluate(OVERFLOW) <= 0
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.FOLLOWED_UP and hazard.call.source == CallSource.PATROL
    page.goto(f"{live_server.url}/hotline/roster/holidays/?office={office.pk}")
    assert page.evaluate(OVERFLOW) <= 0
