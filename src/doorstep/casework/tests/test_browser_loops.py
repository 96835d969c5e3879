"""The loops in a real browser (Debian's chromium through Playwright), one test each:
1. refer → the department accepts and completes → the owner is notified and resolves
   with the outcome prefilled → the resident confirms in the portal;
2. a relapse flag → one need → help recorded (a placement linked) → resolved → the
   flag is cleared at once;
3. a placement that lasts past its 1-month follow-up ends the job need."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Browser, expect

from doorstep.casework.models import Need, NeedStatus, UnitMember
from doorstep.casework.services import pairing_create, referral_create
from doorstep.casework.tests.factories import make_unit, open_need
from doorstep.livelihoods import services as livelihoods
from doorstep.livelihoods.models import FlagStatus, RelapseFlag
from doorstep.livelihoods.tests.factories import adult, employer, opening, seeker

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "pw-for-tests-only-42"
CH = "test"
TODAY = dt.date.today()


def _sign_in(browser: Browser, live_server, username: str):
    page = browser.new_context(locale="zh-CN", viewport={"width": 1024, "height": 800}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:not(.link):not(.js-hidden)")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


def _seeded() -> None:
    """Skills and relapse rules come from a data migration; a transactional test run
    before this one may have flushed them, so put them back the same way."""
    import importlib

    from django.apps import apps

    from doorstep.livelihoods.models import RelapseRule

    if not RelapseRule.objects.exists():
        importlib.import_module("doorstep.livelihoods.migrations.0002_seed_skills_and_rules").seed(
            apps, None
        )


def _placement(worker, team_leader, household, areas):
    _seeded()
    emp = employer(team_leader, areas["village_a"])
    job = opening(team_leader, emp, title="锁匠学徒", skills=("tailoring",))
    s = seeker(worker, adult(household), skills=("tailoring",))
    p = livelihoods.proposal_create(actor=worker, opening=job, seeker=s, channel=CH)
    livelihoods.proposal_agree(actor=worker, proposal=p, channel=CH)
    return livelihoods.proposal_accept(
        actor=worker, proposal=p, started_on=TODAY - dt.timedelta(days=35), channel=CH
    )


def test_a_referral_goes_round_to_the_residents_confirmation(
    live_server, browser: Browser, worker_a, team_leader, responder, household_a, resident_a, areas
):
    pairing_create(actor=team_leader, worker=worker_a, household=household_a, channel=CH)
    unit = make_unit(name="县民政局", accepts_referrals=True, area=areas["county"])
    UnitMember.objects.create(user=responder, unit=unit)
    need = open_need(actor=worker_a, household=household_a, category="income")
    referral_create(actor=worker_a, need=need, unit=unit, note="申请低保", channel=CH)

    dept = _sign_in(browser, live_server, "responder")
    dept.goto(f"{live_server.url}/casework/referrals/")
    dept.click("button[name=answer][value=accept]")
    dept.fill("input[name=note]", "低保已批准，每月发放")
    dept.click("button[name=answer][value=done]")
    expect(dept.locator("li.card[data-status=completed]")).to_be_visible()
    assert Need.objects.get(pk=need.pk).status == NeedStatus.IN_PROGRESS

    owner = _sign_in(browser, live_server, "worker_a")
    owner.goto(f"{live_server.url}/casework/notifications/")
    expect(owner.get_by_text("低保已批准，每月发放").first).to_be_visible()
    owner.goto(f"{live_server.url}/casework/needs/{need.pk}/")
    expect(owner.locator("#id_resolve_note")).to_have_value("低保已批准，每月发放")
    owner.click("button[name=do][value=resolve]")
    expect(owner.locator("span.tag[data-status=resolved]").first).to_be_visible()

    from doorstep.portal.auth import COOKIE_NAME, session_start

    token, _ = session_start(resident=resident_a)
    context = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740})
    context.add_cookies(
        [{"name": COOKIE_NAME, "value": token, "url": f"{live_server.url}/resident/"}]
    )
    phone = context.new_page()
    phone.goto(f"{live_server.url}/resident/needs/{need.pk}/")
    phone.click("button[name=answer][value=confirm]")
    expect(phone.locator("span.tag[data-status=confirmed]")).to_be_visible()
    assert Need.objects.get(pk=need.pk).status == NeedStatus.CONFIRMED


def test_a_relapse_flag_becomes_one_need_and_clears_when_the_help_solves_it(
    live_server, browser: Browser, worker_a, team_leader, household_a, areas
):
    pairing_create(actor=team_leader, worker=worker_a, household=household_a, channel=CH)
    placement = _placement(worker_a, team_leader, household_a, areas)
    livelihoods.life_event_record(
        actor=worker_a, household=household_a, kind="job_lost", occurred_on=TODAY, channel=CH
    )
    livelihoods.income_record_set(
        actor=worker_a,
        household=household_a,
        year=TODAY.year,
        source="wages",
        amount=6000,
        channel=CH,
    )
    flags = RelapseFlag.objects.filter(household=household_a, status=FlagStatus.OPEN)
    assert flags.count() == 2 and len({f.need_id for f in flags}) == 1
    need = flags.first().need

    page = _sign_in(browser, live_server, "worker_a")
    page.goto(f"{live_server.url}/livelihoods/placements/{placement.pk}/")
    page.select_option("select[name=needs]", str(need.pk))
    page.click("form[action$='/needs/'] button[type=submit]")
    expect(page.locator("li.linked-need")).to_contain_text(need.title)
    page.goto(f"{live_server.url}/casework/needs/{need.pk}/")
    expect(page.locator("li[data-kind=help_linked]")).to_be_visible()
    for action in ("acknowledge", "start", "resolve"):
        page.click(f"button[name=do][value={action}]")
        page.wait_for_load_state()
    expect(page.locator("span.tag[data-status=resolved]").first).to_be_visible()
    assert not RelapseFlag.objects.filter(household=household_a, status=FlagStatus.OPEN).exists()


def test_a_placement_past_its_first_month_ends_the_job_need(
    live_server, browser: Browser, worker_a, team_leader, household_a, areas
):
    pairing_create(actor=team_leader, worker=worker_a, household=household_a, channel=CH)
    placement = _placement(worker_a, team_leader, household_a, areas)
    need = open_need(actor=worker_a, household=household_a, category="employment")

    page = _sign_in(browser, live_server, "worker_a")
    page.goto(f"{live_server.url}/livelihoods/placements/{placement.pk}/")
    page.select_option("select[name=needs]", str(need.pk))
    page.click("form[action$='/needs/'] button[type=submit]")
    expect(page.locator("li.linked-need")).to_contain_text(need.title)
    # The 1-month follow-up: still employed.
    page.check("input[name=still_employed][value=yes]")
    page.fill("form.form:not([action]) input[name=done_on]", TODAY.isoformat())
    page.click("form.form:not([action]) button[type=submit]")
    page.wait_for_url(f"{live_server.url}/livelihoods/placements/{placement.pk}/")
    page.goto(f"{live_server.url}/casework/needs/{need.pk}/")
    expect(page.locator("li[data-kind=resolve_asked]")).to_be_visible()
    for action in ("acknowledge", "start"):
        page.click(f"button[name=do][value={action}]")
        page.wait_for_load_state()
    proposed = Need.objects.get(pk=need.pk).resolution_proposed
    assert proposed.startswith("Placed at") or "锁匠学徒" in proposed
    expect(page.locator("#id_resolve_note")).to_have_value(proposed)
    page.click("button[name=do][value=resolve]")
    expect(page.locator("span.tag[data-status=resolved]").first).to_be_visible()
