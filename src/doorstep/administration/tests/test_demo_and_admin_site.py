"""The demo shows administration at work, and Django's admin is open to region
administrators only, with the permissions of their role."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from doorstep.accounts.models import Role, User
from doorstep.core.tests.api_clients import ApiClient
from doorstep.demo.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_worker_who_left_and_an_administrator_in_djangos_admin():
    call_command("demo", households=300, workers=20, stdout=io.StringIO())
    leaver = User.objects.get(username="former_worker")
    assert not leaver.is_active and leaver.get_full_name() == "阿卜杜拉·艾买提"
    leader = Client()
    assert leader.login(username="demo_leader", password=DEMO_PASSWORD)
    assert 'id="needs-new-worker"' in leader.get(reverse("casework:pairings")).content.decode()
    admin = Client()
    admin.force_login(User.objects.get(username="demo_admin"))
    assert admin.get("/admin/").status_code == 200
    assert admin.get("/admin/casework/unit/").status_code == 200
    assert admin.get("/admin/hotline/office/add/").status_code == 200
    # Staff accounts and households are the product's scoped pages, not the admin's.
    assert admin.get("/admin/accounts/user/").status_code in {403, 404}
    assert admin.get("/admin/registry/household/").status_code in {403, 404}
    assert admin.get(reverse("administration:staff")).status_code == 200


def test_only_region_administrators_become_staff_in_djangos_admin(administrator, areas):
    client = ApiClient(administrator)
    body = {"given_name": "x", "area_code": "65", "role": "admin"}
    region = client.post("/api/v1/staff", body | {"username": "region_admin"}).json()
    county = client.post(
        "/api/v1/staff", body | {"username": "county_admin2", "area_code": "652901"}
    ).json()
    assert User.objects.get(pk=region["id"]).is_staff
    assert not User.objects.get(pk=county["id"]).is_staff
    demoted = client.call("PUT", f"/api/v1/staff/{region['id']}", body | {"role": Role.SUPERVISOR})
    assert demoted.status_code == 200
    user = User.objects.get(pk=region["id"])
    assert not user.is_staff and not user.groups.exists()
