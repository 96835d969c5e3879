"""The administration pages tried by every persona, and the page flow of an
administrator and a supervisor: translated errors beside the field, nothing written."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from doorstep.accounts.models import User
from doorstep.administration.tests.conftest import MANAGERS, PERSONAS
from doorstep.casework.models import ServiceLevel
from doorstep.casework.services import pairing_create
from doorstep.hotline.models import Office, Responder, ResponderContact

pytestmark = pytest.mark.django_db


def _client(user, language="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_answers_404_to_roles_that_do_not_administer(everyone, persona):
    client = _client(everyone[persona])
    office = Office.objects.create(name="o", code="o", area=everyone["worker_a"].area)
    responder = Responder.objects.create(office=office, name="r", kind="utility")
    target = everyone["worker_a"]
    staff_pages = [
        reverse("administration:home"),
        reverse("administration:staff"),
        reverse("administration:staff_new"),
        reverse("administration:staff_import"),
        reverse("administration:staff_export"),
        reverse("administration:staff_detail", args=[target.pk]),
    ]
    setup_pages = [
        reverse("administration:offices"),
        reverse("administration:office", args=[office.pk]),
        reverse("administration:responder", args=[responder.pk]),
        reverse("administration:service_levels"),
    ]
    for url in staff_pages:
        expected = 200 if persona in MANAGERS else 404
        assert client.get(url).status_code == expected, url
    for url in setup_pages:
        expected = 200 if persona == "administrator" else 404
        assert client.get(url).status_code == expected, url
    posted = client.post(reverse("administration:staff_deactivate", args=[target.pk]))
    assert User.objects.get(pk=target.pk).is_active == (persona not in MANAGERS)
    assert posted.status_code == (302 if persona in MANAGERS else 404)


def test_a_supervisor_creates_a_worker_and_is_refused_an_administrator(supervisor, areas):
    client = _client(supervisor, "zh-hans")
    form = {
        "username": "new_one",
        "family_name": "王",
        "given_name": "芳",
        "role": "worker",
        "area_code": areas["village_a"].code,
        "languages": "zh,ug",
    }
    refused = client.post(reverse("administration:staff_new"), form | {"role": "admin"})
    assert refused.status_code == 200 and 'class="field invalid"' in refused.content.decode()
    unknown = client.post(reverse("administration:staff_new"), form | {"area_code": "999"})
    assert "999" in unknown.content.decode() and not User.objects.filter(username="new_one")
    created = client.post(reverse("administration:staff_new"), form)
    user = User.objects.get(username="new_one")
    assert created.status_code == 302 and user.get_full_name() == "王芳"
    page = client.get(reverse("administration:staff_detail", args=[user.pk])).content.decode()
    assert "王芳" in page
    reset = client.post(reverse("administration:staff_password", args=[user.pk]))
    assert reset.status_code == 200 and reset["Cache-Control"] == "no-store"
    assert Client().login(username="new_one", password=reset.context["password"])


def test_the_staff_list_comes_in_pages_that_show_every_account_once(everyone, monkeypatch):
    from doorstep.administration import views_staff

    monkeypatch.setattr(views_staff, "STAFF_PAGE", 2)
    client = _client(everyone["administrator"], "zh-hans")
    url = reverse("administration:staff")
    seen: list[str] = []
    first = client.get(url).content.decode()
    assert "共" in first and 'rel="next"' in first
    for number in range(1, 20):
        text = client.get(f"{url}?page={number}").content.decode()
        seen += re.findall(r'data-staff="([^"]+)"', text)
        if 'rel="next"' not in text:
            break
    assert len(seen) == len(set(seen)) == User.objects.filter(is_active=True).count()


def test_the_page_shows_a_duplicate_user_name_translated(administrator, worker_a, areas):
    client = _client(administrator, "zh-hans")
    response = client.post(
        reverse("administration:staff_new"),
        {"username": "worker_a", "given_name": "x", "role": "worker", "area_code": "652901"},
    )
    text = response.content.decode()
    assert 'class="field invalid"' in text and "worker_a" in text and "is taken" not in text


def test_the_administrator_sets_up_a_duty_office_with_responder_and_contacts(
    administrator, responder, areas
):
    client = _client(administrator)
    response = client.post(
        reverse("administration:offices"),
        {
            "name": "新城值班室",
            "area_code": areas["township"].code,
            "phone": "09972123456",
            "categories": ["power", "water"],
            "min_officers": 1,
            "is_active": "on",
        },
    )
    office = Office.objects.get(name="新城值班室")
    assert response.status_code == 302 and office.category_list == ["power", "water"]
    added = client.post(
        reverse("administration:responder_new", args=[office.pk]),
        {"name": "供电所", "kind": "utility", "members": "responder", "is_active": "on"},
    )
    r = Responder.objects.get(name="供电所")
    assert added.status_code == 302 and list(r.members.all()) == [responder]
    bad = client.post(
        reverse("administration:responder_contacts", args=[r.pk]),
        {"contacts": "白班, 工程师, 13900001111\n夜班, 12"},
    )
    assert bad.status_code == 422 and not ResponderContact.objects.exists()
    good = client.post(
        reverse("administration:responder_contacts", args=[r.pk]),
        {"contacts": "白班, 工程师, 13900001111\n夜班, 13900002222"},
    )
    assert good.status_code == 302
    assert [(c.name, c.on_call_order) for c in r.contacts.all()] == [("白班", 1), ("夜班", 2)]
    level = ServiceLevel.objects.order_by("pk").first()
    prefix = f"l{level.pk}"
    client.post(
        reverse("administration:service_level", args=[level.pk]),
        {
            f"{prefix}-acknowledge_hours": 3,
            f"{prefix}-resolve_hours": 40,
            f"{prefix}-supervisor_after_hours": 5,
        },
    )
    level.refresh_from_db()
    assert level.resolve_hours == 40


def test_a_deactivated_workers_households_need_a_new_worker_on_the_team_leaders_page(
    team_leader, worker_a, household_a, supervisor
):
    pairing_create(actor=team_leader, worker=worker_a, household=household_a, channel="t")
    client = _client(team_leader)
    before = client.get(reverse("casework:pairings")).content.decode()
    assert 'id="needs-new-worker"' not in before
    _client(supervisor).post(reverse("administration:staff_deactivate", args=[worker_a.pk]))
    page = client.get(reverse("casework:pairings")).content.decode()
    assert 'id="needs-new-worker"' in page and "needs a new worker" in page
    only = client.get(reverse("casework:pairings") + "?orphaned=1").content.decode()
    assert household_a.household_no in only
