"""The administrator's pages for units, twinnings and members; everyone else gets 404."""

import pytest
from django.test import Client
from django.urls import reverse

from doorstep.casework.models import Twinning, Unit, UnitMember
from doorstep.casework.tests.factories import make_unit
from doorstep.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "persona", ["worker_a", "worker_b", "team_leader", "supervisor", "analyst", "responder"]
)
def test_only_the_administrator_manages_units(request, persona):
    unit = make_unit()
    client = _client(request.getfixturevalue(persona))
    assert client.get(reverse("casework:units")).status_code == 404
    assert client.get(reverse("casework:unit", args=[unit.pk])).status_code == 404
    assert client.post(reverse("casework:units"), {"name": "x", "kind": "bank"}).status_code == 404
    assert Unit.objects.count() == 1


def test_the_administrator_creates_a_unit_twins_it_and_adds_a_member(
    administrator, areas, worker_a
):
    client = _client(administrator)
    response = client.post(
        reverse("casework:units"),
        {
            "name": "县住建局",
            "kind": "housing",
            "area_code": areas["county"].code,
            "accepts_referrals": "on",
            "is_active": "on",
        },
    )
    unit = Unit.objects.get(name="县住建局")
    assert response.status_code == 302 and unit.accepts_referrals and unit.area == areas["county"]
    client.post(
        reverse("casework:unit_twinning_add", args=[unit.pk]),
        {"village_code": areas["village_a"].code},
    )
    twinning = Twinning.objects.get(unit=unit)
    client.post(reverse("casework:unit_member_add", args=[unit.pk]), {"username": "worker_a"})
    member = UnitMember.objects.get(unit=unit)
    assert member.user == worker_a
    page = client.get(reverse("casework:unit", args=[unit.pk])).content.decode()
    assert areas["village_a"].name in page and "worker_a" in page
    client.post(reverse("casework:unit_twinning_end", args=[unit.pk, twinning.pk]))
    twinning.refresh_from_db()
    assert twinning.ended_on is not None
    client.post(reverse("casework:unit_member_remove", args=[unit.pk, member.pk]))
    assert not UnitMember.objects.exists()
    assert AuditEvent.objects.filter(object_type__in=["unit", "twinning", "unit_member"]).count()


def test_bad_input_is_refused_naming_the_field(administrator, areas, worker_a):
    client = _client(administrator)
    unit = make_unit()
    response = client.post(reverse("casework:units"), {"name": "", "kind": "nonsense"})
    assert response.status_code == 200 and Unit.objects.count() == 1
    twin = reverse("casework:unit_twinning_add", args=[unit.pk])
    for code in ["000000", areas["township"].code]:  # unknown; not a village
        response = client.post(twin, {"village_code": code})
        assert response.status_code == 200
        assert 'class="field invalid"' in response.content.decode()
    client.post(twin, {"village_code": areas["village_a"].code})
    again = client.post(twin, {"village_code": areas["village_a"].code})
    assert again.status_code == 200 and Twinning.objects.count() == 1
    add = reverse("casework:unit_member_add", args=[unit.pk])
    assert client.post(add, {"username": "nobody"}).status_code == 200
    client.post(add, {"username": "worker_a"})
    twice = client.post(add, {"username": "worker_a"})
    assert twice.status_code == 200 and 'class="field invalid"' in twice.content.decode()
    other = make_unit(name="另一个单位")
    second = client.post(
        reverse("casework:unit_member_add", args=[other.pk]), {"username": "worker_a"}
    )
    # One person may serve several units.
    assert second.status_code == 302
    assert set(UnitMember.objects.filter(user=worker_a).values_list("unit", flat=True)) == {
        unit.pk,
        other.pk,
    }
