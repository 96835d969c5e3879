"""A need followed to the end in a real browser (Debian's chromium through Playwright):
the worker logs a visit and opens a need, refers it; the responder accepts and resolves
it; the resident's confirmation, recorded by the worker, closes it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from doorstep.casework.models import Contact, Need, NeedStatus, UnitMember
from doorstep.casework.services import pairing_create
from doorstep.casework.tests.factories import make_unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-only-42"  # the factories' default


def sign_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:not(.link):not(.js-hidden)")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_a_need_from_the_visit_to_the_residents_confirmation(
    live_server, browser: Browser, worker_a, team_leader, responder, household_a
):
    unit = make_unit(name="县人社局", accepts_referrals=True)
    UnitMember.objects.create(user=responder, unit=unit)
    pairing_create(actor=team_leader, worker=worker_a, household=household_a, channel="t")
    worker = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740}).new_page()
    sign_in(worker, live_server, "worker_a")

    # The visit: "My visits", "Log a visit", type, "Save".
    worker.goto(f"{live_server.url}/casework/")
    worker.click(f"a[href='/casework/households/{household_a.pk}/visit/']")
    worker.fill("textarea[name=notes]", "家里老人腿疼，儿子失业")
    worker.click("form.form button[type=submit]")
    worker.wait_for_url(f"{live_server.url}/casework/")
    assert Contact.objects.get().notes == "家里老人腿疼，儿子失业"

    # The need, acknowledged and referred.
    worker.click(f"a[href='/casework/households/{household_a.pk}/needs/new/']")
    worker.select_option("select[name=category]", "employment")
    worker.fill("input[name=title]", "儿子找工作")
    worker.click("form.form button[type=submit]")
    need = Need.objects.get()
    worker.wait_for_url(f"{live_server.url}/casework/needs/{need.pk}/")
    worker.click("button[name=do][value=acknowledge]")
    worker.select_option("select[name=unit]", str(unit.pk))
    worker.click(f"form[action='/casework/needs/{need.pk}/refer/'] button[type=submit]")
    expect(worker.locator(".timeline [data-kind=referred]")).to_have_count(1)

    # The responder accepts (which sets the need in progress) and resolves.
    hr = browser.new_context(locale="zh-CN").new_page()
    sign_in(hr, live_server, "responder")
    hr.goto(f"{live_server.url}/casework/referrals/")
    hr.click("button[name=answer][value=accept]")
    hr.goto(f"{live_server.url}/casework/needs/{need.pk}/")
    hr.click("button[name=do][value=resolve]")
    expect(hr.locator("[data-status=resolved]")).to_have_count(1)

    # The resident confirms on the worker's next visit; the need is closed.
    worker.goto(f"{live_server.url}/casework/needs/{need.pk}/")
    worker.click("button[name=do][value=confirm]")
    expect(worker.locator("[data-status=confirmed]")).to_have_count(1)
    need.refresh_from_db()
    assert need.status == NeedStatus.CONFIRMED
    assert list(need.events.values_list("kind", flat=True)) == [
        "opened",
        "acknowledged",
        "referred",
        "referral_accepted",
        "started",
        "resolved",
        "confirmed",
    ]
