"""A morning offline in Debian's chromium: sign in, sync, lose the network, log three
visits (one yesterday), open a need, complete two welfare checks, reload the app with
no network (shell and data load from the phone), get the network back: everything
arrives once; the outbox forced to send again creates nothing twice; two phones
changing the same need are shown the conflict and the worker chooses."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from doorstep.casework.models import Contact, Need, WelfareCheck, WelfareCheckStatus
from doorstep.casework.services import pairing_create
from doorstep.casework.services.welfare import RoundCriteria, welfare_round_start
from doorstep.casework.tests.factories import open_need
from doorstep.core.testing import make_household
from doorstep.hotline.tests.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def morning(areas, team_leader, worker_a, supervisor):
    households = [
        make_household(
            area=areas["village_a"],
            household_no=f"652901001001-10{n}",
            head_name=name,
            vulnerabilities=("elderly_alone",) if n < 2 else (),
            members=2,
            phone=f"1391234567{n}",
            latitude=41.1 + n / 100,
            longitude=80.2,
        )
        for n, name in enumerate(("阿依古丽", "买买提·艾力", "王芳"))
    ]
    for household in households:
        pairing_create(actor=team_leader, worker=worker_a, household=household, channel="t")
    need = open_need(actor=worker_a, household=households[2])
    welfare_round_start(
        actor=supervisor,
        area=areas["village_a"],
        name="寒潮入户",
        deadline=timezone.localdate() + dt.timedelta(days=2),
        criteria=RoundCriteria(categories=("elderly_alone",), heads_only=True),
        checklist=("food_water", "heating"),
        channel="t",
    )
    return households, need


def _open_app(browser: Browser, live_server) -> tuple:
    context = browser.new_context(
        locale="zh-CN", timezone_id="UTC", viewport={"width": 380, "height": 800}
    )
    page = context.new_page()
    sign_in(page, live_server, "worker_a")
    page.goto(f"{live_server.url}/field/")
    _wait_synced(page, 0)
    # The service worker has the shell and its files before the network goes.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    return context, page


def _synced(page: Page) -> int:
    return int(page.evaluate("Number(document.body.dataset.synced || 0)"))


def _wait_synced(page: Page, after: int, timeout: float = 20) -> None:
    # Polled from here: wait_for_function evaluates a string, which the app's CSP (no
    # 'unsafe-eval') refuses, and the test must not lift the CSP the app runs under.
    deadline = time.monotonic() + timeout
    while _synced(page) <= after:
        assert time.monotonic() < deadline, "the app did not finish a sync"
        time.sleep(0.1)


def _visit(page: Page, household_id: int, *, when: dt.datetime | None = None, notes: str) -> None:
    page.goto(page.url.split("#")[0] + f"#/h/{household_id}/visit")
    if when is not None:
        page.fill("input[name=occurred_at]", when.strftime("%Y-%m-%dT%H:%M"))
    page.fill("textarea[name=notes]", notes)
    page.click("form.form button[type=submit]")
    expect(page.locator("#contacts")).to_contain_text(notes)


def _outbox(page: Page) -> list:
    return page.evaluate("FieldStore.all('outbox')")


def test_a_morning_offline_arrives_once(live_server, browser: Browser, morning, worker_a):
    households, _need = morning
    context, page = _open_app(browser, live_server)
    expect(page.locator("#pinned .pin.check")).to_have_count(2)
    before = (Contact.objects.count(), Need.objects.count())

    context.set_offline(True)
    yesterday = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    _visit(page, households[0].pk, when=yesterday, notes="昨天的走访")
    _visit(page, households[1].pk, notes="今天上午")
    _visit(page, households[2].pk, notes="问了孩子上学")
    page.goto(page.url.split("#")[0] + f"#/h/{households[1].pk}/need")
    page.select_option("select[name=category]", "disability_support")
    page.fill("input[name=title]", "需要轮椅")
    page.click("form.form button[type=submit]")
    expect(page.locator("#needs")).to_contain_text("需要轮椅")
    for household in households[:2]:
        page.goto(page.url.split("#")[0] + f"#/h/{household.pk}")
        page.locator("#checks a").first.click()
        page.click("form.form button[type=submit]")
        # Saved (offline) and back on the card: only then move on, or the app's own
        # return to the card would follow the next navigation.
        expect(page.locator(".flash")).to_be_visible()
        expect(page.locator("#members")).to_be_visible()
    expect(page.locator("#outbox-count")).to_have_text("6")
    assert Contact.objects.count() == before[0]  # nothing left the phone

    # No network, a reload: the shell comes from the service worker, the data from
    # IndexedDB, the outbox is still there.
    page.goto(page.url.split("#")[0] + "#/")
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    expect(page.locator("#outbox-count")).to_have_text("6")
    expect(page.locator("#overdue, #this-week, #later").first).to_be_visible()
    expect(page.locator("#pinned .pin.check")).to_have_count(0)  # done, waiting to send
    sent = _outbox(page)
    assert [item["kind"] for item in sent] == ["contact"] * 3 + ["need", "check", "check"]

    seen = _synced(page)
    context.set_offline(False)  # the browser's "online" event starts the sync
    _wait_synced(page, seen)
    expect(page.locator("#outbox-count")).to_have_text("0")
    contacts = Contact.objects.filter(worker=worker_a).order_by("occurred_at")
    # Three visits, and each welfare check done logs its contact.
    assert contacts.count() == before[0] + 5
    backdated = contacts.first()
    assert abs(backdated.occurred_at - yesterday) < dt.timedelta(minutes=1)
    assert backdated.notes == "昨天的走访"
    assert Need.objects.count() == before[1] + 1
    assert WelfareCheck.objects.filter(status=WelfareCheckStatus.DONE).count() == 2

    # Forced replay: the same six entries again, with their keys; nothing doubles.
    page.evaluate(
        "items => Promise.all(items.map(i => FieldStore.put('outbox', i)))"
        ".then(() => window.fieldApp.sync())",
        sent,
    )
    expect(page.locator("#outbox-count")).to_have_text("0")
    assert Contact.objects.filter(worker=worker_a).count() == before[0] + 5
    assert Need.objects.count() == before[1] + 1
    assert WelfareCheck.objects.filter(status=WelfareCheckStatus.DONE).count() == 2
    context.close()


def test_two_phones_change_the_same_need_and_the_worker_chooses(
    live_server, browser: Browser, morning
):
    households, need = morning
    one, phone_one = _open_app(browser, live_server)
    two, phone_two = _open_app(browser, live_server)
    base = phone_one.url.split("#")[0]

    one.set_offline(True)
    phone_one.goto(base + f"#/n/{households[2].pk}/{need.pk}")
    phone_one.fill("input[name=title]", "屋顶漏水，需要修")
    phone_one.fill("textarea[name=description]", "东屋")
    phone_one.click("form.form button[type=submit]")

    phone_two.goto(base + f"#/n/{households[2].pk}/{need.pk}")
    phone_two.fill("input[name=title]", "屋顶塌了")
    phone_two.select_option("select[name=urgency]", "high")
    seen = _synced(phone_two)
    phone_two.click("form.form button[type=submit]")
    _wait_synced(phone_two, seen)
    need.refresh_from_db()
    assert (need.title, need.urgency, need.version) == ("屋顶塌了", "high", 2)

    seen = _synced(phone_one)
    one.set_offline(False)
    _wait_synced(phone_one, seen)
    phone_one.goto(base + "#/outbox")
    item = phone_one.locator(".outbox-item.state-conflict")
    expect(item).to_have_count(1)
    # Only the field both phones changed is asked about, with both values.
    expect(item.locator(".conflict fieldset")).to_have_count(1)
    expect(item.locator(".conflict")).to_contain_text("屋顶漏水，需要修")
    expect(item.locator(".conflict")).to_contain_text("屋顶塌了")
    item.locator("input[value=mine]").check()
    seen = _synced(phone_one)
    item.locator(".conflict button").click()
    _wait_synced(phone_one, seen)
    expect(phone_one.locator("#outbox-count")).to_have_text("0")
    need.refresh_from_db()
    # The worker's title and description, the other phone's urgency: nothing lost.
    assert (need.title, need.description, need.urgency) == ("屋顶漏水，需要修", "东屋", "high")
    one.close()
    two.close()


def test_the_phone_forgets_after_the_wipe_period_and_at_sign_out(
    live_server, browser: Browser, morning, settings
):
    settings.DOORSTEP_FIELD_WIPE_DAYS = 3
    context, page = _open_app(browser, live_server)
    assert page.evaluate("FieldStore.count('cards')") == 3
    # Four days since the last successful sign-in, then the app is opened offline.
    page.evaluate("FieldStore.setMeta('lastAuth', Date.now() - 4 * 86400000)")
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    expect(page.locator(".flash")).to_be_visible()
    assert page.evaluate("FieldStore.count('cards')") == 0
    context.set_offline(False)
    seen = _synced(page)
    page.click("#sync-now")
    _wait_synced(page, seen)
    assert page.evaluate("FieldStore.count('cards')") == 3
    page.click("#signout-form button")
    page.wait_for_url("**/accounts/login/**")
    assert page.evaluate("indexedDB.databases().then(dbs => dbs.length)") == 0
    assert page.evaluate("caches.keys().then(keys => keys.length)") == 0
    context.close()
