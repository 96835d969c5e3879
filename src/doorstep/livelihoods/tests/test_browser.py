"""A resident from training to a job in a real browser (Debian's chromium through
Playwright): the worker enrols them in a course, records completion, finds them among
the ranked candidates of an opening, proposes, records the resident's and the
employer's yes, and the 1-month follow-up appears on the worker's due list (the
placement is dated 30 days back)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Browser, expect

from doorstep.casework.services import pairing_create
from doorstep.livelihoods.models import Enrolment, JobSeekerSkill, Placement
from doorstep.livelihoods.tests.factories import CH, adult, employer, opening, session, skill

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "pw-for-tests-only-42"


def test_training_to_a_job_with_the_follow_up_on_the_due_list(
    live_server, browser: Browser, worker_a, team_leader, household_a, areas
):
    pairing_create(actor=team_leader, worker=worker_a, household=household_a, channel=CH)
    resident = adult(household_a, name="阿依古丽")
    sess = session(team_leader, areas["township"], code="tailoring")
    emp = employer(team_leader, areas["village_a"], latitude=41.17, longitude=80.26)
    job = opening(team_leader, emp, title="缝纫工", skills=("tailoring",))

    page = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "worker_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:not(.link):not(.js-hidden)")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    # The household's work page, reached from the livelihoods home by its number.
    page.goto(f"{live_server.url}/livelihoods/")
    page.fill("input[name=household_no]", household_a.household_no)
    page.click("form[action='/livelihoods/find/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/livelihoods/households/{household_a.pk}/")

    # A job-seeker profile (no skills yet), then the course.
    page.click(f"a[href='/livelihoods/residents/{resident.pk}/seeker/']")
    page.fill("input[name=max_distance_km]", "40")
    page.click("form.form button[type=submit]")
    page.wait_for_url(lambda url: "/livelihoods/seekers/" in url)
    page.goto(f"{live_server.url}/livelihoods/households/{household_a.pk}/")
    page.select_option("form[data-form=enrol] select[name=session]", str(sess.pk))
    page.select_option("form[data-form=enrol] select[name=resident]", str(resident.pk))
    page.check("form[data-form=enrol] input[name=resident_agreed]")
    page.click("form[data-form=enrol] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/livelihoods/households/{household_a.pk}/")
    enrolment = Enrolment.objects.get()

    # Completion on the session page: the skill goes onto the profile.
    page.goto(f"{live_server.url}/livelihoods/sessions/{sess.pk}/")
    page.fill(f"form[data-complete='{enrolment.pk}'] input[name=certificate_no]", "XJ-2026-001")
    page.click(f"form[data-complete='{enrolment.pk}'] button[type=submit]")
    expect(page.locator(f"[data-enrolment='{enrolment.pk}'][data-status=completed]")).to_have_count(
        1
    )
    assert JobSeekerSkill.objects.filter(skill=skill("tailoring")).exists()

    # The opening's candidates (htmx), the proposal, the two answers.
    page.goto(f"{live_server.url}/livelihoods/openings/{job.pk}/")
    page.click("[data-find-candidates]")
    card = page.locator("[data-matches] li.card").first
    expect(card).to_contain_text("阿依古丽")
    expect(card.locator(".score")).to_have_text("100")
    card.locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/livelihoods/openings/{job.pk}/")
    page.click("button[name=do][value=agree]")
    started = dt.date.today() - dt.timedelta(days=30)
    page.fill("form[data-accept] input[name=started_on]", started.isoformat())
    page.click("button[name=do][value=accept]")
    placement = Placement.objects.get()
    page.wait_for_url(f"{live_server.url}/livelihoods/placements/{placement.pk}/")
    expect(page.locator("[data-month='1']")).to_have_count(1)

    # The 1-month follow-up is on the worker's due list.
    page.goto(f"{live_server.url}/casework/")
    item = page.locator("[data-kind=placement_follow_up]")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("阿依古丽")
    item.locator("a.button:not([data-action])").click()  # not "open household"
    page.wait_for_url(f"{live_server.url}/livelihoods/placements/{placement.pk}/")
