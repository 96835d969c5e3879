import uuid

import pytest

from doorstep.hotline.models import Call

BASE = "/api/v1/hotline"


def post(client, url, body, **headers):
    return client.post(url, body, content_type="application/json", headers=headers)


def test_intake_dispatch_and_steps_over_the_api(client, worker_a, responder, office, lift_company):
    client.force_login(worker_a)
    key = str(uuid.uuid4())
    body = {
        "office_id": office.pk,
        "category": "lift_entrapment",
        "description": "3号楼电梯困人",
        "caller_phone": "13800138000",
        "building": "3",
        "unit": "2",
    }
    first = post(client, f"{BASE}/calls", body, **{"Idempotency-Key": key})
    assert first.status_code == 201, first.content
    again = post(client, f"{BASE}/calls", body, **{"Idempotency-Key": key})
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Call.objects.count() == 1
    call = first.json()
    assert call["urgency"] == "immediate" and call["safety_steps"]
    d = post(client, f"{BASE}/calls/{call['id']}/dispatch", {"responder_id": lift_company.pk})
    assert d.status_code == 201
    assert client.get(f"{BASE}/calls").json()["items"][0]["status"] == "dispatched"
    client.force_login(responder)
    for step in ("acknowledge", "arrive", "resolve"):
        r = post(client, f"{BASE}/dispatches/{d.json()['id']}/steps", {"step": step})
        assert r.status_code == 200, r.content
    client.force_login(worker_a)
    r = post(client, f"{BASE}/calls/{call['id']}/callback", {"outcome": "confirmed"})
    assert r.json()["status"] == "closed"
    detail = client.get(f"{BASE}/calls/{call['id']}").json()
    assert [e["kind"] for e in detail["events"]][-1] == "closed"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"category": "burglary"}, "category"),
        ({"category": "water", "caller_phone": "abc"}, "caller_phone"),
        ({"category": "water", "latitude": 91, "longitude": 1}, "latitude"),
        ({}, "category"),
    ],
)
def test_bad_intake_is_a_422_naming_the_field(client, worker_a, office, body, field):
    client.force_login(worker_a)
    r = post(client, f"{BASE}/calls", {"office_id": office.pk, **body})
    assert r.status_code == 422
    assert field in [e["field"] for e in r.json()["errors"]]
    assert Call.objects.count() == 0


def test_every_persona_on_intake(
    client, office, worker_a, worker_b, team_leader, supervisor, analyst, responder, administrator
):
    body = {"office_id": office.pk, "category": "water"}
    expected = {
        worker_a: 201,
        team_leader: 201,
        supervisor: 201,
        administrator: 201,
        worker_b: 404,
        analyst: 404,
        responder: 404,
    }
    for user, status in expected.items():
        client.force_login(user)
        assert post(client, f"{BASE}/calls", body).status_code == status, user.username
    client.logout()
    assert post(client, f"{BASE}/calls", body).status_code == 401


def test_anyone_signed_in_sees_who_is_on_duty(client, analyst):
    client.force_login(analyst)
    assert client.get(f"{BASE}/on-duty").status_code == 200


def test_gaps_and_swap_over_the_api(client, team_leader, worker_a, officer_a2, office):
    client.force_login(team_leader)
    r = post(
        client,
        f"{BASE}/shifts",
        {
            "office_id": office.pk,
            "officer_id": worker_a.pk,
            "starts_at": "2030-02-16T00:00:00+08:00",
            "ends_at": "2030-02-16T08:00:00+08:00",
        },
    )
    assert r.status_code == 201, r.content
    gaps = client.get(
        f"{BASE}/offices/{office.pk}/gaps",
        {"start": "2030-02-16T00:00:00+08:00", "end": "2030-02-16T12:00:00+08:00"},
    )
    assert len(gaps.json()["items"]) == 1
    bad = post(
        client,
        f"{BASE}/shifts",
        {
            "office_id": office.pk,
            "officer_id": worker_a.pk,
            "starts_at": "2030-02-16T09:00:00+08:00",
            "ends_at": "2030-02-16T08:00:00+08:00",
        },
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "ends_at"
    client.force_login(worker_a)
    swap = post(client, f"{BASE}/shifts/{r.json()['id']}/swaps", {"replacement_id": officer_a2.pk})
    assert swap.status_code == 201
    client.force_login(team_leader)
    ok = post(client, f"{BASE}/swaps/{swap.json()['id']}/decision", {"approve": True})
    assert ok.json()["status"] == "approved"


def test_board_query_count_does_not_grow_with_the_calls_on_it(
    client, worker_a, office, lift_company, django_assert_num_queries
):
    """The board loads only its columns and the dispatches in one query: reading a
    deferred field in the API or the template would add a query per call here."""
    from doorstep.hotline import services

    client.force_login(worker_a)

    def add_calls(n):
        for _ in range(n):
            c = services.call_take(
                actor=worker_a, office=office, category="lift_entrapment", channel="t"
            )
            services.call_dispatch(actor=worker_a, call=c, responder=lift_company, channel="t")

    add_calls(2)
    client.get(f"{BASE}/calls?office_id={office.pk}")  # warm the session
    with django_assert_num_queries(6) as few:
        r = client.get(f"{BASE}/calls?office_id={office.pk}")
    assert len(r.json()["items"]) == 2
    add_calls(8)
    with django_assert_num_queries(len(few.captured_queries)):
        r = client.get(f"{BASE}/calls?office_id={office.pk}")
    items = r.json()["items"]
    assert len(items) == 10 and all(i["responders"] == [lift_company.name] for i in items)
