"""/api/v1/staff tried by every persona: who manages whom, the roles each may grant,
bad input named by field with nothing written, and every change audited."""

import pytest
from django.test import Client

from doorstep.accounts.models import ApiToken, Role, TwoFactorDevice, User
from doorstep.administration.tests.conftest import MANAGERS, PERSONAS
from doorstep.casework.tests.factories import make_unit
from doorstep.core.tests.api_clients import ApiClient, assert_error
from doorstep.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db
BASE = "/api/v1/staff"


def _new(**extra):
    body = {
        "username": "new_worker",
        "family_name": "王",
        "given_name": "芳",
        "role": "worker",
        "area_code": "652901001001",
        "languages": ["zh", "ug"],
        "phone": "13900001111",
        "latitude": 41.17,
        "longitude": 80.26,
    }
    return body | extra


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_administrators_and_supervisors_reach_staff_administration(request, everyone, persona):
    client = ApiClient(everyone[persona])
    target = everyone["worker_a"]
    listed = client.get(BASE)
    one = client.get(f"{BASE}/{target.pk}")
    created = client.post(BASE, _new())
    if persona in MANAGERS:
        assert listed.status_code == 200 and one.status_code == 200
        assert created.status_code == 201, created.content
    else:
        for response in (listed, one, created):
            assert_error(response, 404)
        assert not User.objects.filter(username="new_worker").exists()


def test_a_supervisor_manages_workers_and_team_leaders_of_their_area_only(everyone):
    client = ApiClient(everyone["supervisor"])
    names = {row["username"] for row in client.get(BASE).json()["items"]}
    assert names == {"worker_a", "worker_b", "team_leader"}
    for other in ("analyst", "responder", "administrator"):
        assert_error(client.get(f"{BASE}/{everyone[other].pk}"), 404)


def test_the_list_comes_in_pages_that_cover_every_account_once(everyone):
    client = ApiClient(everyone["administrator"])
    everything = [row["username"] for row in client.get(BASE).json()["items"]]
    assert len(everything) >= 5
    seen, cursor = [], ""
    for _ in range(len(everything)):
        page = client.get(f"{BASE}?limit=2&cursor={cursor}").json()
        assert len(page["items"]) <= 2
        seen += [row["username"] for row in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == everything
    assert_error(client.get(f"{BASE}?limit=0"), 422)
    assert_error(client.get(f"{BASE}?limit=501"), 422)


def test_a_county_administrator_manages_that_county_only(everyone, county_admin, worker_elsewhere):
    client = ApiClient(county_admin)
    names = {row["username"] for row in client.get(BASE).json()["items"]}
    assert "worker_elsewhere" not in names and {"worker_a", "supervisor"} <= names
    assert_error(client.get(f"{BASE}/{worker_elsewhere.pk}"), 404)
    deactivated = client.post(f"{BASE}/{worker_elsewhere.pk}/deactivate")
    assert_error(deactivated, 404)
    assert User.objects.get(pk=worker_elsewhere.pk).is_active
    # ...and cannot place an account there either.
    assert_error(client.post(BASE, _new(area_code="652902001001")), 422, "area_code")


def test_the_administrator_creates_an_account_with_several_units_and_it_is_audited(
    everyone,
):
    bureau, bank = make_unit(name="县人社局"), make_unit(name="农商银行")
    client = ApiClient(everyone["administrator"])
    response = client.post(BASE, _new(unit_ids=[bureau.pk, bank.pk]))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["full_name"] == "王芳" and body["unit_ids"] == sorted([bureau.pk, bank.pk])
    assert body["has_password"] is False and body["languages"] == ["zh", "ug"]
    user = User.objects.get(username="new_worker")
    assert user.area.code == "652901001001" and user.phone == "13900001111"
    assert AuditEvent.objects.filter(object_type="staff", object_id=str(user.pk)).exists()
    assert AuditEvent.objects.filter(object_type="unit_member").count() == 2


def test_uyghur_names_keep_given_and_fathers_given_name(everyone):
    client = ApiClient(everyone["administrator"])
    body = client.post(BASE, _new(family_name="", given_name="艾力 • 买买提")).json()
    assert body["full_name"] == "艾力·买买提" and body["family_name"] == ""


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"area_code": "999999"}, "area_code"),
        ({"username": "worker_a"}, "username"),
        ({"username": "WORKER_A"}, "username"),
        ({"username": "has space"}, "username"),
        ({"phone": "123"}, "phone"),
        ({"languages": ["xx"]}, "languages"),
        ({"unit_ids": [999999]}, "unit_ids"),
        ({"given_name": "", "family_name": ""}, "given_name"),
        ({"role": "boss"}, "role"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(everyone, change, field):
    client = ApiClient(everyone["administrator"])
    before = (User.objects.count(), AuditEvent.objects.count())
    assert_error(client.post(BASE, _new(**change)), 422, field)
    assert (User.objects.count(), AuditEvent.objects.count()) == before


def test_the_error_is_translated(everyone):
    client = ApiClient(everyone["administrator"], HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = assert_error(client.post(BASE, _new(username="worker_a")), 422, "username")
    message = body["errors"][0]["message"]
    assert "worker_a" in message and "taken" not in message


@pytest.mark.parametrize("role", ["admin", "supervisor", "analyst", "responder"])
def test_a_supervisor_cannot_grant_roles_above_team_leader(everyone, role):
    client = ApiClient(everyone["supervisor"])
    assert_error(client.post(BASE, _new(role=role)), 422, "role")
    target = everyone["worker_a"]
    body = {k: v for k, v in _new(role=role).items() if k != "username"}
    assert_error(client.call("PUT", f"{BASE}/{target.pk}", body), 422, "role")
    assert User.objects.get(pk=target.pk).role == Role.WORKER
    assert not User.objects.filter(username="new_worker").exists()


def test_editing_replaces_fields_and_unit_memberships(everyone):
    bureau, bank = make_unit(name="县人社局"), make_unit(name="农商银行")
    target = everyone["responder"]
    client = ApiClient(everyone["administrator"])
    body = {k: v for k, v in _new(role="responder", area_code="652901").items() if k != "username"}
    first = client.call("PUT", f"{BASE}/{target.pk}", body | {"unit_ids": [bureau.pk, bank.pk]})
    assert first.status_code == 200 and first.json()["unit_ids"] == sorted([bureau.pk, bank.pk])
    second = client.call("PUT", f"{BASE}/{target.pk}", body | {"unit_ids": [bank.pk]})
    assert second.json()["unit_ids"] == [bank.pk]
    assert AuditEvent.objects.filter(object_type="unit_member", action="delete").count() == 1


def test_deactivating_stops_sign_in_and_tokens_and_reactivating_restores_sign_in(everyone):
    target = everyone["worker_a"]
    worker = ApiClient(target)
    assert worker.get("/api/v1/me").status_code == 200
    admin = ApiClient(everyone["administrator"])
    response = admin.post(f"{BASE}/{target.pk}/deactivate")
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert worker.get("/api/v1/me").status_code == 401
    assert not ApiToken.objects.filter(user=target, revoked_at__isnull=True).exists()
    assert not Client().login(username="worker_a", password="pw-for-tests-only-42")
    assert admin.post(f"{BASE}/{target.pk}/reactivate").json()["is_active"] is True
    assert Client().login(username="worker_a", password="pw-for-tests-only-42")
    assert AuditEvent.objects.filter(object_type="staff", object_id=str(target.pk)).count() == 2


def test_nobody_deactivates_their_own_account(everyone):
    admin = everyone["administrator"]
    assert_error(ApiClient(admin).post(f"{BASE}/{admin.pk}/deactivate"), 422, "is_active")
    assert User.objects.get(pk=admin.pk).is_active


def test_a_password_reset_gives_a_temporary_password_that_signs_in(everyone):
    target = everyone["team_leader"]
    response = ApiClient(everyone["supervisor"]).post(f"{BASE}/{target.pk}/password-reset")
    assert response.status_code == 200
    password = response.json()["temporary_password"]
    assert Client().login(username="team_leader", password=password)
    assert not Client().login(username="team_leader", password="pw-for-tests-only-42")


def test_a_second_factor_reset_makes_the_account_enrol_again(everyone):
    target = everyone["supervisor"]
    TwoFactorDevice.objects.create(user=target, secret="X" * 32, confirmed_at="2026-01-01T00:00Z")
    supervisor_client = ApiClient(everyone["supervisor"])
    assert_error(supervisor_client.post(f"{BASE}/{target.pk}/two-factor-reset"), 404)
    response = ApiClient(everyone["administrator"]).post(f"{BASE}/{target.pk}/two-factor-reset")
    assert response.status_code == 200 and response.json()["two_factor_enrolled"] is False
    assert not TwoFactorDevice.objects.filter(user=target).exists()


def test_the_export_holds_the_callers_staff_in_the_import_columns(everyone, worker_elsewhere):
    response = ApiClient(everyone["supervisor"]).get(f"{BASE}/export?headers=zh")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("用户名,姓,名,角色,区划代码")
    assert {line.split(",")[0] for line in lines[1:]} == {"worker_a", "worker_b", "team_leader"}
    assert AuditEvent.objects.filter(object_type="staff", action="export").exists()
