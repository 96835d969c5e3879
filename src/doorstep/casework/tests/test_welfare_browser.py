"""A welfare-check round in a real browser (Debian's chromium through Playwright): the
supervisor starts a round for a cold snap, the worker finds the check pinned on their
due list and records it (no heating: a need is opened), and the round's page, left
open, shows the coverage change by itself (htmx polling) and draws the map."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from doorstep.casework.models import Need, WelfareCheck, WelfareRound
from doorstep.casework.services import pairing_create
from doorstep.casework.tests.test_browser import sign_in
from doorstep.core.testing import make_household

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_cold_snap_round_from_start_to_a_need(
    live_server, browser: Browser, supervisor, worker_a, team_leader, areas
):
    household = make_household(
        area=areas["village_a"],
        vulnerabilities=("elderly_alone",),
        latitude=41.17,
        longitude=80.26,
    )
    pairing_create(actor=team_leader, worker=worker_a, household=household, channel="t")
    make_household(area=areas["village_b"], vulnerabilities=("elderly_alone",))

    # The supervisor starts the round: name, deadline, "elderly living alone".
    boss = browser.new_context(locale="zh-CN").new_page()
    sign_in(boss, live_server, "supervisor")
    boss.goto(f"{live_server.url}/casework/welfare/")
    boss.click("a[href='/casework/welfare/new/']")
    boss.fill("input[name=name]", "寒潮入户")
    deadline = timezone.localdate() + dt.timedelta(days=2)
    boss.fill("input[name=deadline]", deadline.isoformat())
    boss.select_option("select[name=preset]", "elderly_alone")
    boss.click("#round-form button[type=submit]")
    welfare_round = WelfareRound.objects.get()
    boss.wait_for_url(f"{live_server.url}/casework/welfare/{welfare_round.pk}/")
    coverage = boss.locator("#coverage")
    expect(coverage).to_have_attribute("data-total", "2")
    expect(coverage).to_have_attribute("data-done", "0")
    # The map draws both households' points (no tiles: a plain background).
    expect(boss.locator("#round-map")).to_have_attribute("data-points", "1")
    expect(boss.locator("#round-map.map-plain")).to_have_count(1)

    # The worker sees the check pinned on the due list and records it: no heating.
    worker = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740}).new_page()
    sign_in(worker, live_server, "worker_a")
    worker.goto(f"{live_server.url}/casework/")
    check = WelfareCheck.objects.get(household=household)
    worker.click(f".card.pinned a[href='/casework/welfare/checks/{check.pk}/']")
    worker.check("input[name=outcome][value=done]")
    for key in ("food_water", "medicines", "phone", "someone_to_call"):
        worker.check(f"input[name=q_{key}][value=yes]")
    worker.check("input[name=q_heating][value=no]")
    worker.fill("textarea[name=note]", "暖气坏了")
    worker.click("#check-form button[type=submit]")
    worker.wait_for_url(f"{live_server.url}/casework/")
    need = Need.objects.get()
    check.refresh_from_db()
    assert (check.status, check.need_id, need.household_id) == ("done", need.pk, household.pk)

    # The supervisor's page, untouched, catches up on its own within a poll.
    expect(coverage).to_have_attribute("data-done", "1", timeout=15_000)
    expect(boss.locator("#coverage tr.total td.done")).to_have_text("1")
