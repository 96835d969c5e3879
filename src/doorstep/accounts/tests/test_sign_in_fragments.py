"""htmx fragments never receive a full page, and `next` is never a fragment
(issue 12: the second-factor page used to embed itself in the navigation)."""

from __future__ import annotations

import pytest
from django.test import Client

from doorstep.core.tests.api_clients import assert_error

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-only-42"
COUNT = "/casework/notifications/count/"
HX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/households/"}


def _password(client, username, next_url="/households/"):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": PASSWORD, "next": next_url},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_a_pending_fragment_request_gets_hx_redirect_not_the_second_factor_page(
    real_two_factor, supervisor
):
    client = Client()
    _password(client, "supervisor")
    response = client.get(COUNT, **HX)
    assert response.status_code == 204
    assert response.content == b""
    assert response["HX-Redirect"] == "/accounts/two-factor/?next=%2Fhouseholds%2F"


def test_the_second_factor_page_polls_nothing_and_shows_no_navigation(real_two_factor, supervisor):
    client = Client()
    _password(client, "supervisor")
    page = client.get("/accounts/two-factor/enrol/", follow=True, HTTP_ACCEPT_LANGUAGE="en")
    body = page.content.decode()
    assert page.status_code == 200
    assert "hx-get" not in body and 'class="mainnav"' not in body
    assert "Sign out" in body


def test_a_fragment_is_never_where_sign_in_returns_to(real_two_factor, supervisor):
    client = Client()
    response = _password(client, "supervisor", next_url=COUNT)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/?next=%2Fcasework%2F"
    # Reached directly (a pending session asking for the fragment as a page), the
    # second step does not keep the fragment either.
    response = client.get(COUNT)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/"
    page = client.get(f"/accounts/two-factor/enrol/?next={COUNT}")
    assert 'name="next" value="/casework/"' in page.content.decode()


def test_an_api_url_is_never_where_sign_in_returns_to(worker_a):
    client = Client()
    response = _password(client, "worker_a", next_url="/api/v1/me")
    assert response.status_code == 302
    assert response["Location"] == "/casework/"


def test_a_page_url_is_kept_as_next(worker_a):
    response = _password(Client(), "worker_a", next_url="/households/?q=a")
    assert response["Location"] == "/households/?q=a"


def test_a_signed_out_fragment_request_gets_hx_redirect_to_the_sign_in_page():
    response = Client().get(COUNT, **HX)
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/accounts/login/?next=%2Fhouseholds%2F"


def test_a_signed_out_page_request_is_still_redirected():
    response = Client().get("/households/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_api_answers_a_signed_out_htmx_request_with_its_own_401():
    assert_error(Client().get("/api/v1/me", HTTP_HX_REQUEST="true"), 401)
