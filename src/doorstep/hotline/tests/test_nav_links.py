"""The duty room's own menu links intake, rosters and patrols only for staff who see an
office (issue 12: those pages answered 404 to everyone else)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

OFFICE_PAGES = (
    "/hotline/calls/new/",
    "/hotline/roster/",
    "/hotline/roster/holidays/",
    "/hotline/hazards/",
)


def _board(user) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client.get("/hotline/").content.decode()


def test_staff_who_see_an_office_get_its_links_and_each_answers(office, worker_a):
    page = _board(worker_a)
    client = Client()
    client.force_login(worker_a)
    for url in OFFICE_PAGES:
        assert f'href="{url}' in page
        assert client.get(url).status_code == 200, url


def test_staff_who_see_no_office_get_no_link_that_would_answer_404(office, worker_b):
    page = _board(worker_b)
    client = Client()
    client.force_login(worker_b)
    for url in OFFICE_PAGES:
        assert f'href="{url}' not in page
        assert client.get(url).status_code == 404, url
