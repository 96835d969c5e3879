"""The worker's day around one household, in a real browser on a 390 px phone, in
Chinese and in right-to-left Uyghur (issue 17): from the due list to the household,
its timeline (with "show more"), and a visit logged from there that lands on it."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from doorstep.casework.models import Contact, ContactSchedule
from doorstep.casework.services import pairing_create
from doorstep.casework.tests.factories import open_need
from doorstep.registry.models import Resident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-only-42"  # the factories' default
SCREENSHOTS = os.environ.get("DOORSTEP_SCREENSHOTS", "")  # a folder, e.g. var/screenshots
WORDS = {
    "zh-hans": {"timeline": "户情动态", "visit": "登记走访", "more": "显示更多"},
    "ug": {"timeline": "يۈز بەرگەن ئىشلار", "visit": "زىيارەتنى خاتىرىلەش", "more": "تېخىمۇ كۆپ"},
}


@pytest.mark.parametrize("language", ["zh-hans", "ug"])
def test_worker_opens_a_household_from_the_due_list_reads_its_timeline_and_logs_a_visit(
    live_server, browser: Browser, worker_a, team_leader, household_a, language
):
    Resident.objects.filter(household=household_a, relationship="head").update(phone="13912345678")
    pairing_create(actor=team_leader, worker=worker_a, household=household_a, channel="t")
    open_need(actor=worker_a, household=household_a)
    now = timezone.now()
    Contact.objects.bulk_create(
        Contact(
            household=household_a,
            worker=worker_a,
            kind="visit" if i % 2 else "call",
            occurred_at=now - dt.timedelta(days=10 + 7 * i),
            met_with="户主",
        )
        for i in range(24)
    )
    ContactSchedule.objects.update(next_due_on=timezone.localdate() - dt.timedelta(days=3))

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "worker_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:not(.link):not(.js-hidden)")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    # The due card: call, log a visit, open the household, each one tap.
    page.goto(f"{live_server.url}/casework/")
    card = page.locator(".card", has=page.locator(f"a[href='/households/{household_a.pk}/']"))
    expect(card.locator("a[data-action=call]")).to_have_attribute("href", "tel:13912345678")
    expect(card.locator("a[data-action=visit]")).to_be_visible()
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/due-list-phone-{language}.png", full_page=True)
    card.locator("a[data-action=household]").click()
    page.wait_for_url(f"{live_server.url}/households/{household_a.pk}/")

    # The household: named by its head, its timeline newest first, 20 at a time.
    head = household_a.residents.get(relationship="head")
    expect(page.locator("h1")).to_contain_text(head.name)
    expect(page.locator("#timeline h2")).to_have_text(WORDS[language]["timeline"])
    entries = page.locator(".timeline-entry")
    expect(entries).to_have_count(20)
    more = page.locator("[data-timeline-more]")
    expect(more).to_contain_text(WORDS[language]["more"])
    more.click()
    expect(entries).to_have_count(25)  # 24 contacts and the need's opening
    expect(page.locator("[data-timeline-more]")).to_have_count(0)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the household page scrolls sideways by {overflow}px in {language}"
    if language == "ug":
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    if SCREENSHOTS:
        page.screenshot(
            path=f"{SCREENSHOTS}/household-timeline-phone-{language}.png", full_page=True
        )

    # Log a visit from the household: the form names the head; saving comes back here,
    # with the visit at the top of the timeline.
    visit = page.locator("[data-household-actions] a[data-action=visit]")
    expect(visit).to_have_text(WORDS[language]["visit"])
    visit.click()
    expect(page.locator("h1")).to_contain_text(head.name)
    page.fill("textarea[name=notes]", "老人身体好些了")
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/households/{household_a.pk}/")
    first = entries.first
    expect(first).to_have_attribute("data-source", "casework.contact")
    assert Contact.objects.filter(household=household_a, notes="老人身体好些了").exists()
