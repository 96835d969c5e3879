"""Signing in as a supervisor or administrator in a real browser (issue 12): the
second-factor page does not embed itself, few requests are made, and the user lands on
their home page — with a first enrolment and with an existing authenticator, in
Chinese and in Uyghur."""

from __future__ import annotations

import re
import time

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from doorstep.accounts import totp, two_factor
from doorstep.accounts.models import TwoFactorDevice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-only-42"  # the factories' default
HOME = "/casework/"  # settings.LOGIN_REDIRECT_URL
# Sign-in, second step, home and their static files: well under this; the loop that
# embedded the page again and again made 76 requests in 5 s.
MAX_REQUESTS = 40


def _not_nested(page: Page) -> None:
    assert page.locator("header.topbar").count() == 1
    assert page.evaluate("document.documentElement.scrollHeight") < 4000


@pytest.mark.parametrize(
    ("persona", "enrolled", "language"),
    [
        ("supervisor", False, "zh-hans"),
        ("supervisor", True, "ug"),
        ("administrator", False, "ug"),
        ("administrator", True, "zh-hans"),
    ],
)
def test_signing_in_with_the_second_factor_lands_on_the_home_page(
    request, real_two_factor, page: Page, live_server, persona, enrolled, language
):
    user = request.getfixturevalue(persona)
    if enrolled:
        device = two_factor.device_pending(user=user)
        TwoFactorDevice.objects.filter(pk=device.pk).update(confirmed_at=timezone.now())
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:not(.link):not(.js-hidden)")
    step = r"/accounts/two-factor/" if enrolled else r"/accounts/two-factor/enrol/"
    page.wait_for_url(re.compile(step))
    page.wait_for_timeout(1500)  # what used to loop would have piled up by now
    _not_nested(page)
    assert page.locator("nav.mainnav").count() == 0
    assert page.get_attribute("html", "lang") == language
    secret = TwoFactorDevice.objects.get(user=user).secret
    page.fill("input[name=code]", totp.totp(secret, at=time.time()))
    page.click("form.form button[type=submit]")
    if not enrolled:
        page.locator(".recovery-codes li").first.wait_for()
        page.click("a.button")
    page.wait_for_url(lambda url: "/accounts/" not in url)
    page.wait_for_load_state("networkidle")
    assert page.url == f"{live_server.url}{HOME}"
    _not_nested(page)
    assert page.locator("nav.mainnav").count() == 1
    assert len(requests) < MAX_REQUESTS, requests
    assert not errors, errors
