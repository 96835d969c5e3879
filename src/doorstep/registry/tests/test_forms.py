"""Creating and editing households and residents through the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from doorstep.core.testing import make_id_number
from doorstep.registry import services
from doorstep.registry.models import Household, Resident

pytestmark = pytest.mark.django_db


def _household_post(household: Household, **changes) -> dict:
    """What the edit form posts back untouched, with `changes` applied."""
    from doorstep.registry.forms import HouseholdForm

    initial = HouseholdForm.initial_for(household)
    data = {
        "household_no": initial["household_no"],
        "area": str(household.area_id),
        "address": initial["address"],
        "phone": initial["phone"],
        "languages": initial["languages"],
        "annual_income": "" if initial["annual_income"] is None else str(initial["annual_income"]),
        "latitude": "" if initial["latitude"] is None else str(initial["latitude"]),
        "longitude": "" if initial["longitude"] is None else str(initial["longitude"]),
        "vulnerabilities": initial["vulnerabilities"],
        "version": str(initial["version"]),
        "seen": initial["seen"],
    }
    data.update(changes)
    return data


def test_worker_creates_a_household_with_its_head(client, worker_a, areas):
    client.force_login(worker_a)
    number = make_id_number(birth=dt.date(1975, 3, 2), sex="F", serial=33)
    response = client.post(
        reverse("registry:household_create"),
        {
            "household_no": "652901001001-0099",
            "area": "",  # nothing chosen: the worker's own village
            "address": "英巴格路 3 号",
            "phone": "138 0013 8000",
            "vulnerabilities": ["elderly_alone", "low_income"],
            "head-name": "古丽·买买提",
            "head-sex": "F",
            "head-id_number": number,
        },
    )
    household = Household.objects.get(household_no="652901001001-0099")
    assert response.status_code == 302
    assert response.url == reverse("registry:household", args=[household.pk])
    assert household.area == areas["village_a"]
    assert household.phone == "13800138000"
    head = household.residents.get()
    assert (head.name, head.relationship, head.id_number) == ("古丽·买买提", "head", number)
    assert set(household.vulnerabilities.values_list("category", flat=True)) == {
        "elderly_alone",
        "low_income",
    }


def test_errors_show_next_to_their_fields_and_nothing_is_written(client, worker_a):
    client.force_login(worker_a)
    response = client.post(
        reverse("registry:household_create"),
        {"household_no": "X-1", "phone": "12345", "head-name": "", "head-id_number": "123"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    form, head_form = response.context["form"], response.context["head_form"]
    assert "phone" in form.errors
    assert "name" in head_form.errors and "id_number" in head_form.errors
    assert not Household.objects.exists() and not Resident.objects.exists()
    body = response.content.decode()
    assert "Enter an 11-digit mobile number" not in body  # translated, not English


def test_service_errors_land_on_the_right_field(client, supervisor, household_a):
    # The supervisor's own area is a county: a household cannot belong there.
    client.force_login(supervisor)
    response = client.post(
        reverse("registry:household_create"),
        {"household_no": household_a.household_no, "head-name": "古丽"},
    )
    assert response.status_code == 400
    assert "area" in response.context["form"].errors
    assert Household.objects.count() == 1


def test_duplicate_household_number_is_a_field_error(client, worker_a, household_a):
    client.force_login(worker_a)
    response = client.post(
        reverse("registry:household_create"),
        {"household_no": household_a.household_no, "head-name": "古丽"},
    )
    assert response.status_code == 400
    assert "household_no" in response.context["form"].errors
    assert Household.objects.count() == 1


def test_area_outside_scope_in_the_form_is_refused(client, worker_a, areas):
    client.force_login(worker_a)
    response = client.post(
        reverse("registry:household_create"),
        {"household_no": "X-2", "area": str(areas["village_b"].pk), "head-name": "古丽"},
    )
    assert response.status_code == 400
    assert "area" in response.context["form"].errors
    assert not Household.objects.exists()


def test_edit_form_changes_the_phone(client, worker_a, household_a):
    client.force_login(worker_a)
    url = reverse("registry:household_edit", args=[household_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _household_post(household_a, phone="13912345678"))
    assert response.status_code == 302
    household_a.refresh_from_db()
    assert household_a.phone == "13912345678"
    assert household_a.version == 2


def test_edit_conflict_lists_what_the_other_person_changed_and_keeps_my_input(
    client, worker_a, team_leader, household_a
):
    client.force_login(worker_a)
    url = reverse("registry:household_edit", args=[household_a.pk])
    mine = _household_post(household_a, phone="13912345678")
    # Meanwhile the team leader changes the address.
    services.household_update(
        actor=team_leader,
        household=household_a,
        expected_version=household_a.version,
        channel="test",
        address="新地址 8 号",
    )
    response = client.post(url, mine, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved this household" in body
    assert "新地址 8 号" in body
    form = response.context["form"]
    assert form["phone"].value() == "13912345678"  # my input kept
    assert form["address"].value() == "新地址 8 号"  # their change merged in
    household_a.refresh_from_db()
    assert household_a.phone == "" and household_a.address == "新地址 8 号"

    # Saving the merged form again applies mine and keeps theirs.
    again = {key: form[key].value() for key in mine if key != "vulnerabilities"}
    again["vulnerabilities"] = form["vulnerabilities"].value()
    again["area"] = str(household_a.area_id)
    assert client.post(url, again).status_code == 302
    household_a.refresh_from_db()
    assert (household_a.phone, household_a.address) == ("13912345678", "新地址 8 号")


def test_worker_b_cannot_post_to_household_a(client, worker_b, household_a):
    client.force_login(worker_b)
    url = reverse("registry:household_edit", args=[household_a.pk])
    assert client.post(url, _household_post(household_a, phone="13912345678")).status_code == 404
    household_a.refresh_from_db()
    assert household_a.phone == ""


def test_add_edit_and_remove_a_resident(client, worker_a, household_a):
    client.force_login(worker_a)
    add = reverse("registry:resident_create", args=[household_a.pk])
    response = client.post(
        add, {"name": "小明", "relationship": "grandchild", "birth_date": "2015-06-01"}
    )
    assert response.status_code == 302
    child = household_a.residents.get(name="小明")
    assert child.birth_date == dt.date(2015, 6, 1)

    edit = reverse("registry:resident_edit", args=[household_a.pk, child.pk])
    number = make_id_number(birth=dt.date(2015, 6, 1), sex="M", serial=45)
    response = client.post(
        edit,
        {
            "name": "小明",
            "relationship": "grandchild",
            "birth_date": "2015-06-01",
            "id_number": number,
            "version": 1,
        },
    )
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.id_number == number
    # The edit form shows the full number; the household page only the last four.
    assert number in client.get(edit).content.decode()
    assert number not in client.get(f"/households/{household_a.pk}/").content.decode()

    remove = reverse("registry:resident_delete", args=[household_a.pk, child.pk])
    assert client.get(remove).status_code == 200
    assert client.post(remove).status_code == 302
    assert not household_a.residents.filter(pk=child.pk).exists()


def test_resident_birth_date_must_agree_with_id_number(client, worker_a, household_a):
    client.force_login(worker_a)
    number = make_id_number(birth=dt.date(1990, 1, 1), serial=51)
    response = client.post(
        reverse("registry:resident_create", args=[household_a.pk]),
        {"name": "阿里", "relationship": "child", "birth_date": "1991-01-01", "id_number": number},
    )
    assert response.status_code == 400
    assert "birth_date" in response.context["form"].errors
    assert not household_a.residents.filter(name="阿里").exists()


def test_second_head_is_refused(client, worker_a, household_a):
    client.force_login(worker_a)
    response = client.post(
        reverse("registry:resident_create", args=[household_a.pk]),
        {"name": "阿里", "relationship": "head"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors
    assert household_a.residents.filter(relationship="head").count() == 1


def test_the_head_cannot_be_removed(client, worker_a, household_a):
    client.force_login(worker_a)
    head = household_a.residents.get(relationship="head")
    response = client.post(reverse("registry:resident_delete", args=[household_a.pk, head.pk]))
    assert response.status_code == 400
    assert Resident.objects.filter(pk=head.pk).exists()


def test_resident_of_another_household_is_404(client, worker_a, areas, household_a):
    from doorstep.core.testing import make_household

    other = make_household(area=areas["village_a"])
    resident = other.residents.get()
    client.force_login(worker_a)
    url = reverse("registry:resident_edit", args=[household_a.pk, resident.pk])
    assert client.get(url).status_code == 404


def test_forged_seen_field_does_not_break_a_conflict(client, worker_a, team_leader, household_a):
    client.force_login(worker_a)
    mine = _household_post(household_a, phone="13912345678", seen="forged")
    services.household_update(
        actor=team_leader,
        household=household_a,
        expected_version=household_a.version,
        channel="test",
        address="别处",
    )
    response = client.post(reverse("registry:household_edit", args=[household_a.pk]), mine)
    assert response.status_code == 409
