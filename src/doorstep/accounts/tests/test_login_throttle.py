"""Sign-in throttling: per username and per address, shared through the database,
lifting after the configured time or by an administrator."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from doorstep.accounts import throttle
from doorstep.accounts.models import LoginThrottle

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-only-42"


@pytest.fixture(autouse=True)
def _small_limits(settings):
    settings.DOORSTEP_LOGIN_MAX_FAILURES = 3
    settings.DOORSTEP_LOGIN_MAX_FAILURES_PER_IP = 5
    settings.DOORSTEP_LOGIN_LOCKOUT_SECONDS = 600


def _sign_in(client, username, password, ip="10.0.0.1", language="en"):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_a_right_password_signs_in(client, worker_a):
    response = _sign_in(client, "worker_a", PASSWORD)
    assert response.status_code == 302
    assert client.get("/api/v1/me").status_code == 200


def test_three_wrong_passwords_lock_the_account_even_for_the_right_one(client, worker_a):
    for _ in range(2):
        body = _sign_in(client, "worker_a", "wrong").content.decode()
        assert "Too many failed sign-ins" not in body
    body = _sign_in(client, "worker_a", "wrong").content.decode()
    assert "Too many failed sign-ins" in body
    response = _sign_in(client, "worker_a", PASSWORD, ip="10.9.9.9")
    assert response.status_code == 200  # the form again, not a redirect
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_username_is_counted_whatever_its_case(client, worker_a):
    for spelling in ["worker_a", "WORKER_A", "Worker_A"]:
        _sign_in(client, spelling, "wrong")
    assert throttle.login_locked_until(username="worker_a", ip=None) is not None


def test_one_address_guessing_many_accounts_is_locked(client, worker_a, worker_b):
    for n in range(5):
        _sign_in(client, f"nobody{n}", "wrong", ip="10.0.0.7")
    response = _sign_in(client, "worker_b", PASSWORD, ip="10.0.0.7")
    assert "Too many failed sign-ins" in response.content.decode()
    # The same account from another address is not locked.
    assert _sign_in(client, "worker_b", PASSWORD, ip="10.0.0.8").status_code == 302


def test_a_right_password_clears_the_count(client, worker_a):
    _sign_in(client, "worker_a", "wrong")
    _sign_in(client, "worker_a", "wrong")
    assert _sign_in(client, "worker_a", PASSWORD).status_code == 302
    client.logout()
    _sign_in(client, "worker_a", "wrong")
    _sign_in(client, "worker_a", "wrong")
    assert _sign_in(client, "worker_a", PASSWORD).status_code == 302


def test_the_lock_lifts_after_the_configured_time(client, worker_a):
    for _ in range(3):
        _sign_in(client, "worker_a", "wrong")
    LoginThrottle.objects.filter(key="user:worker_a").update(
        locked_until=timezone.now() - dt.timedelta(seconds=1)
    )
    assert _sign_in(client, "worker_a", PASSWORD).status_code == 302


def test_an_administrator_lifts_the_lock_with_a_command(client, worker_a):
    for _ in range(3):
        _sign_in(client, "worker_a", "wrong")
    out = StringIO()
    call_command("login_unlock", "worker_a", stdout=out)
    assert "worker_a" in out.getvalue()
    assert _sign_in(client, "worker_a", PASSWORD).status_code == 302


def test_an_administrator_lifts_the_lock_in_the_admin(client, worker_a, administrator):
    for _ in range(3):
        _sign_in(client, "worker_a", "wrong", ip="10.0.0.2")
    administrator.is_staff = administrator.is_superuser = True
    administrator.save()
    admin_client = type(client)()
    admin_client.force_login(administrator)
    row = LoginThrottle.objects.get(key="user:worker_a")
    response = admin_client.post(
        "/admin/accounts/loginthrottle/",
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not LoginThrottle.objects.filter(key="user:worker_a").exists()
    assert _sign_in(client, "worker_a", PASSWORD).status_code == 302


def test_the_admin_sign_in_page_is_throttled_too(client, administrator):
    administrator.is_staff = True
    administrator.save()
    for _ in range(3):
        client.post("/admin/login/", {"username": "administrator", "password": "wrong"})
    client.post("/admin/login/", {"username": "administrator", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_a_window_that_has_passed_counts_afresh(worker_a):
    throttle.login_failure_record(username="worker_a", ip=None)
    throttle.login_failure_record(username="worker_a", ip=None)
    LoginThrottle.objects.filter(key="user:worker_a").update(
        window_started_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert throttle.login_failure_record(username="worker_a", ip=None) is None
    assert LoginThrottle.objects.get(key="user:worker_a").failures == 1


def test_housekeeping_deletes_ended_counts_and_keeps_running_locks(worker_a):
    from doorstep.accounts.models import RateCounter
    from doorstep.accounts.tasks import throttle_counts_delete_expired

    old = timezone.now() - dt.timedelta(hours=2)
    LoginThrottle.objects.create(key="user:gone", failures=2, window_started_at=old)
    LoginThrottle.objects.create(
        key="user:locked",
        failures=0,
        window_started_at=old,
        locked_until=timezone.now() + dt.timedelta(minutes=5),
    )
    RateCounter.objects.create(key="ip:1", window_start=0, count=3)
    throttle_counts_delete_expired.call()
    assert list(LoginThrottle.objects.values_list("key", flat=True)) == ["user:locked"]
    assert not RateCounter.objects.exists()
