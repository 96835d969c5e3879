"""An administrator sets up a new office in a real browser (Debian's chromium), in
Chinese: a staff account serving two units, a duty office, its responder and whom to
ring. No console error and no CSP violation on the way."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from doorstep.accounts.models import User
from doorstep.casework.models import UnitMember
from doorstep.casework.tests.factories import make_unit
from doorstep.hotline.models import Office, ResponderContact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-tests-only-42"


def test_an_administrator_sets_up_an_office_through_the_pages(
    live_server, browser: Browser, administrator, areas
):
    bureau = make_unit(name="县人社局", accepts_referrals=True)
    health = make_unit(name="县卫健委", accepts_referrals=True)
    page = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 800}).new_page()
    problems: list[str] = []
    # Console errors (a CSP violation is one) and failed answers; the favicon is not ours.
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on(
        "response",
        lambda r: (
            problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "administrator")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:not(.link):not(.js-hidden)")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    # Navigation (behind the menu button on a phone) → Administration → New account.
    page.click("summary.menu-button")
    page.click("nav.mainnav a[href='/administration/']")
    page.click("a[href='/administration/staff/new/']")
    page.fill("input[name=username]", "hr_ma")
    page.fill("input[name=family_name]", "马")
    page.fill("input[name=given_name]", "丽")
    page.select_option("select[name=role]", "responder")
    page.fill("input[name=area_code]", "652901")
    page.check(f"input[name=units][value='{bureau.pk}']")
    page.check(f"input[name=units][value='{health.pk}']")
    page.fill("input[name=phone]", "13900005555")
    page.click("#staff-form button[type=submit]")
    user = User.objects.get(username="hr_ma")
    page.wait_for_url(f"{live_server.url}/administration/staff/{user.pk}/")
    assert set(UnitMember.objects.filter(user=user).values_list("unit_id", flat=True)) == {
        bureau.pk,
        health.pk,
    }
    page.click("#password-reset")
    password = page.locator("#temporary-password").inner_text().strip()
    assert len(password) == 19

    # A duty office, its responder with the new account, and whom to ring.
    page.goto(f"{live_server.url}/administration/offices/")
    page.fill("#office-form input[name=name]", "新城街道值班室")
    page.fill("#office-form input[name=area_code]", areas["township"].code)
    page.fill("#office-form input[name=phone]", "09972123456")
    page.check("#office-form input[name=categories][value=water]")
    page.click("#office-form button[type=submit]")
    office = Office.objects.get(name="新城街道值班室")
    page.wait_for_url(f"{live_server.url}/administration/offices/{office.pk}/")
    page.fill("#responder-form input[name=name]", "自来水公司")
    page.select_option("#responder-form select[name=kind]", "utility")
    page.fill("#responder-form input[name=members]", "hr_ma")
    page.click("#responder-form button[type=submit]")
    page.fill(
        "#contacts-form textarea[name=contacts]", "值班员, 白班, 13900006666\n经理, 13900007777"
    )
    page.click("#contacts-form button[type=submit]")
    expect(page.locator("p.message.success")).to_have_count(1)
    contacts = ResponderContact.objects.filter(responder__office=office)
    assert [c.name for c in contacts] == ["值班员", "经理"]
    assert office.category_list == ["water"]
    assert not problems, problems
