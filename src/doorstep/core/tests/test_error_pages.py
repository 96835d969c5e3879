"""Friendly 403/404/500 pages in the user's language, also under DEBUG (issue 12), and
navigation links only for roles that can use them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from doorstep.accounts.navigation import NAV_LINKS, links_for

pytestmark = pytest.mark.django_db


def _client(user, language="zh-hans"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.mark.parametrize("debug", [True, False])
def test_a_missing_record_shows_our_404_in_the_users_language(settings, worker_a, debug):
    settings.DEBUG = debug
    response = _client(worker_a).get("/households/999999/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "找不到" in body or "未找到" in body or "没有" in body
    assert "Django" not in body and "URLconf" not in body
    assert "<style" not in body and "style=" not in body


@pytest.mark.parametrize("debug", [True, False])
def test_an_unknown_address_shows_our_404_also_under_debug(settings, worker_a, debug):
    settings.DEBUG = debug
    response = _client(worker_a, "ug").get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert 'dir="rtl"' in body and "URLconf" not in body and "<style" not in body


def test_a_forbidden_page_shows_our_403(settings, analyst):
    settings.DEBUG = True
    response = _client(analyst).get("/households/")
    assert response.status_code == 403
    body = response.content.decode()
    assert 'lang="zh-hans"' in body and "<style" not in body


def test_the_api_keeps_its_own_json_404(worker_a):
    response = _client(worker_a).get("/api/v1/households/999999")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_a_fault_shows_our_500_page_in_the_users_language(rf):
    # The handler the URLconf names, without the database (it may be what failed).
    from django.urls import get_resolver

    handler = get_resolver().resolve_error_handler(500)
    for language, text, direction in [("zh-hans", "出错", "ltr"), ("ug", "خاتالىق", "rtl")]:
        with translation.override(language):
            response = handler(rf.get("/households/"))
        body = response.content.decode()
        assert response.status_code == 500
        assert text in body and f'dir="{direction}"' in body and "<style" not in body


@pytest.mark.parametrize(
    ("persona", "hidden", "shown"),
    [
        (
            "analyst",
            ["pairing:home", "hotline:board", "casework:welfare_rounds"],
            ["insights:home"],
        ),
        (
            "responder",
            ["pairing:home", "livelihoods:home", "insights:home", "hotline:board"],
            ["casework:referrals", "hotline:responder"],
        ),
        ("worker_a", ["casework:referrals", "registry:import_upload"], ["pairing:home"]),
        ("team_leader", [], ["registry:import_upload", "hotline:board"]),
    ],
)
def test_each_role_sees_only_the_links_it_can_use(request, persona, hidden, shown):
    user = request.getfixturevalue(persona)
    names = {link["name"] for link in links_for(user)}
    assert not names & set(hidden)
    assert set(shown) <= names
    page = _client(user, "en").get("/").content.decode()
    for name in hidden:
        assert f'href="{reverse(name)}"' not in page
    for name in shown:
        assert f'href="{reverse(name)}"' in page


@pytest.mark.parametrize("persona", ["analyst", "responder", "worker_a", "supervisor"])
def test_every_link_shown_answers_without_404(request, persona):
    user = request.getfixturevalue(persona)
    client = _client(user, "en")
    for link in links_for(user):
        response = client.get(link["url"], follow=True)
        assert response.status_code == 200, (persona, link["name"], response.status_code)


def test_every_navigation_link_names_a_route():
    for link in NAV_LINKS:
        reverse(link.url_name)
