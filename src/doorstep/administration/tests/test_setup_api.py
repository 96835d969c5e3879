"""/api/v1/setup: an administrator sets up an office (units, members, twinning, duty
office, responders and their contact order, service levels) without a shell; every
other persona gets 404; a county administrator stays in the county."""

import pytest

from doorstep.administration.tests.conftest import PERSONAS
from doorstep.casework.models import ServiceLevel, Twinning, Unit, UnitMember
from doorstep.casework.tests.factories import make_unit
from doorstep.core.tests.api_clients import ApiClient, assert_error
from doorstep.hotline.models import Office, Responder, ResponderContact
from doorstep.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db
BASE = "/api/v1/setup"


def test_an_administrator_sets_up_a_new_office_through_the_api(everyone, areas):
    admin = ApiClient(everyone["administrator"])
    staff = admin.post(
        "/api/v1/staff",
        {
            "username": "hr_responder",
            "family_name": "马",
            "given_name": "丽",
            "role": "responder",
            "area_code": "652901",
        },
    ).json()
    unit = admin.post(
        f"{BASE}/units",
        {
            "name": "县人社局",
            "kind": "human_resources",
            "area_code": "652901",
            "accepts_referrals": True,
        },
    )
    assert unit.status_code == 201, unit.content
    unit_id = unit.json()["id"]
    second = admin.post(f"{BASE}/units", {"name": "县民政局", "kind": "civil_affairs"}).json()
    for uid in (unit_id, second["id"]):
        added = admin.post(f"{BASE}/units/{uid}/members", {"user_id": staff["id"]})
        assert added.status_code == 200, added.content
    twinned = admin.post(f"{BASE}/units/{unit_id}/twinnings", {"village_code": "652901001001"})
    assert twinned.json()["twinnings"][0]["village"]["code"] == "652901001001"
    office = admin.post(
        f"{BASE}/offices",
        {
            "name": "新城街道值班室",
            "area_code": "652901001",
            "phone": "09972123456",
            "categories": ["power", "water", "person_in_danger"],
        },
    )
    assert office.status_code == 201, office.content
    office_id = office.json()["id"]
    responder = admin.post(
        f"{BASE}/offices/{office_id}/responders",
        {"name": "物业公司", "kind": "property_company", "member_ids": [staff["id"]]},
    )
    assert responder.status_code == 201, responder.content
    rid = responder.json()["id"]
    contacts = admin.call(
        "PUT",
        f"{BASE}/responders/{rid}/contacts",
        {
            "contacts": [
                {"name": "白班工程师", "role": "day", "phone": "13900003333"},
                {"name": "经理", "phone": "13900004444"},
            ]
        },
    )
    assert [c["on_call_order"] for c in contacts.json()["contacts"]] == [1, 2]
    assert UnitMember.objects.filter(user_id=staff["id"]).count() == 2
    assert Office.objects.get(pk=office_id).category_list == ["power", "water", "person_in_danger"]
    assert list(
        ResponderContact.objects.filter(responder_id=rid).values_list("name", flat=True)
    ) == ["白班工程师", "经理"]
    listed = admin.get(f"{BASE}/offices").json()["items"]
    assert listed[0]["responders"][0]["member_ids"] == [staff["id"]]
    # Retire the office and the unit: kept, marked inactive.
    retired = admin.call(
        "PUT",
        f"{BASE}/offices/{office_id}",
        {"name": "新城街道值班室", "area_code": "652901001", "is_active": False},
    )
    assert retired.json()["is_active"] is False
    gone = admin.call(
        "PUT",
        f"{BASE}/units/{second['id']}",
        {"name": "县民政局", "kind": "civil_affairs", "is_active": False},
    )
    assert gone.json()["is_active"] is False and Unit.objects.filter(pk=second["id"]).exists()
    kinds = set(AuditEvent.objects.values_list("object_type", flat=True))
    assert {"staff", "unit", "unit_member", "twinning", "office", "responder"} <= kinds


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "administrator"])
def test_only_administrators_set_up_offices(request, everyone, persona):
    unit = make_unit()
    office = Office.objects.create(name="x", code="x", area=everyone["worker_a"].area)
    client = ApiClient(everyone[persona])
    for path in (
        "/units",
        f"/units/{unit.pk}",
        "/offices",
        f"/offices/{office.pk}",
        "/service-levels",
    ):
        assert_error(client.get(BASE + path), 404)
    assert_error(client.post(f"{BASE}/units", {"name": "x", "kind": "bank"}), 404)
    assert_error(client.post(f"{BASE}/offices", {"name": "y", "area_code": "652901001001"}), 404)
    assert_error(
        client.post(f"{BASE}/units/{unit.pk}/members", {"user_id": everyone["worker_a"].pk}), 404
    )
    assert Unit.objects.count() == 1 and Office.objects.count() == 1
    assert not UnitMember.objects.exists()


def test_a_county_administrator_sets_up_offices_of_the_county_only(
    county_admin, other_county, areas
):
    client = ApiClient(county_admin)
    elsewhere = Office.objects.create(name="温宿", code="ws", area=other_county["county"])
    assert_error(client.get(f"{BASE}/offices/{elsewhere.pk}"), 404)
    assert_error(
        client.post(f"{BASE}/offices", {"name": "y", "area_code": "652902"}), 422, "area_code"
    )
    assert_error(client.get(f"{BASE}/service-levels"), 404)  # they hold region-wide
    unit = client.post(f"{BASE}/units", {"name": "银行", "kind": "bank"}).json()
    assert_error(
        client.post(f"{BASE}/units/{unit['id']}/twinnings", {"village_code": "652902001001"}),
        422,
        "village_code",
    )
    assert not Twinning.objects.exists() and Office.objects.count() == 1


def test_bad_office_and_responder_input_names_the_field(everyone, areas):
    client = ApiClient(everyone["administrator"])
    assert_error(
        client.post(f"{BASE}/offices", {"name": "x", "area_code": "999"}), 422, "area_code"
    )
    assert_error(
        client.post(f"{BASE}/offices", {"name": "x", "area_code": "652901", "phone": "1"}),
        422,
        "phone",
    )
    assert_error(
        client.post(
            f"{BASE}/offices", {"name": "x", "area_code": "652901", "categories": ["spying"]}
        ),
        422,
        "categories.0",
    )
    office = client.post(f"{BASE}/offices", {"name": "ok", "area_code": "652901"}).json()
    assert_error(
        client.post(
            f"{BASE}/offices/{office['id']}/responders",
            {"name": "x", "kind": "utility", "member_ids": [999999]},
        ),
        422,
        "member_ids",
    )
    responder = Responder.objects.create(office_id=office["id"], name="r", kind="utility")
    assert_error(
        client.call(
            "PUT",
            f"{BASE}/responders/{responder.pk}/contacts",
            {"contacts": [{"name": "a", "phone": "13900001111"}, {"name": "b", "phone": "12"}]},
        ),
        422,
        "contacts.1.phone",
    )
    assert not ResponderContact.objects.exists() and Responder.objects.count() == 1


def test_duplicate_membership_is_refused(everyone, areas):
    unit = make_unit()
    client = ApiClient(everyone["administrator"])
    body = {"user_id": everyone["responder"].pk}
    assert client.post(f"{BASE}/units/{unit.pk}/members", body).status_code == 200
    assert_error(client.post(f"{BASE}/units/{unit.pk}/members", body), 422, "user")
    removed = client.delete(f"{BASE}/units/{unit.pk}/members/{everyone['responder'].pk}")
    assert removed.status_code == 204 and not UnitMember.objects.exists()


def test_region_administrators_change_service_levels(everyone, areas):
    client = ApiClient(everyone["administrator"])
    level = ServiceLevel.objects.order_by("pk").first()
    assert len(client.get(f"{BASE}/service-levels").json()["items"]) == ServiceLevel.objects.count()
    bad = {"acknowledge_hours": 10, "resolve_hours": 5, "supervisor_after_hours": 1}
    assert_error(client.call("PUT", f"{BASE}/service-levels/{level.pk}", bad), 422, "resolve_hours")
    good = {"acknowledge_hours": 2, "resolve_hours": 30, "supervisor_after_hours": 6}
    response = client.call("PUT", f"{BASE}/service-levels/{level.pk}", good)
    assert response.status_code == 200
    level.refresh_from_db()
    assert (level.acknowledge_hours, level.resolve_hours) == (2, 30)
