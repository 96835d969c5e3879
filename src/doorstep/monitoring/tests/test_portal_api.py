"""/api/v1/portal/monitoring: the household applies through the resident's app, in
three languages, with an Idempotency-Key; only its own household, never staff."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from doorstep.core.tests.api_clients import ApiClient, assert_error
from doorstep.monitoring.models import HouseholdPoverty, Proposal
from doorstep.monitoring.tests.helpers import propose
from doorstep.portal.auth import session_start

pytestmark = pytest.mark.django_db
URL = "/api/v1/portal/monitoring"


def _app(resident, language="zh-hans") -> Client:
    token, _ = session_start(resident=resident)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE=language)


def _apply(client, body, **extra):
    return client.post(f"{URL}/applications", body, content_type="application/json", **extra)


@pytest.mark.parametrize(
    ("language", "illness", "stage"),
    [("zh-hans", "疾病", "村级评议"), ("ug", "كېسەل", None), ("en", "Illness", "Village review")],
)
def test_household_applies_through_the_app_in_three_languages(resident_a, language, illness, stage):
    app = _app(resident_a, language)
    own = app.get(URL).json()
    assert own["status"] == "never" and own["may_apply"] is True
    assert illness in {c["label"] for c in own["risk_kind_choices"]}
    key = str(uuid.uuid4())
    body = {"risk_kinds": ["illness", "income_drop"], "note": "父亲住院，收入减少"}
    r = _apply(app, body, HTTP_IDEMPOTENCY_KEY=key)
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["source"] == "resident" and out["stage"] == "village_review"
    assert illness in out["risk_labels"] and out["in_progress"] is True
    if stage:
        assert out["stage_label"] == stage
    # A replay with the same key writes nothing and answers the same.
    again = _apply(app, body, HTTP_IDEMPOTENCY_KEY=key)
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == out["id"]
    p = Proposal.objects.get()
    assert p.proposed_by_resident == resident_a and p.household_id == resident_a.household_id
    # A second application while the first is in progress: 409, translated.
    refused = assert_error(_apply(app, body, HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())), 409)
    assert refused["detail"]
    assert app.get(URL).json()["may_apply"] is False


def test_refusals_are_translated(resident_a, household_a):
    HouseholdPoverty.objects.create(household=household_a, status="monitored")
    body = {"risk_kinds": ["illness"]}
    zh = assert_error(_apply(_app(resident_a), body), 409)["detail"]
    en = assert_error(_apply(_app(resident_a, "en"), body), 409)["detail"]
    ug = assert_error(_apply(_app(resident_a, "ug"), body), 409)["detail"]
    assert en == "This household is already monitored."
    assert len({zh, en, ug}) == 3


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"risk_kinds": []}, "risk_kinds"),
        ({"risk_kinds": ["religion"]}, "risk_kinds"),
        ({"risk_kinds": ["illness"], "note": "x" * 2001}, "note"),
    ],
)
def test_bad_input_is_422_naming_the_field(resident_a, body, field):
    assert_error(_apply(_app(resident_a, "en"), body), 422, field)
    assert not Proposal.objects.exists()


def test_own_household_only_and_no_staff(resident_a, household_a, household_b, worker_a):
    resident_b = household_b.residents.get(relationship="head")
    p = propose(household_a, worker_a, note="工作人员的走访记录")
    a = _app(resident_a).get(URL).json()
    assert [x["id"] for x in a["applications"]] == [p.pk]
    assert a["applications"][0]["note"] == ""  # a worker's note stays with the workers
    assert _app(resident_b).get(URL).json()["applications"] == []
    # Staff tokens and anonymous callers are turned away.
    assert ApiClient(worker_a).get(URL).status_code == 401
    assert Client().get(URL).status_code == 401
    assert _apply(Client(), {"risk_kinds": ["illness"]}).status_code == 401
