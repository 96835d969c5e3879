"""In a real browser: a team leader computes a plan, watches it finish (htmx polling),
applies it, and the worker opens today's route on the map (no tiles configured)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Browser, expect

from doorstep.casework.models import ContactSchedule, Pairing
from doorstep.pairing.models import PairingPlan, PlanStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-only-42"


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:not(.link):not(.js-hidden)")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_plan_applied_and_route_on_the_map(
    live_server, browser: Browser, areas, world, team_leader, worker_a
):
    leader = browser.new_context(locale="en").new_page()
    sign_in(leader, live_server, "team_leader")
    leader.goto(f"{live_server.url}/pairing/")
    leader.select_option("select[name=area]", str(areas["township"].pk))
    leader.fill("input[name=capacity]", "3")
    leader.click("form.form button[type=submit]")
    plan = PairingPlan.objects.get()
    # Tasks run immediately in tests; the page shows the finished plan.
    expect(leader.locator("#plan-figures")).to_be_visible()
    assert PairingPlan.objects.get().status == PlanStatus.READY
    leader.check("input[name=confirm]")
    leader.click(f"form[action='/pairing/plans/{plan.pk}/apply/'] button[type=submit]")
    expect(leader.locator("#plan-progress")).to_have_attribute("data-status", "applied")
    assert Pairing.objects.active().filter(worker=worker_a).count() == 3

    ContactSchedule.objects.update(next_due_on=dt.date(2020, 1, 1))
    worker = browser.new_context(locale="en", viewport={"width": 360, "height": 740}).new_page()
    sign_in(worker, live_server, "worker_a")
    worker.goto(f"{live_server.url}/pairing/route/")
    expect(worker.locator("#route-map[data-ready='1']")).to_be_visible()
    expect(worker.locator("#route-map .leaflet-interactive")).to_have_count(
        5
    )  # base, 3 stops, line
    expect(worker.locator("#route-stops li")).to_have_count(3)
