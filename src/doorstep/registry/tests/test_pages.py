"""The registry pages through HTTP, tried by every persona (house style)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from doorstep.core.pagination import encode_cursor
from doorstep.core.testing import make_household
from doorstep.privacy.models import AuditEvent
from doorstep.registry.models import Resident, Vulnerability

pytestmark = pytest.mark.django_db

PERSONAS = [
    "worker_a",
    "worker_b",
    "team_leader",
    "supervisor",
    "analyst",
    "responder",
    "administrator",
]
# Whether the persona's area holds household_a (village A).
SEES_A = {
    "worker_a": True,
    "worker_b": False,
    "team_leader": True,
    "supervisor": True,
    "analyst": False,
    "responder": False,
    "administrator": True,
}


def _pages(household, resident):
    return {
        "household": reverse("registry:household", args=[household.pk]),
        "household_edit": reverse("registry:household_edit", args=[household.pk]),
        "resident_create": reverse("registry:resident_create", args=[household.pk]),
        "resident_edit": reverse("registry:resident_edit", args=[household.pk, resident.pk]),
        "resident_delete": reverse("registry:resident_delete", args=[household.pk, resident.pk]),
    }


@pytest.fixture
def head_a(household_a):
    return household_a.residents.get(relationship="head")


@pytest.fixture
def member_a(household_a):
    return household_a.residents.exclude(relationship="head").first()


def login(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    return user


# --- every page x every persona ------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "page", ["household", "household_edit", "resident_create", "resident_edit", "resident_delete"]
)
def test_record_pages_answer_404_outside_scope_and_200_inside(
    client, request, persona, page, household_a, member_a
):
    login(client, request, persona)
    response = client.get(_pages(household_a, member_a)[page])
    assert response.status_code == (200 if SEES_A[persona] else 404)
    if not SEES_A[persona]:
        assert household_a.household_no.encode() not in response.content


@pytest.mark.parametrize("persona", PERSONAS)
def test_household_list_shows_households_in_scope_only(
    client, request, persona, household_a, household_b
):
    login(client, request, persona)
    response = client.get(reverse("registry:households"))
    if persona in ("analyst", "responder"):
        assert response.status_code == 403
        assert b"652901001" not in response.content
        return
    assert response.status_code == 200
    body = response.content.decode()
    assert (household_a.household_no in body) == SEES_A[persona]
    assert (household_b.household_no in body) == (persona != "worker_a")


@pytest.mark.parametrize("persona", PERSONAS)
def test_home_page_for_every_persona(client, request, persona, household_a, household_b):
    user = login(client, request, persona)
    response = client.get(reverse("registry:home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert (household_a.household_no in body) == SEES_A[persona]
    if not user.can_read_registry:
        assert "艾力" not in body and "张伟" not in body
        assert "/api/docs" in body


@pytest.mark.parametrize("persona", PERSONAS)
def test_new_household_page_only_for_editors(client, request, persona):
    user = login(client, request, persona)
    response = client.get(reverse("registry:household_create"))
    assert response.status_code == (200 if user.can_edit_registry else 404)


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/households/",
        "/households/new/",
        "/households/1/",
        "/households/1/edit/",
        "/households/1/residents/new/",
        "/households/1/residents/1/edit/",
        "/households/1/residents/1/remove/",
    ],
)
def test_anonymous_is_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_sign_in_page_renders(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content


# --- the home page and the list ------------------------------------------------------


def test_home_shows_head_area_vulnerabilities_and_phone_link(client, worker_a, areas):
    make_household(
        area=areas["village_a"],
        head_name="古丽·买买提",
        phone="13800138000",
        vulnerabilities=(Vulnerability.ELDERLY_ALONE,),
    )
    client.force_login(worker_a)
    body = client.get("/").content.decode()
    assert "古丽·买买提" in body
    assert areas["village_a"].name in body
    assert 'href="tel:13800138000"' in body
    assert str(Vulnerability.ELDERLY_ALONE.label) in body


def test_list_searches_by_head_name_prefix(client, worker_a, areas):
    make_household(area=areas["village_a"], head_name="古丽·买买提")
    make_household(area=areas["village_a"], head_name="艾力·买买提")
    client.force_login(worker_a)
    body = client.get("/households/", {"q": "古丽"}).content.decode()
    assert "古丽·买买提" in body and "艾力·买买提" not in body


def test_list_filters_by_vulnerability(client, worker_a, areas):
    make_household(area=areas["village_a"], head_name="古丽", vulnerabilities=("disability",))
    make_household(area=areas["village_a"], head_name="艾力")
    client.force_login(worker_a)
    body = client.get("/households/", {"vulnerability": "disability"}).content.decode()
    assert "古丽" in body and "艾力" not in body


def test_list_filters_by_area_in_scope(client, team_leader, household_a, household_b, areas):
    client.force_login(team_leader)
    body = client.get("/households/", {"area": areas["village_b"].pk}).content.decode()
    assert household_b.household_no in body and household_a.household_no not in body


def test_stale_lower_area_select_is_ignored(client, team_leader, household_a, household_b, areas):
    # Without JavaScript: the user moved the first select to village B, the grid select
    # below still says grid A1 (a child of village A); village B wins.
    client.force_login(team_leader)
    body = client.get(
        "/households/", {"area": [areas["village_b"].pk, areas["grid_a1"].pk]}
    ).content.decode()
    assert household_b.household_no in body and household_a.household_no not in body


def test_area_outside_scope_is_404(client, worker_a, areas):
    client.force_login(worker_a)
    assert client.get("/households/", {"area": areas["village_b"].pk}).status_code == 404


def test_area_that_is_not_a_number_is_a_translated_400(client, worker_a):
    client.force_login(worker_a)
    response = client.get("/households/", {"area": "x"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert "<html" in response.content.decode()


@pytest.mark.parametrize("cursor", ["not-a-cursor", "!!!", encode_cursor([1, 2]), "W1t9XQ"])
def test_forged_cursor_is_a_400_not_a_500(client, worker_a, household_a, cursor):
    client.force_login(worker_a)
    response = client.get("/households/", {"cursor": cursor})
    assert response.status_code == 400


def test_unknown_vulnerability_is_400(client, worker_a):
    client.force_login(worker_a)
    assert client.get("/households/", {"vulnerability": "religion"}).status_code == 400


def test_list_pages_with_next_and_first_links_keeping_filters(client, settings, worker_a, areas):
    settings.DOORSTEP_PAGE_SIZE = 2
    for i in range(5):
        make_household(area=areas["village_a"], household_no=f"A-{i}", head_name=f"古丽{i}")
    client.force_login(worker_a)
    first = client.get("/households/", {"q": "古丽"})
    page1 = first.context["page"]
    assert [h.household_no for h in page1.items] == ["A-0", "A-1"]
    assert "first page" not in first.content.decode().lower()
    body = first.content.decode()
    assert "q=%E5%8F%A4%E4%B8%BD" in body and "cursor=" in body
    second = client.get("/households/", {"q": "古丽", "cursor": page1.next_cursor})
    assert [h.household_no for h in second.context["page"].items] == ["A-2", "A-3"]
    assert second.context["page"].has_previous


def test_htmx_request_gets_only_the_results(client, worker_a, household_a):
    client.force_login(worker_a)
    response = client.get("/households/", {"q": "艾"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert household_a.household_no in body
    assert "<html" not in body


def test_list_query_count_does_not_grow_with_the_page(
    client, worker_a, areas, django_assert_max_num_queries
):
    for i in range(30):
        make_household(area=areas["village_a"], vulnerabilities=("disability", "low_income"))
        make_household(area=areas["grid_a1"], head_name=f"古丽{i}")
    client.force_login(worker_a)
    # session, user, the worker's pairings (casework's scope extension), households,
    # heads, vulnerabilities, the user's area, the picker's levels, the list's audit
    # event; with an area chosen also the area itself and its ancestors. None per row.
    with django_assert_max_num_queries(9):
        response = client.get("/households/")
    assert len(response.context["page"].items) == 50
    with django_assert_max_num_queries(12):
        client.get("/households/", {"area": areas["grid_a1"].pk, "q": "古丽"})
    with django_assert_max_num_queries(9):
        client.get("/")


# --- the household page --------------------------------------------------------------


def test_household_page_shows_residents_with_age_and_masked_id(client, worker_a, household_a):
    import datetime as dt

    from doorstep.core.testing import make_id_number

    head = household_a.residents.get(relationship="head")
    number = make_id_number(birth=dt.date(1980, 5, 17))
    head.id_number, head.birth_date = number, dt.date(1980, 5, 17)
    head.save()
    client.force_login(worker_a)
    body = client.get(f"/households/{household_a.pk}/").content.decode()
    assert number not in body
    assert number[-4:] in body
    today = dt.date.today()
    years = today.year - 1980 - ((today.month, today.day) < (5, 17))
    assert str(years) in body


def test_opening_the_household_page_is_audited(client, worker_a, household_a):
    client.force_login(worker_a)
    client.get(f"/households/{household_a.pk}/")
    event = AuditEvent.objects.get(action="view")
    assert (event.actor, event.household_id, event.channel) == (
        worker_a,
        household_a.pk,
        "page:household",
    )


def test_household_page_map_without_tiles_shows_coordinates(client, settings, worker_a, areas):
    settings.DOORSTEP_TILE_URL = ""
    household = make_household(area=areas["village_a"], latitude=41.17, longitude=80.26)
    client.force_login(worker_a)
    body = client.get(f"/households/{household.pk}/").content.decode()
    assert "data-map" in body and 'data-tile-url=""' in body
    assert "41.17000" in body and "80.26000" in body
    assert "vendor/leaflet/leaflet.js" in body


def test_household_page_without_coordinates_has_no_map(client, worker_a, household_a):
    client.force_login(worker_a)
    body = client.get(f"/households/{household_a.pk}/").content.decode()
    assert "data-map" not in body and "leaflet.js" not in body


def test_pages_carry_no_inline_script_or_style(client, worker_a, household_a):
    client.force_login(worker_a)
    for url in ["/", "/households/", f"/households/{household_a.pk}/", "/households/new/"]:
        body = client.get(url).content.decode()
        assert "<script>" not in body and "<style" not in body
        assert " onchange=" not in body and " onclick=" not in body and ' style="' not in body
        for tag in body.split("<script")[1:]:
            assert "src=" in tag.split(">")[0]


def test_import_link_only_for_roles_that_import(client, worker_a, team_leader):
    from doorstep.registry.templatetags.registry_tags import optional_url

    url = optional_url("registry:import_upload")
    if not url:
        pytest.skip("the import pages are not there yet")
    client.force_login(worker_a)
    assert f'href="{url}"' not in client.get("/").content.decode().split("<main>")[0]
    client.force_login(team_leader)
    assert f'href="{url}"' in client.get("/").content.decode().split("<main>")[0]


def test_a_list_is_audited_once_not_per_record(client, worker_a, household_a):
    # A list writes one event naming the households it showed (privacy issue); it
    # opens no record, so no per-household "view" appears in the resident's history.
    client.force_login(worker_a)
    client.get("/households/")
    assert not AuditEvent.objects.filter(action="view", household_id__isnull=False).exists()
    assert AuditEvent.objects.get(object_type="household_list").detail["households"] == [
        household_a.pk
    ]
    assert Resident.objects.filter(household=household_a).exists()
