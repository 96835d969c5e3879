"""The registry's own household page follows a pairing outside the worker's area
(through registry.selectors' scope extension, registered by casework), and stops
when the pairing ends."""

import pytest
from django.test import Client

from doorstep.casework.models import Twinning
from doorstep.casework.services import pairing_create, pairing_end
from doorstep.casework.tests.factories import make_unit
from doorstep.registry import selectors as registry_selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit_worker(worker_a, areas):
    """worker_a belongs to a unit twinned with village B (not their own village)."""
    from doorstep.casework.models import UnitMember

    unit = make_unit(name="县农业农村局", kind="agriculture")
    Twinning.objects.create(unit=unit, village=areas["village_b"], started_on="2026-01-01")
    UnitMember.objects.create(user=worker_a, unit=unit)
    return worker_a


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_paired_unit_worker_opens_the_household_in_the_registry_until_the_pairing_ends(
    unit_worker, team_leader, household_b
):
    client = _client(unit_worker)
    url = f"/households/{household_b.pk}/"
    assert client.get(url).status_code == 404  # not paired yet: outside their area
    pairing = pairing_create(
        actor=team_leader, worker=unit_worker, household=household_b, channel="t"
    )
    assert client.get(url).status_code == 200
    assert client.get(f"/api/v1/households/{household_b.pk}").status_code == 200
    pairing_end(actor=team_leader, pairing=pairing, channel="t")
    assert client.get(url).status_code == 404
    assert client.get(f"/api/v1/households/{household_b.pk}").status_code == 404


def test_the_pairing_reaches_only_its_worker(
    unit_worker, team_leader, household_b, worker_b, areas
):
    from doorstep.core.testing import make_user

    pairing_create(actor=team_leader, worker=unit_worker, household=household_b, channel="t")
    colleague = make_user(role="worker", area=areas["village_a"], username="worker_a_colleague")
    assert _client(colleague).get(f"/households/{household_b.pk}/").status_code == 404
    # Their own area still works as before, for them and for others.
    assert _client(worker_b).get(f"/households/{household_b.pk}/").status_code == 200


def test_registry_alone_knows_only_the_area(monkeypatch, unit_worker, team_leader, household_b):
    pairing_create(actor=team_leader, worker=unit_worker, household=household_b, channel="t")
    monkeypatch.setattr(registry_selectors, "_SCOPE_EXTENSIONS", [])
    assert _client(unit_worker).get(f"/households/{household_b.pk}/").status_code == 404


def test_the_paired_ids_cost_one_query_and_the_list_stays_one(
    unit_worker, team_leader, household_b, django_assert_num_queries
):
    pairing_create(actor=team_leader, worker=unit_worker, household=household_b, channel="t")
    with django_assert_num_queries(1):  # the worker's active pairings (casework/scope.py)
        qs = registry_selectors.households_visible_to(unit_worker)
    with django_assert_num_queries(1):
        assert household_b in list(qs[:10])
