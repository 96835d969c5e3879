"""/api/v1/hotline/hazards: list, detail, multipart create with a photo, convert to a
call; scoped (404 outside), replay-safe, every persona tried."""

import uuid

import pytest

from doorstep.hotline import services
from doorstep.hotline.models import Call, Hazard, HazardStatus

BASE = "/api/v1/hotline/hazards"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _photo(content=PNG, name="a.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def _form(office, **extra):
    return {
        "office_id": office.pk,
        "kind": "blocked_fire_exit",
        "description": "消防通道堆物",
        **extra,
    }


def test_worker_records_a_hazard_with_a_photo_and_turns_it_into_a_call(client, worker_a, office):
    client.force_login(worker_a)
    key = str(uuid.uuid4())
    body = _form(office, photo=_photo(), latitude="41.1", longitude="80.2")
    r = client.post(BASE, body, headers={"Idempotency-Key": key})
    assert r.status_code == 201, r.content
    hazard = r.json()
    assert hazard["photo_url"] == f"/hotline/hazards/{hazard['id']}/photo/"
    assert hazard["latitude"] == 41.1 and hazard["status"] == "recorded"
    # The same key and the same photo: the first answer, nothing written twice.
    again = client.post(
        BASE,
        _form(office, photo=_photo(), latitude="41.1", longitude="80.2"),
        headers={"Idempotency-Key": key},
    )
    assert again.json() == hazard and again["Idempotent-Replayed"] == "true"
    assert Hazard.objects.count() == 1
    # The same key with another photo is another request: refused, naming the header.
    other = client.post(
        BASE,
        _form(office, photo=_photo(PNG + b"x"), latitude="41.1", longitude="80.2"),
        headers={"Idempotency-Key": key},
    )
    assert other.status_code == 422 and Hazard.objects.count() == 1
    assert client.get(hazard["photo_url"]).status_code == 200
    listed = client.get(f"{BASE}?office_id={office.pk}").json()
    assert [h["id"] for h in listed["items"]] == [hazard["id"]]
    assert listed["next_before_id"] is None
    assert client.get(f"{BASE}/{hazard['id']}").json() == hazard
    call = client.post(f"{BASE}/{hazard['id']}/call")
    assert call.status_code == 200 and call.json()["category"] == "fire_hazard"
    assert client.post(f"{BASE}/{hazard['id']}/call").json()["id"] == call.json()["id"]
    assert Call.objects.count() == 1
    detail = client.get(f"{BASE}/{hazard['id']}").json()
    assert detail["status"] == HazardStatus.FOLLOWED_UP and detail["call_id"] == call.json()["id"]


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"kind": "graffiti"}, "kind"),
        ({"latitude": "north", "longitude": "80"}, "latitude"),
        ({"longitude": "200", "latitude": "40"}, "longitude"),
        ({"photo": "not-a-file-part"}, None),
        ({"place_area_id": "999999"}, "place_area_id"),
        ({"patrol_id": "999999"}, "patrol_id"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(
    client, worker_a, office, extra, field
):
    client.force_login(worker_a)
    r = client.post(BASE, _form(office, **extra))
    if field is None:  # a text value where the file goes is just ignored by the form
        assert r.status_code == 201
        return
    assert r.status_code == 422, r.content
    assert field in [e["field"] for e in r.json()["errors"]]
    assert Hazard.objects.count() == 0


def test_a_photo_that_is_not_an_image_is_refused_and_no_file_is_left(
    client, worker_a, office, tmp_path
):
    client.force_login(worker_a)
    r = client.post(BASE, _form(office, photo=_photo(b"MZ\x90\x00 not an image", "x.png")))
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["photo"]
    assert Hazard.objects.count() == 0 and not any(p.is_file() for p in tmp_path.rglob("*"))


def test_every_persona_sees_only_its_scope(
    client, worker_a, worker_b, team_leader, supervisor, analyst, responder, administrator, office
):
    hazard = services.hazard_record(actor=worker_a, office=office, kind="broken_light", channel="t")
    sees = {
        worker_a: True,
        team_leader: True,
        supervisor: True,
        administrator: True,
        worker_b: False,
        analyst: False,
        responder: False,
    }
    for user, visible in sees.items():
        client.force_login(user)
        listed = client.get(BASE).json()["items"]
        assert (hazard.pk in [h["id"] for h in listed]) is visible, user.username
        assert visible or listed == []
        assert client.get(f"{BASE}/{hazard.pk}").status_code == (200 if visible else 404)
        created = client.post(BASE, _form(office))
        assert created.status_code == (201 if visible else 404), user.username
        converted = client.post(f"{BASE}/{hazard.pk}/call")
        assert converted.status_code == (200 if visible else 404), user.username
    assert Call.objects.count() == 1
    assert Hazard.objects.count() == 1 + 4


def test_list_pages_by_before_id(client, worker_a, office):
    for _ in range(51):
        services.hazard_record(actor=worker_a, office=office, kind="other", channel="t")
    client.force_login(worker_a)
    first = client.get(BASE).json()
    assert len(first["items"]) == 50 and first["next_before_id"]
    second = client.get(f"{BASE}?before_id={first['next_before_id']}").json()
    assert len(second["items"]) == 1 and second["next_before_id"] is None


def test_an_api_token_can_record_a_hazard(client, worker_a, office):
    from doorstep.accounts.services import api_token_create

    _t, raw = api_token_create(user=worker_a, name="phone")
    r = client.post(BASE, _form(office, photo=_photo()), headers={"Authorization": f"Bearer {raw}"})
    assert r.status_code == 201, r.content
