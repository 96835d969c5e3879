"""Every administration API operation tried by every persona who may not use it:
404 (the record's existence is not confirmed), and nothing changes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from doorstep.accounts.models import User
from doorstep.administration.tests.conftest import PERSONAS
from doorstep.casework.models import ServiceLevel, Twinning, UnitMember
from doorstep.casework.tests.factories import make_unit
from doorstep.core.tests.api_clients import ApiClient
from doorstep.hotline.models import Office, Responder
from doorstep.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(everyone, areas):
    unit = make_unit(name="县人社局")
    UnitMember.objects.create(user=everyone["responder"], unit=unit)
    twinning = Twinning.objects.create(
        unit=unit, village=areas["village_a"], started_on="2026-01-01"
    )
    office = Office.objects.create(name="值班室", code="zbs", area=areas["township"])
    responder = Responder.objects.create(office=office, name="物业", kind="utility")
    return {
        "staff": everyone["worker_a"].pk,
        "unit": unit.pk,
        "user": everyone["responder"].pk,
        "twinning": twinning.pk,
        "office": office.pk,
        "responder": responder.pk,
        "level": ServiceLevel.objects.order_by("pk").first().pk,
    }


STAFF_BODY = {"given_name": "x", "role": "worker", "area_code": "652901001001"}
STAFF_OPS = [
    ("GET", "/api/v1/staff", None),
    ("POST", "/api/v1/staff", STAFF_BODY | {"username": "zz_new"}),
    ("GET", "/api/v1/staff/export", None),
    ("GET", "/api/v1/staff/{staff}", None),
    ("PUT", "/api/v1/staff/{staff}", STAFF_BODY),
    ("POST", "/api/v1/staff/{staff}/deactivate", None),
    ("POST", "/api/v1/staff/{staff}/reactivate", None),
    ("POST", "/api/v1/staff/{staff}/password-reset", None),
    ("POST", "/api/v1/staff/{staff}/two-factor-reset", None),
]
SETUP_OPS = [
    ("GET", "/api/v1/setup/units", None),
    ("POST", "/api/v1/setup/units", {"name": "x", "kind": "bank"}),
    ("GET", "/api/v1/setup/units/{unit}", None),
    ("PUT", "/api/v1/setup/units/{unit}", {"name": "x", "kind": "bank", "is_active": False}),
    ("POST", "/api/v1/setup/units/{unit}/members", {"user_id": 1}),
    ("DELETE", "/api/v1/setup/units/{unit}/members/{user}", None),
    ("POST", "/api/v1/setup/units/{unit}/twinnings", {"village_code": "652901001002"}),
    ("POST", "/api/v1/setup/units/{unit}/twinnings/{twinning}/end", None),
    ("GET", "/api/v1/setup/offices", None),
    ("POST", "/api/v1/setup/offices", {"name": "x", "area_code": "652901"}),
    ("GET", "/api/v1/setup/offices/{office}", None),
    ("PUT", "/api/v1/setup/offices/{office}", {"name": "x", "area_code": "652901"}),
    ("POST", "/api/v1/setup/offices/{office}/responders", {"name": "x", "kind": "utility"}),
    ("PUT", "/api/v1/setup/responders/{responder}", {"name": "x", "kind": "utility"}),
    (
        "PUT",
        "/api/v1/setup/responders/{responder}/contacts",
        {"contacts": [{"name": "a", "phone": "13900001111"}]},
    ),
    ("GET", "/api/v1/setup/service-levels", None),
    (
        "PUT",
        "/api/v1/setup/service-levels/{level}",
        {"acknowledge_hours": 1, "resolve_hours": 2, "supervisor_after_hours": 1},
    ),
]


def _state():
    return (
        User.objects.filter(is_active=True).count(),
        UnitMember.objects.count(),
        Twinning.objects.filter(ended_on__isnull=True).count(),
        Office.objects.filter(is_active=True, name="值班室").count(),
        Responder.objects.filter(name="物业").count(),
        AuditEvent.objects.exclude(action="view").count(),
    )


@pytest.mark.parametrize(
    "persona", [p for p in PERSONAS if p not in {"supervisor", "administrator"}]
)
def test_no_administration_operation_answers_other_roles(everyone, records, persona):
    client = ApiClient(everyone[persona])
    before = _state()
    for method, path, body in STAFF_OPS + SETUP_OPS:
        response = client.call(method, path.format(**records), body)
        assert response.status_code == 404, (method, path, response.status_code)
    upload = SimpleUploadedFile("s.csv", b"username,role,area_code\nq,worker,652901\n")
    response = client.client.post("/api/v1/staff/import", {"file": upload, "dry_run": "false"})
    assert response.status_code == 404
    assert _state() == before


def test_a_supervisor_reaches_staff_operations_but_no_office_set_up(everyone, records):
    client = ApiClient(everyone["supervisor"])
    before = _state()
    for method, path, body in SETUP_OPS:
        response = client.call(method, path.format(**records), body)
        assert response.status_code == 404, (method, path, response.status_code)
    assert _state() == before
    for method, path, body in STAFF_OPS:
        response = client.call(method, path.format(**records), body)
        assert response.status_code in {200, 201}, (method, path, response.content)
