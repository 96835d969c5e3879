"""Two-factor sign-in (TOTP, RFC 6238) for supervisors and administrators."""

from __future__ import annotations

import hashlib
import re
import time

import pytest
from django.test import Client

from doorstep.accounts import totp, two_factor
from doorstep.accounts.models import RecoveryCode, TwoFactorDevice
from doorstep.core.tests.api_clients import ApiClient, assert_error

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-only-42"


# --- the algorithm, pinned by RFC 6238 appendix B (SHA-1, 8 digits) --------------------
@pytest.mark.parametrize(
    ("unix_time", "expected"),
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1234567890, "89005924"),
        (20000000000, "65353130"),
    ],
)
def test_totp_matches_the_rfc_6238_test_vectors(unix_time, expected):
    key = b"12345678901234567890"
    assert totp.hotp(key, totp.step_at(unix_time), digits=8) == expected


def test_a_code_from_the_step_before_or_after_is_accepted_and_no_further():
    secret = totp.secret_new()
    now = 1_700_000_000
    for offset, ok in [(-60, False), (-30, True), (0, True), (30, True), (60, False)]:
        code = totp.totp(secret, at=now + offset)
        assert (totp.totp_match(secret, code, at=now) is not None) is ok


def test_the_set_up_link_is_an_otpauth_uri():
    uri = totp.provisioning_uri("JBSWY3DPEHPK3PXP", account="supervisor", issuer="Doorstep")
    assert uri.startswith("otpauth://totp/Doorstep%3Asupervisor?secret=JBSWY3DPEHPK3PXP")
    assert "issuer=Doorstep" in uri and "period=30" in uri and "digits=6" in uri


# --- the pages ------------------------------------------------------------------------
def _password(client, username):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": PASSWORD, "next": "/households/"},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def _enrol(client) -> tuple[str, list[str]]:
    page = client.get("/accounts/two-factor/enrol/?next=/households/")
    assert page.status_code == 200
    secret = TwoFactorDevice.objects.get().secret
    # The last step, so that the next code (now) is a new one.
    code = totp.totp(secret, at=time.time() - 30)
    response = client.post("/accounts/two-factor/enrol/", {"code": code, "next": "/households/"})
    assert response.status_code == 200
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", response.content.decode())
    return secret, codes


def test_a_supervisor_is_sent_to_set_up_an_authenticator_after_the_password(
    real_two_factor, supervisor
):
    client = Client()
    response = _password(client, "supervisor")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/?next=")
    page = client.get(response["Location"], follow=True)
    assert page.redirect_chain[-1][0].startswith("/accounts/two-factor/enrol/")
    body = page.content.decode()
    assert 'src="data:image/svg+xml' in body
    assert "otpauth://totp/" in body


def test_a_pending_session_reaches_no_page_and_no_api(real_two_factor, supervisor, household_a):
    client = Client()
    _password(client, "supervisor")
    page = client.get(f"/households/{household_a.pk}/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/two-factor/")
    assert_error(client.get("/api/v1/me"), 401)
    assert_error(client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json"), 401)


def test_enrolment_shows_ten_recovery_codes_once_and_stores_only_digests(
    real_two_factor, supervisor
):
    client = Client()
    _password(client, "supervisor")
    _, codes = _enrol(client)
    assert len(set(codes)) == 10
    stored = set(RecoveryCode.objects.filter(user=supervisor).values_list("digest", flat=True))
    assert len(stored) == 10 and not stored & set(codes)
    assert client.get("/households/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200


def test_a_wrong_code_does_not_enrol(real_two_factor, supervisor):
    client = Client()
    _password(client, "supervisor")
    client.get("/accounts/two-factor/enrol/")
    response = client.post(
        "/accounts/two-factor/enrol/", {"code": "000000"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "This code is not right" in response.content.decode()
    assert TwoFactorDevice.objects.get().confirmed_at is None
    assert client.get("/households/").status_code == 302


def test_the_next_sign_in_asks_for_a_code_and_refuses_a_replayed_one(real_two_factor, supervisor):
    first = Client()
    _password(first, "supervisor")
    secret, _ = _enrol(first)
    client = Client()
    response = _password(client, "supervisor")
    assert response["Location"].startswith("/accounts/two-factor/")
    # The code used at enrolment (the previous step) is spent.
    replay = client.post("/accounts/two-factor/", {"code": totp.totp(secret, at=time.time() - 30)})
    assert replay.status_code == 200
    ok = client.post("/accounts/two-factor/", {"code": totp.totp(secret), "next": "/households/"})
    assert ok.status_code == 302 and ok["Location"] == "/households/"
    assert client.get("/households/").status_code == 200


def test_a_recovery_code_works_once(real_two_factor, supervisor):
    first = Client()
    _password(first, "supervisor")
    _, codes = _enrol(first)
    client = Client()
    _password(client, "supervisor")
    assert client.post("/accounts/two-factor/", {"code": codes[3].upper()}).status_code == 302
    again = Client()
    _password(again, "supervisor")
    assert again.post("/accounts/two-factor/", {"code": codes[3]}).status_code == 200
    assert again.get("/households/").status_code == 302


def test_guessing_codes_locks_the_account_and_signs_out(real_two_factor, supervisor, settings):
    settings.DOORSTEP_LOGIN_MAX_FAILURES = 3
    first = Client()
    _password(first, "supervisor")
    _enrol(first)
    client = Client()
    _password(client, "supervisor")
    for _ in range(3):
        response = client.post("/accounts/two-factor/", {"code": "123456"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    assert _password(Client(), "supervisor").status_code == 200  # locked


def test_workers_sign_in_with_the_password_alone(real_two_factor, worker_a):
    client = Client()
    response = _password(client, "worker_a")
    assert response["Location"] == "/households/"
    assert client.get("/households/").status_code == 200


def test_an_api_token_of_a_supervisor_works_without_the_second_step(real_two_factor, supervisor):
    assert ApiClient(supervisor).get("/api/v1/me").status_code == 200


def test_a_token_is_minted_only_from_a_verified_session(real_two_factor, supervisor):
    client = Client()
    _password(client, "supervisor")
    assert_error(client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json"), 401)
    _enrol(client)
    created = client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert created.status_code == 201


def test_an_administrator_resets_a_lost_authenticator(real_two_factor, supervisor):
    first = Client()
    _password(first, "supervisor")
    _enrol(first)
    two_factor.device_reset(user=supervisor)
    client = Client()
    _password(client, "supervisor")
    page = client.get("/accounts/two-factor/", follow=True)
    assert page.redirect_chain[-1][0].startswith("/accounts/two-factor/enrol/")
    assert not RecoveryCode.objects.filter(user=supervisor).exists()


def test_recovery_digests_differ_between_accounts(supervisor, administrator):
    a = two_factor._recovery_digest(supervisor, "abcde-fghij")
    b = two_factor._recovery_digest(administrator, "abcde-fghij")
    assert a != b and a != hashlib.sha256(b"abcdefghij").hexdigest()


def test_tests_sign_in_past_the_second_step_without_the_real_fixture(client, supervisor):
    client.force_login(supervisor)
    assert client.get("/households/").status_code == 200
