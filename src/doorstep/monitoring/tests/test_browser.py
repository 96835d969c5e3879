"""The whole procedure through pages in a real browser (Debian's chromium through
Playwright), in Chinese and Uyghur: a worker proposes Mu Yongsheng's household after a
visit (income fell after illness), the village reviews and posts the notice, nobody
objects, the township and the county decide, help is recorded, and a year later the
risk is removed through the same steps."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Browser, expect

from doorstep.casework.services import pairing_create
from doorstep.core.testing import make_household
from doorstep.livelihoods.models import HouseholdYear, LifeEvent
from doorstep.monitoring.models import HouseholdPoverty, Proposal
from doorstep.monitoring.tests.helpers import end_notice, line, year

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "pw-for-tests-only-42"
TODAY = dt.date.today()


def _signed_in(browser: Browser, live_server, username: str, language: str):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:not(.link):not(.js-hidden)")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


def _step(page, live_server, proposal: Proposal, *, meeting: bool = False) -> str:
    """Agree at the proposal's current step through its page; returns the new stage."""
    page.goto(f"{live_server.url}/monitoring/proposals/{proposal.pk}/")
    form = page.locator("form[data-form=step]")
    form.locator("select[name=decision]").select_option("approve")
    if meeting:
        form.locator("input[name=meeting_on]").fill(TODAY.isoformat())
        form.locator("input[name=attendees]").fill("15")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/monitoring/proposals/{proposal.pk}/")
    return page.locator("[data-stage]").get_attribute("data-stage")


def _return_and_resubmit(worker, leader, live_server, proposal: Proposal) -> None:
    """The township returns the proposal with its reason; the worker amends it on the
    proposal's page and resubmits; it is back at the township, its history kept."""
    leader.goto(f"{live_server.url}/monitoring/proposals/{proposal.pk}/")
    form = leader.locator("form[data-form=step]")
    form.locator("select[name=decision]").select_option("return")
    form.locator("textarea[name=reason]").fill("缺少住院费用票据")
    form.locator("button[type=submit]").click()
    leader.wait_for_url(f"{live_server.url}/monitoring/proposals/{proposal.pk}/")
    assert leader.locator("[data-stage]").get_attribute("data-stage") == "returned"
    worker.goto(f"{live_server.url}/monitoring/proposals/{proposal.pk}/")
    expect(worker.locator("body")).to_contain_text("缺少住院费用票据")
    worker.click("section[aria-labelledby=steps] details summary")
    form = worker.locator("form[data-form=resubmit]")
    form.locator("textarea[name=reason]").fill("补充了住院费用票据")
    form.locator("button[type=submit]").click()
    worker.wait_for_url(f"{live_server.url}/monitoring/proposals/{proposal.pk}/")
    assert worker.locator("[data-stage]").get_attribute("data-stage") == "township_review"
    expect(worker.locator("[data-previous]")).to_contain_text("缺少住院费用票据")


def _walk(worker, leader, boss, live_server, proposal: Proposal, *, returned=False) -> None:
    assert _step(worker, live_server, proposal, meeting=True) == "notice"
    # The notice, in Chinese and Uyghur: the head's name and the proposed status only.
    worker.click("a[href^='/monitoring/notices/']")
    notice = worker.locator("[data-notice-language]")
    expect(notice).to_have_count(2)
    expect(worker.locator("[data-notice-language=zh-hans]")).to_contain_text("穆永胜")
    expect(worker.locator("[data-notice-language=ug]")).to_contain_text("穆永胜")
    expect(worker.locator("[data-notice-language=ug]")).to_have_attribute("dir", "rtl")
    text = " ".join(notice.all_inner_texts())
    for secret in ("13912345678", "652901198001010012", "5200", "18000", "患病", "疾病"):
        assert secret not in text
    # Seven days pass; nobody objected.
    end_notice(proposal)
    assert _step(worker, live_server, proposal) == "township_review"
    if returned:
        _return_and_resubmit(worker, leader, live_server, proposal)
    assert _step(leader, live_server, proposal) == "county_decision"
    assert _step(boss, live_server, proposal) == "approved"


def test_mu_yongsheng_monitored_helped_and_risk_removed_through_pages(
    live_server, browser: Browser, areas, worker_a, team_leader, supervisor
):
    household = make_household(
        area=areas["village_a"], household_no="652901001001-0088", head_name="穆永胜", members=3
    )
    head = household.residents.get(relationship="head")
    head.phone = "13912345678"
    head.id_number = "652901198001010012"
    head.save(update_fields=["phone", "id_number"])
    pairing_create(actor=team_leader, worker=worker_a, household=household, channel="test")
    year(household, TODAY.year - 1, 9000)
    year(household, TODAY.year, 5200, medical=18000)
    line(areas["county"], TODAY.year - 1, 6500)
    line(areas["county"], TODAY.year, 6800)
    LifeEvent.objects.create(
        household=household, kind="serious_illness", occurred_on=TODAY - dt.timedelta(days=60)
    )

    worker = _signed_in(browser, live_server, "worker_a", "zh-hans")
    leader = _signed_in(browser, live_server, "team_leader", "ug")
    boss = _signed_in(browser, live_server, "supervisor", "ug")

    # The household page shows its status; the worker proposes after the visit.
    worker.goto(f"{live_server.url}/households/{household.pk}/")
    expect(worker.locator("[data-monitoring-panel] .status-value")).to_have_text("从未建档")
    worker.click("[data-monitoring-panel] a.button")
    expect(worker.locator("tr[data-year] strong")).to_have_count(1)  # below the line this year
    worker.click("section[aria-labelledby=proposals] summary")
    form = worker.locator("form[data-form=propose]")
    form.locator("select[name=kind]").select_option("enter")
    form.locator("select[name=monitoring_type]").select_option("unstable")
    form.locator("input[name=risk_kinds][value=illness]").check()
    form.locator("input[name=risk_kinds][value=income_drop]").check()
    form.locator("textarea[name=note]").fill("走访发现：户主患病后家庭收入下降")
    form.locator("button[type=submit]").click()
    worker.wait_for_url(f"{live_server.url}/monitoring/households/{household.pk}/")
    proposal = Proposal.objects.get(household=household)
    assert proposal.income_per_person == 5200 and proposal.monitoring_line == 6800
    expect(worker.locator("section[aria-labelledby=proposals]")).to_contain_text("村级评议")

    # The township returns it once (no receipts); the worker amends and resubmits.
    _walk(worker, leader, boss, live_server, proposal, returned=True)
    expect(boss.locator("[data-stage]")).to_have_text("قارار قىلىندى")
    status = HouseholdPoverty.objects.get(household=household)
    assert status.status == "monitored" and status.risk_kinds == "illness,income_drop"

    # Help recorded on the household's monitoring page.
    worker.goto(f"{live_server.url}/monitoring/households/{household.pk}/")
    worker.click("section[aria-labelledby=help] summary")
    help_form = worker.locator("form[data-form=measure]")
    help_form.locator("input[name=description]").fill("大病救助，儿子安排到建筑工地务工")
    help_form.locator("input[name=started_on]").fill(TODAY.isoformat())
    help_form.locator("button[type=submit]").click()
    worker.wait_for_url(f"{live_server.url}/monitoring/households/{household.pk}/")
    expect(worker.locator("section[aria-labelledby=help]")).to_contain_text("大病救助")
    # A month later the review is on the paired worker's due list.
    assert status.next_review_on == TODAY + dt.timedelta(days=30)
    HouseholdPoverty.objects.filter(household=household).update(next_review_on=TODAY)
    worker.goto(f"{live_server.url}/casework/")
    expect(worker.locator("body")).to_contain_text("监测回访")

    # A year later: income stayed above the line, no open need → risk removed. This
    # time the worker works in Uyghur, the township and the county in Chinese.
    HouseholdYear.objects.filter(household=household, year=TODAY.year).update(
        income_per_person=9600
    )
    for page in (worker, leader, boss):
        page.context.close()
    worker = _signed_in(browser, live_server, "worker_a", "ug")
    leader = _signed_in(browser, live_server, "team_leader", "zh-hans")
    boss = _signed_in(browser, live_server, "supervisor", "zh-hans")
    worker.goto(f"{live_server.url}/monitoring/households/{household.pk}/")
    worker.click("section[aria-labelledby=proposals] summary")
    form = worker.locator("form[data-form=propose]")
    form.locator("select[name=kind]").select_option("remove")
    form.locator("textarea[name=note]").fill("收入连续稳定在监测线以上")
    form.locator("button[type=submit]").click()
    worker.wait_for_url(f"{live_server.url}/monitoring/households/{household.pk}/")
    removal = Proposal.objects.get(household=household, kind="remove")
    _walk(worker, leader, boss, live_server, removal)
    expect(boss.locator("[data-stage]")).to_have_text("已审定")
    worker.goto(f"{live_server.url}/households/{household.pk}/")
    expect(worker.locator("[data-monitoring-panel] .status-value")).to_have_text(
        "خەۋپ بىكار قىلىندى"
    )
    status.refresh_from_db()
    assert status.status == "risk_removed" and status.monitored_since is not None
