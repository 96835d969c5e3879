"""The resident portal on a phone (360 px wide, Debian's chromium through Playwright):
sign in with the phone number and the code from the SMS, read the household's record
in Chinese and in Uyghur (right to left) without sideways scrolling, ask for help,
withdraw consent to visits, sign out."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from doorstep.casework.models import Need
from doorstep.conftest import RESIDENT_A_PHONE
from doorstep.portal.tests.conftest import last_code
from doorstep.privacy.models import Consent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width}px wide on a 360px screen"


def test_a_resident_uses_the_portal_on_a_phone(live_server, browser: Browser, resident_a):
    phone = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740}).new_page()
    phone.goto(f"{live_server.url}/resident/")
    phone.fill("input[name=phone]", RESIDENT_A_PHONE)
    phone.click("form.portal-form button[type=submit]")
    expect(phone.locator("input[name=code]")).to_be_visible()
    _fits(phone)
    phone.fill("input[name=code]", last_code(RESIDENT_A_PHONE))
    phone.click("form.portal-form button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/resident/")
    expect(phone.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(phone.get_by_text(resident_a.household.household_no)).to_be_visible()
    _fits(phone)

    # Uyghur, right to left, still one column.
    phone.select_option("select[name=language]", "ug")
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    _fits(phone)

    phone.click("a[href='/resident/needs/new/']")
    phone.select_option("select[name=category]", "housing")
    phone.fill("input[name=title]", "屋顶漏雨")
    phone.click("form.portal-form button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/resident/")
    need = Need.objects.get(household=resident_a.household)
    expect(phone.locator(f"[data-need='{need.pk}']")).to_be_visible()

    phone.click("[data-consent=contacts] button[type=submit]")
    expect(phone.locator("[data-consent=contacts]")).to_have_attribute("data-given", "0")
    assert not Consent.objects.get(household=resident_a.household, purpose="contacts").given
    _fits(phone)

    phone.click(".portal-head form button")
    phone.wait_for_url(f"{live_server.url}/resident/sign-in/")
    phone.goto(f"{live_server.url}/resident/")
    phone.wait_for_url(f"{live_server.url}/resident/sign-in/")
