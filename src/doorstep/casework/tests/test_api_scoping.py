"""Every casework endpoint tried by every persona: 404 outside the scope, 403 for a role
that sees the record but may not do the write, and lists holding only what is in scope."""

import pytest

from doorstep.casework.models import NeedStatus, Referral
from doorstep.casework.models import UnitMember as _UnitMember
from doorstep.casework.services import (
    assistance_record,
    contact_log,
    need_open,
    pairing_create,
    referral_create,
)
from doorstep.casework.tests.factories import make_unit
from doorstep.core.testing import make_household
from doorstep.core.tests.api_clients import ApiClient, assert_error

pytestmark = pytest.mark.django_db

PERSONAS = [
    "worker_a",
    "worker_b",
    "team_leader",
    "supervisor",
    "analyst",
    "responder",
    "administrator",
]
BASE = "/api/v1/casework"


@pytest.fixture
def world(areas, worker_a, team_leader, household_a, responder):
    bureau = make_unit(name="县人社局", accepts_referrals=True)
    health = make_unit(name="县卫健委", accepts_referrals=True)
    _UnitMember.objects.create(user=responder, unit=bureau)
    pairing = pairing_create(actor=team_leader, worker=worker_a, household=household_a, channel="t")
    contact_log(actor=worker_a, household=household_a, kind="visit", channel="t")
    need = need_open(
        actor=worker_a, household=household_a, category="employment", title="找工作", channel="t"
    )
    resolved = need_open(
        actor=worker_a, household=household_a, category="housing", title="修屋顶", channel="t"
    )
    type(resolved).objects.filter(pk=resolved.pk).update(status=NeedStatus.RESOLVED)
    referral = referral_create(actor=worker_a, need=need, unit=bureau, channel="t")
    benefit = assistance_record(
        actor=worker_a, need=need, kind="benefit", benefit_type="micro_loan", channel="t"
    )
    return {
        "pairing": pairing,
        "need": need,
        "resolved": resolved,
        "referral": referral,
        "benefit": benefit,
        "health": health,
        "township": areas["township"],
        "spare": make_household(area=areas["village_a"]),
        "household": household_a,
        "worker": worker_a,
    }


def _s(w, a, tl, sup, an, r, ad):
    return dict(zip(PERSONAS, (w, a, tl, sup, an, r, ad), strict=True))


# (method, path, body, expected status per persona)
ENDPOINTS = {
    "units": ("GET", "/units", None, _s(200, 200, 200, 200, 200, 200, 200)),
    "pairing create": (
        "POST",
        "/pairings",
        lambda w: {"worker": w["worker"].pk, "household": w["spare"].pk},
        _s(403, 404, 201, 201, 404, 404, 201),
    ),
    "pairing bulk": (
        "POST",
        "/pairings/bulk",
        lambda w: {"worker": w["worker"].pk, "household_ids": [w["spare"].pk]},
        _s(403, 403, 201, 201, 403, 403, 201),
    ),
    "pairing end": (
        "POST",
        "/pairings/{pairing}/end",
        {},
        _s(403, 404, 200, 200, 404, 404, 200),
    ),
    "contact create": (
        "POST",
        "/contacts",
        lambda w: {"household": w["household"].pk, "kind": "call", "notes": "问候"},
        _s(201, 404, 201, 201, 404, 404, 201),
    ),
    "due list": ("GET", "/due", None, _s(200, 200, 200, 200, 200, 200, 200)),
    "overdue summary": (
        "GET",
        "/overdue-summary?area={township}",
        None,
        _s(404, 404, 200, 200, 200, 404, 200),
    ),
    "overdue households": (
        "GET",
        "/overdue-households?area={township}",
        None,
        _s(404, 404, 200, 200, 200, 404, 200),
    ),
    "need create": (
        "POST",
        "/needs",
        lambda w: {"household": w["household"].pk, "category": "income", "title": "低保"},
        _s(201, 404, 201, 201, 404, 404, 201),
    ),
    "need detail": ("GET", "/needs/{need}", None, _s(200, 404, 200, 200, 404, 200, 200)),
    "need update": (
        "PATCH",
        "/needs/{need}",
        {"version": 1, "urgency": "high"},
        _s(200, 404, 200, 200, 404, 403, 200),
    ),
    "need transition": (
        "POST",
        "/needs/{need}/transitions",
        {"action": "acknowledge", "version": 1},
        _s(200, 404, 200, 200, 404, 403, 200),
    ),
    "need note": (
        "POST",
        "/needs/{need}/notes",
        {"note": "打过电话"},
        _s(201, 404, 201, 201, 404, 403, 201),
    ),
    "need referral": (
        "POST",
        "/needs/{need}/referrals",
        lambda w: {"unit": w["health"].pk, "note": "体检"},
        _s(201, 404, 201, 201, 404, 403, 201),
    ),
    "need assistance": (
        "POST",
        "/needs/{need}/assistance",
        {"kind": "material", "material_type": "goods", "amount": "200.00"},
        _s(201, 404, 201, 201, 404, 403, 201),
    ),
    "assistance status": (
        "POST",
        "/assistance/{benefit}/status",
        {"benefit_status": "approved"},
        _s(200, 404, 200, 200, 404, 403, 200),
    ),
    "need feedback": (
        "POST",
        "/needs/{resolved}/feedback",
        {"satisfaction": 5, "comment": "好"},
        _s(201, 404, 201, 201, 404, 404, 201),
    ),
    "referral detail": (
        "GET",
        "/referrals/{referral}",
        None,
        _s(200, 404, 200, 200, 404, 200, 200),
    ),
    "referral accept": (
        "POST",
        "/referrals/{referral}/accept",
        {},
        _s(403, 404, 403, 403, 404, 200, 200),
    ),
    "referral decline": (
        "POST",
        "/referrals/{referral}/decline",
        {"reason": "不归我们管"},
        _s(403, 404, 403, 403, 404, 200, 200),
    ),
    # Sent, not yet accepted: the unit's responder is told to accept first (422).
    "referral action": (
        "POST",
        "/referrals/{referral}/actions",
        {"note": "已联系"},
        _s(403, 404, 403, 403, 404, 422, 422),
    ),
}


def _path(template: str, world) -> str:
    ids = {k: getattr(v, "pk", None) for k, v in world.items()}
    return BASE + template.format(**ids)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_every_endpoint_answers_each_persona_within_its_scope(request, world, persona, name):
    method, template, body, expected = ENDPOINTS[name]
    user = request.getfixturevalue(persona)
    if callable(body):
        body = body(world)
    response = ApiClient(user).call(method, _path(template, world), body)
    status = expected[persona]
    if status >= 400:
        assert_error(response, status)
    else:
        assert response.status_code == status, response.content


# (path, items each persona sees)
LISTS = {
    "/pairings": _s(1, 0, 1, 1, 0, 0, 1),
    "/contacts": _s(1, 0, 1, 1, 0, 0, 1),
    "/needs": _s(2, 0, 2, 2, 0, 1, 2),
    "/referrals": _s(1, 0, 1, 1, 0, 1, 1),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("path", list(LISTS))
def test_lists_hold_only_what_is_in_scope(request, world, persona, path):
    response = ApiClient(request.getfixturevalue(persona)).get(BASE + path)
    assert response.status_code == 200, response.content
    assert len(response.json()["items"]) == LISTS[path][persona]


def test_the_due_list_holds_the_workers_paired_households(world, worker_a, worker_b):
    body = ApiClient(worker_a).get(f"{BASE}/due").json()
    due = body["overdue"] + body["due_this_week"] + body["later"]
    assert [d["household"] for d in due] == [world["household"].pk]
    body = ApiClient(worker_b).get(f"{BASE}/due").json()
    assert body == {"items": [], "overdue": [], "due_this_week": [], "later": []}


def test_a_declined_referral_leaves_the_responders_need_list(world, responder):
    client = ApiClient(responder)
    client.post(f"{BASE}/referrals/{world['referral'].pk}/decline", {"reason": "不归我们管"})
    assert client.get(f"{BASE}/needs").json()["items"] == []
    assert Referral.objects.get().status == "declined"
