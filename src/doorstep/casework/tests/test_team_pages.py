"""The pairing screen and the overdue drill-down: team leaders pair, re-pair, assign
in bulk and end pairings within their scope; every other persona gets 404."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from doorstep.accounts.models import Role
from doorstep.casework import forms
from doorstep.casework.models import ContactSchedule, Pairing
from doorstep.casework.services import pairing_create
from doorstep.core.testing import make_household, make_user

pytestmark = pytest.mark.django_db

PERSONAS = ["worker_a", "worker_b", "team_leader", "supervisor", "analyst", "responder"]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("persona", PERSONAS + ["administrator"])
def test_only_pairing_roles_open_the_pairing_screen(request, persona, household_a):
    user = request.getfixturevalue(persona)
    client = _client(user)
    expected = 200 if persona in {"team_leader", "supervisor", "administrator"} else 404
    assert client.get(reverse("casework:pairings")).status_code == expected
    page = client.get(reverse("casework:household_pairing", args=[household_a.pk]))
    assert page.status_code == expected


def test_the_screen_lists_households_of_the_area_with_their_worker(
    team_leader, worker_a, household_a, household_b, django_assert_max_num_queries
):
    pairing_create(actor=team_leader, worker=worker_a, household=household_a, channel="t")
    client = _client(team_leader)
    with django_assert_max_num_queries(12):
        body = client.get(reverse("casework:pairings")).content.decode()
    assert household_a.household_no in body and household_b.household_no in body
    assert "worker_a" in body
    unpaired = client.get(reverse("casework:pairings") + "?unpaired=1").content.decode()
    assert household_a.household_no not in unpaired and household_b.household_no in unpaired


def test_a_team_leader_cannot_look_at_another_township(team_leader, areas):
    other = make_household(area=areas["village_c"], household_no="652901002001-0001")
    client = _client(team_leader)
    assert client.get(reverse("casework:household_pairing", args=[other.pk])).status_code == 404
    assert client.get(reverse("casework:pairings") + f"?area={areas['county'].pk}").status_code == (
        404
    )


def test_pair_then_re_pair_then_end_from_the_household_page(
    team_leader, worker_a, areas, household_a
):
    from doorstep.core.testing import make_user

    other_worker = make_user(role="worker", area=areas["village_a"], username="worker_a2")
    client = _client(team_leader)
    url = reverse("casework:household_pairing", args=[household_a.pk])
    assert client.post(url, {"worker": worker_a.pk}).status_code == 302
    assert Pairing.objects.active().get(household=household_a).worker == worker_a
    assert client.post(url, {"worker": other_worker.pk}).status_code == 302  # re-pair
    active = Pairing.objects.active().get(household=household_a)
    assert active.worker == other_worker
    assert Pairing.objects.filter(household=household_a).count() == 2
    body = client.get(url).content.decode()
    assert reverse("casework:pairing_end", args=[active.pk]) in body
    client.post(reverse("casework:pairing_end", args=[active.pk]), {"ended_on": ""})
    assert not Pairing.objects.active().filter(household=household_a).exists()
    assert ContactSchedule.objects.get(pk=household_a.pk).worker is None


def test_a_worker_outside_the_scope_is_refused_with_the_field_named(
    team_leader, household_a, supervisor
):
    client = _client(team_leader)
    url = reverse("casework:household_pairing", args=[household_a.pk])
    response = client.post(url, {"worker": supervisor.pk})  # not a pairable account
    assert response.status_code == 200 and 'class="field invalid"' in response.content.decode()
    assert not Pairing.objects.exists()
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    response = client.post(url, {"worker": team_leader.pk, "started_on": future})
    assert response.status_code == 200 and not Pairing.objects.exists()


def test_bulk_assign_pairs_every_chosen_household_or_none(
    team_leader, worker_a, household_a, household_b, areas
):
    client = _client(team_leader)
    url = reverse("casework:pairing_bulk")
    ok = client.post(url, {"worker": worker_a.pk, "household_ids": [household_a.pk]})
    assert ok.status_code == 302
    assert Pairing.objects.active().filter(worker=worker_a).count() == 1
    # household_b is in village B, outside worker_a's area: nothing is written.
    refused = client.post(
        url, {"worker": worker_a.pk, "household_ids": [household_a.pk, household_b.pk]}
    )
    assert refused.status_code == 302
    assert Pairing.objects.active().filter(worker=worker_a).count() == 1
    bad = client.post(url, {"worker": worker_a.pk, "household_ids": ["x"]}, follow=True)
    assert bad.status_code == 200 and Pairing.objects.count() == 1
    other = make_household(area=areas["village_c"], household_no="652901002001-0002")
    client.post(url, {"worker": worker_a.pk, "household_ids": [other.pk]})
    assert not Pairing.objects.filter(household=other).exists()


@pytest.mark.parametrize("persona", PERSONAS + ["administrator"])
def test_the_overdue_page_is_for_summary_roles(request, persona):
    user = request.getfixturevalue(persona)
    expected = 200 if persona in {"team_leader", "supervisor", "analyst", "administrator"} else 404
    assert _client(user).get(reverse("casework:overdue")).status_code == expected


def test_the_drill_down_goes_from_the_township_to_a_worker_to_households(
    team_leader, worker_a, household_a, areas, analyst, django_assert_max_num_queries
):
    pairing_create(
        actor=team_leader,
        worker=worker_a,
        household=household_a,
        started_on=dt.date.today() - dt.timedelta(days=90),
        channel="t",
    )
    client = _client(team_leader)
    url = reverse("casework:overdue")
    with django_assert_max_num_queries(10):
        township = client.get(url).content.decode()
    assert f"worker={worker_a.pk}" in township
    with django_assert_max_num_queries(12):
        drill = client.get(f"{url}?area={areas['township'].pk}&worker={worker_a.pk}")
    assert household_a.household_no in drill.content.decode()
    village = client.get(f"{url}?area={areas['village_a'].pk}").content.decode()
    assert f"worker={worker_a.pk}" in village
    assert client.get(f"{url}?area={areas['county'].pk}").status_code == 404
    assert client.get(f"{url}?worker=999999").status_code == 404
    # The analyst sees the counts, never a household.
    analyst_drill = _client(analyst).get(f"{url}?area={areas['township'].pk}&worker={worker_a.pk}")
    assert household_a.household_no not in analyst_drill.content.decode()


def test_the_new_pages_carry_no_inline_script_or_style(
    administrator, team_leader, worker_a, household_a
):
    from doorstep.casework.tests.factories import make_unit, open_need

    unit = make_unit()
    need = open_need(actor=worker_a, household=household_a)
    pages = {
        team_leader: [
            reverse("casework:pairings"),
            reverse("casework:household_pairing", args=[household_a.pk]),
            reverse("casework:overdue"),
            reverse("casework:home"),
        ],
        administrator: [reverse("casework:units"), reverse("casework:unit", args=[unit.pk])],
        worker_a: [reverse("casework:need", args=[need.pk]), reverse("casework:notifications")],
    }
    for user, urls in pages.items():
        client = _client(user)
        for url in urls:
            body = client.get(url).content.decode()
            assert "<script>" not in body and "<style" not in body, url
            assert " onchange=" not in body and " onclick=" not in body and ' style="' not in body
            for tag in body.split("<script")[1:]:
                assert "src=" in tag.split(">")[0]


def test_home_links_each_role_to_its_pages(team_leader, administrator, worker_a):
    leader = _client(team_leader).get(reverse("casework:home")).content.decode()
    assert reverse("casework:pairings") in leader and reverse("casework:overdue") in leader
    assert (
        reverse("casework:units")
        in _client(administrator).get(reverse("casework:home")).content.decode()
    )
    worker = _client(worker_a).get(reverse("casework:home")).content.decode()
    assert reverse("casework:pairings") not in worker and reverse("casework:units") not in worker


def test_a_large_pool_of_workers_is_typed_by_user_name_not_listed(
    team_leader, worker_a, household_a, areas, monkeypatch
):

    monkeypatch.setattr(forms, "WORKER_SELECT_MAX", 1)
    make_user(role=Role.WORKER, area=areas["village_a"], username="worker_a2")
    client = _client(team_leader)
    page = client.get(reverse("casework:pairings")).content.decode()
    assert '<select name="worker"' not in page and 'name="worker"' in page
    url = reverse("casework:pairing_bulk")
    client.post(url, {"worker": "nobody-here", "household_ids": [household_a.pk]})
    assert not Pairing.objects.exists()
    client.post(url, {"worker": worker_a.username, "household_ids": [household_a.pk]})
    assert Pairing.objects.active().get().worker == worker_a
