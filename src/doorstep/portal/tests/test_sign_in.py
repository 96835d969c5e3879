"""Signing in with a phone number and a one-time code (6 digits, hashed, 5 minutes,
5 tries, throttled per phone), through the pluggable SMS backend."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from doorstep.conftest import RESIDENT_A_PHONE
from doorstep.portal import auth, sms
from doorstep.portal.models import PortalSession, SignInCode
from doorstep.portal.tests.conftest import last_code

PHONE = RESIDENT_A_PHONE


def test_a_code_is_sent_and_only_its_hash_is_stored(resident_a):
    auth.code_request(phone=PHONE)
    code = last_code(PHONE)
    assert len(code) == 6 and code.isdigit()
    row = SignInCode.objects.get(phone=PHONE)
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert row.expires_at - row.created_at == dt.timedelta(minutes=5)
    assert auth.code_verify(phone=PHONE, code=code) == resident_a


def test_the_phone_may_be_written_with_country_code_and_spaces(resident_a):
    auth.code_request(phone="+86 139 1234 5678")
    assert auth.code_verify(phone="139 1234 5678", code=last_code(PHONE)) == resident_a


def test_a_code_works_once(resident_a):
    auth.code_request(phone=PHONE)
    code = last_code(PHONE)
    auth.code_verify(phone=PHONE, code=code)
    with pytest.raises(ValidationError) as exc:
        auth.code_verify(phone=PHONE, code=code)
    assert "code" in exc.value.message_dict


def test_a_code_expires_after_five_minutes(resident_a):
    sent = timezone.now() - dt.timedelta(minutes=5, seconds=1)
    auth.code_request(phone=PHONE, now=sent)
    with pytest.raises(ValidationError) as exc:
        auth.code_verify(phone=PHONE, code=last_code(PHONE))
    assert "expired" in exc.value.message_dict["code"][0]


def test_five_wrong_tries_kill_the_code_even_the_right_one_after(resident_a):
    auth.code_request(phone=PHONE)
    code = last_code(PHONE)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(auth.MAX_ATTEMPTS):
        with pytest.raises(ValidationError):
            auth.code_verify(phone=PHONE, code=wrong)
    with pytest.raises(ValidationError) as exc:
        auth.code_verify(phone=PHONE, code=code)
    assert "Too many wrong tries" in exc.value.message_dict["code"][0]
    assert not PortalSession.objects.exists()


def test_one_code_a_minute_and_five_an_hour_per_phone(resident_a):
    start = timezone.now() - dt.timedelta(minutes=50)
    auth.code_request(phone=PHONE, now=start)
    with pytest.raises(auth.Throttled):
        auth.code_request(phone=PHONE, now=start + dt.timedelta(seconds=30))
    for i in range(1, auth.MAX_CODES_PER_HOUR):
        auth.code_request(phone=PHONE, now=start + dt.timedelta(minutes=2 * i))
    with pytest.raises(auth.Throttled) as exc:
        auth.code_request(phone=PHONE, now=start + dt.timedelta(minutes=20))
    assert "hour" in exc.value.message
    # Another phone is not affected.
    auth.code_request(phone="13700000000", now=start + dt.timedelta(minutes=20))


def test_an_unknown_number_gets_the_same_answer_and_no_sms(db):
    auth.code_request(phone="13711112222")
    assert sms.outbox == []
    assert SignInCode.objects.filter(phone="13711112222").exists()  # throttled alike


def test_a_landline_or_garbage_is_refused_naming_the_phone(db):
    for bad in ("0997-1234567", "abc", "", "1391234567"):
        with pytest.raises(ValidationError) as exc:
            auth.code_request(phone=bad)
        assert "phone" in exc.value.message_dict


def test_a_number_shared_by_two_households_cannot_sign_in(resident_a, household_b):
    head_b = household_b.residents.get(relationship="head")
    head_b.phone = PHONE
    head_b.save()
    auth.code_request(phone=PHONE)
    with pytest.raises(ValidationError) as exc:
        auth.code_verify(phone=PHONE, code=last_code(PHONE))
    assert "phone" in exc.value.message_dict


def test_sessions_expire_and_end_on_sign_out(resident_a):
    token, session = auth.session_start(resident=resident_a)
    assert auth.session_resident(token) == resident_a
    auth.session_end(token)
    assert auth.session_resident(token) is None
    token, session = auth.session_start(
        resident=resident_a, now=timezone.now() - auth.SESSION_LIFETIME - dt.timedelta(seconds=1)
    )
    assert auth.session_resident(token) is None
    assert auth.session_resident("not-a-token") is None


def test_the_console_backend_prints_the_code(resident_a, settings, capsys):
    settings.DOORSTEP_SMS_BACKEND = "console"
    auth.code_request(phone=PHONE)
    out = capsys.readouterr().out
    assert f"[SMS to {PHONE}]" in out and "Doorstep" in out


# --- pages --------------------------------------------------------------------------


def test_signing_in_through_the_pages_sets_a_portal_cookie_not_a_staff_session(client, resident_a):
    response = client.post(reverse("portal:sign_in"), {"phone": PHONE})
    assert response.status_code == 200
    assert b'name="code"' in response.content
    response = client.post(reverse("portal:code"), {"phone": PHONE, "code": last_code(PHONE)})
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert response.cookies[auth.COOKIE_NAME]["httponly"]
    assert "sessionid" not in response.cookies
    home = client.get(reverse("portal:home"))
    assert home.status_code == 200
    assert home.wsgi_request.user.is_anonymous  # no staff account involved
    # The portal cookie opens no staff page.
    assert client.get(reverse("registry:households")).status_code == 302


def test_a_wrong_code_on_the_page_says_so_with_400(client, resident_a):
    client.post(reverse("portal:sign_in"), {"phone": PHONE})
    code = last_code(PHONE)
    response = client.post(
        reverse("portal:code"),
        {"phone": PHONE, "code": f"{(int(code) + 1) % 1_000_000:06d}"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "This code is not right" in response.content.decode()


def test_asking_again_too_soon_answers_429_on_the_page(client, resident_a):
    client.post(reverse("portal:sign_in"), {"phone": PHONE})
    response = client.post(reverse("portal:sign_in"), {"phone": PHONE})
    assert response.status_code == 429


def test_without_a_session_the_portal_sends_to_sign_in(client, db):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302 and response["Location"] == reverse("portal:sign_in")


def test_a_staff_session_does_not_open_the_portal(client, worker_a):
    client.force_login(worker_a)
    assert client.get(reverse("portal:home")).status_code == 302


def test_signing_out_ends_the_session(portal_client, portal_token):
    portal_client.post(reverse("portal:sign_out"))
    assert auth.session_resident(portal_token) is None


# --- API ----------------------------------------------------------------------------


def test_the_api_sign_in_gives_a_bearer_token(client, resident_a):
    response = client.post(
        "/api/v1/portal/codes", {"phone": PHONE}, content_type="application/json"
    )
    assert response.status_code == 202
    again = client.post("/api/v1/portal/codes", {"phone": PHONE}, content_type="application/json")
    assert again.status_code == 429 and again.json()["errors"][0]["field"] == "phone"
    bad = client.post(
        "/api/v1/portal/sessions",
        {"phone": PHONE, "code": "12345"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "code"
    ok = client.post(
        "/api/v1/portal/sessions",
        {"phone": PHONE, "code": last_code(PHONE)},
        content_type="application/json",
    )
    assert ok.status_code == 201
    token = ok.json()["token"]
    me = client.get("/api/v1/portal/household", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.status_code == 200 and me.json()["id"] == resident_a.household_id
    out = client.delete("/api/v1/portal/sessions/current", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert out.status_code == 204
    gone = client.get("/api/v1/portal/household", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert gone.status_code == 401


def test_portal_tokens_open_no_staff_endpoint_and_staff_tokens_no_portal_one(
    client, portal_token, worker_a
):
    from doorstep.accounts.services import api_token_create

    staff = client.get("/api/v1/households", HTTP_AUTHORIZATION=f"Bearer {portal_token}")
    assert staff.status_code == 401
    _token, raw = api_token_create(user=worker_a, name="t")
    portal = client.get("/api/v1/portal/household", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert portal.status_code == 401
