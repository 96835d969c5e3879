"""In a real browser, under the Content-Security-Policy: a supervisor's first sign-in
with the authenticator set-up, and the API docs page (swagger-ui) working with no
policy violation."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from doorstep.accounts import totp
from doorstep.accounts.models import TwoFactorDevice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-only-42"  # the factories' default


def _csp_violations(page: Page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: (
            violations.append(msg.text)
            if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text
            else None
        ),
    )
    return violations


def test_a_supervisor_sets_up_the_authenticator_at_the_first_sign_in(
    real_two_factor, page: Page, live_server, supervisor
):
    violations = _csp_violations(page)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "supervisor")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:not(.link):not(.js-hidden)")
    page.wait_for_url(re.compile(r"/accounts/two-factor/enrol/"))
    qr = page.locator("img.qr")
    expect(qr).to_be_visible()
    assert page.evaluate("document.querySelector('img.qr').naturalWidth") > 0
    secret = TwoFactorDevice.objects.get(user=supervisor).secret
    page.fill("input[name=code]", totp.totp(secret, at=time.time()))
    page.click("form.form button[type=submit]")
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.click("a.button")
    page.wait_for_url(lambda url: "/accounts/" not in url)
    assert not violations, violations


def test_the_api_docs_work_under_the_policy(page: Page, live_server, worker_a):
    violations = _csp_violations(page)
    page.goto(f"{live_server.url}/api/docs")
    # The schema of the whole API takes a few seconds to build on a busy machine.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Doorstep API", timeout=60_000)
    expect(page.locator(".opblock").first).to_be_visible()
    page.locator(".opblock-summary").first.click()  # React sets styles through the CSSOM
    expect(page.locator(".opblock-body").first).to_be_visible()
    assert not violations, violations
