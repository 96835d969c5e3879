"""Issue #13 in a real browser (chromium): a category the migration gave the head is
shown "to confirm"; the worker moves it to the grandmother on her member form, and a
round over widowed elderly then checks her alone."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from doorstep.casework.services.welfare import RoundCriteria, residents_matching_count
from doorstep.core.testing import make_household
from doorstep.registry.models import HouseholdVulnerability, Relationship, Resident
from doorstep.registry.tests.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN"}


def test_worker_moves_an_inferred_category_to_the_right_member(
    live_server, page: Page, worker_a, areas
):
    home = make_household(area=areas["village_a"], head_name="艾力·买买提")
    head = home.residents.get()
    grandmother = Resident.objects.create(
        household=home,
        name="阿娜尔汗",
        relationship=Relationship.PARENT,
        birth_date=dt.date(1946, 3, 1),
    )
    for name, born in (("孙16", dt.date(2010, 1, 1)), ("孙18", dt.date(2008, 1, 1))):
        Resident.objects.create(
            household=home, name=name, relationship=Relationship.GRANDCHILD, birth_date=born
        )
    HouseholdVulnerability.objects.create(
        household=home, resident=head, category="widowed_elderly", inferred=True
    )
    sign_in(page, live_server, "worker_a")
    page.goto(f"{live_server.url}/households/{home.pk}/")
    on_head = page.locator(f'[data-resident-vulnerabilities="{head.pk}"]')
    expect(on_head).to_contain_text("丧偶老人")
    expect(on_head).to_contain_text("待确认")

    # Off the head...
    page.goto(f"{live_server.url}/households/{home.pk}/residents/{head.pk}/edit/")
    page.uncheck("input[name=vulnerabilities][value=widowed_elderly]")
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/households/{home.pk}/")
    # ...onto the grandmother.
    page.goto(f"{live_server.url}/households/{home.pk}/residents/{grandmother.pk}/edit/")
    page.check("input[name=vulnerabilities][value=widowed_elderly]")
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/households/{home.pk}/")
    on_her = page.locator(f'[data-resident-vulnerabilities="{grandmother.pk}"]')
    expect(on_her).to_contain_text("丧偶老人")
    expect(on_her).not_to_contain_text("待确认")
    expect(page.locator(f'[data-resident-vulnerabilities="{head.pk}"]')).to_have_count(0)

    criteria = RoundCriteria(categories=("widowed_elderly",))
    assert (
        residents_matching_count(area=areas["village_a"], criteria=criteria, on=dt.date.today())
        == 1
    )
