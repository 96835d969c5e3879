"""Replaying a write with the same Idempotency-Key does it once and answers as the
first time (core.idempotency, used by every household and resident write)."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection

from doorstep.core.models import IdempotencyKey
from doorstep.core.testing import make_id_number
from doorstep.core.tests.api_clients import ApiClient, assert_error
from doorstep.registry.models import Household, Resident

URL = "/api/v1/households"


def new_household(area_id: int, no: str = "652901001001-0077", serial: int = 12) -> dict:
    return {
        "household_no": no,
        "area": area_id,
        "head": {"name": "艾力", "id_number": make_id_number(serial=serial)},
    }


@pytest.mark.django_db
def test_the_same_create_twice_makes_one_household_and_the_same_answer(worker_a, areas):
    client = ApiClient(worker_a)
    key = str(uuid.uuid4())
    body = new_household(areas["village_a"].pk)
    first = client.post(URL, body, HTTP_IDEMPOTENCY_KEY=key)
    again = client.post(URL, body, HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert Household.objects.count() == 1 and Resident.objects.count() == 1


@pytest.mark.django_db
def test_a_key_reused_for_another_request_is_refused(worker_a, areas):
    client = ApiClient(worker_a)
    key = str(uuid.uuid4())
    first = client.post(URL, new_household(areas["village_a"].pk), HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 201
    other = new_household(areas["village_a"].pk, no="652901001001-0078")
    assert_error(client.post(URL, other, HTTP_IDEMPOTENCY_KEY=key), 422, "Idempotency-Key")
    assert Household.objects.count() == 1


@pytest.mark.django_db
def test_keys_belong_to_one_user(worker_a, team_leader, areas):
    key = str(uuid.uuid4())
    ApiClient(worker_a).post(URL, new_household(areas["village_a"].pk), HTTP_IDEMPOTENCY_KEY=key)
    body = new_household(areas["village_a"].pk, no="652901001001-0079", serial=13)
    response = ApiClient(team_leader).post(URL, body, HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert Household.objects.count() == 2


@pytest.mark.django_db
def test_a_failed_write_leaves_no_key_so_the_fixed_request_can_reuse_it(worker_a, areas):
    client = ApiClient(worker_a)
    key = str(uuid.uuid4())
    bad = {**new_household(areas["village_a"].pk), "phone": "123"}
    assert_error(client.post(URL, bad, HTTP_IDEMPOTENCY_KEY=key), 422, "phone")
    assert not IdempotencyKey.objects.exists()
    good = client.post(URL, new_household(areas["village_a"].pk), HTTP_IDEMPOTENCY_KEY=key)
    assert good.status_code == 201


@pytest.mark.django_db
def test_a_replayed_change_does_not_turn_into_a_conflict(worker_a, household_a):
    client = ApiClient(worker_a)
    key = str(uuid.uuid4())
    body = {"version": 1, "address": "新地址"}
    first = client.patch(f"{URL}/{household_a.pk}", body, HTTP_IDEMPOTENCY_KEY=key)
    again = client.patch(f"{URL}/{household_a.pk}", body, HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert_error(client.patch(f"{URL}/{household_a.pk}", body), 409)
    household_a.refresh_from_db()
    assert household_a.version == 2


@pytest.mark.django_db
def test_a_replayed_resident_add_and_removal_happen_once(worker_a, household_a):
    client = ApiClient(worker_a)
    add_key, remove_key = str(uuid.uuid4()), str(uuid.uuid4())
    path = f"{URL}/{household_a.pk}/residents"
    body = {"name": "古丽", "relationship": "spouse"}
    first = client.post(path, body, HTTP_IDEMPOTENCY_KEY=add_key)
    assert client.post(path, body, HTTP_IDEMPOTENCY_KEY=add_key).json() == first.json()
    assert household_a.residents.count() == 4
    target = f"{path}/{first.json()['id']}"
    assert client.delete(target, HTTP_IDEMPOTENCY_KEY=remove_key).status_code == 204
    assert client.delete(target, HTTP_IDEMPOTENCY_KEY=remove_key).status_code == 204
    assert_error(client.delete(target), 404)
    assert household_a.residents.count() == 3


@pytest.mark.django_db
def test_a_malformed_key_is_refused(worker_a, areas):
    response = ApiClient(worker_a).post(
        URL, new_household(areas["village_a"].pk), HTTP_IDEMPOTENCY_KEY="not-a-uuid"
    )
    assert_error(response, 422, "Idempotency-Key")
    assert not Household.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL")
def test_two_concurrent_replays_create_one_household(worker_a, areas):
    key = str(uuid.uuid4())
    body = new_household(areas["village_a"].pk)
    clients = [ApiClient(worker_a), ApiClient(worker_a)]
    barrier = threading.Barrier(2)
    answers = []

    def send(client):
        barrier.wait()
        try:
            answers.append(client.post(URL, body, HTTP_IDEMPOTENCY_KEY=key))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert Household.objects.count() == 1
