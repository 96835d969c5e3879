"""Pages: the resident's application in three languages, refusals on the pages
(409, 403, 404, 422), every persona on the write pages, and figures suppressed for
analysts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from doorstep.monitoring.models import HouseholdPoverty, Proposal
from doorstep.monitoring.tests.helpers import line, propose, village_agree, year
from doorstep.portal.auth import COOKIE_NAME, session_start

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
PERSONAS = ["worker_a", "worker_b", "team_leader", "supervisor", "analyst", "responder"]


def _client(user, language="zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("zh-hans", "申请纳入监测"),
        ("ug", "نازارەتكە ئېلىنىشنى ئىلتىماس قىلىش"),
        ("en", "Ask to be monitored"),
    ],
)
def test_resident_applies_through_the_portal_in_three_languages(resident_a, language, text):
    token, _ = session_start(resident=resident_a)
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies[COOKIE_NAME] = token
    page = client.get("/resident/monitoring/apply/")
    assert page.status_code == 200 and text in page.content.decode()
    assert client.post("/resident/monitoring/apply/", {"note": "x"}).status_code == 422
    r = client.post("/resident/monitoring/apply/", {"risk_kinds": ["illness"], "note": "父亲住院"})
    assert r.status_code == 302
    p = Proposal.objects.get()
    assert p.source == "resident" and p.proposed_by_resident == resident_a
    assert p.household_id == resident_a.household_id and p.stage == "village_review"
    # A second application while the first is handled is not offered.
    assert "risk_kinds" not in client.get("/resident/monitoring/apply/").content.decode()


def test_the_portal_form_needs_a_portal_session(client, resident_a):
    r = client.get("/resident/monitoring/apply/")
    assert r.status_code == 302 and "/resident/sign-in/" in r["Location"]


def test_worker_proposes_through_the_page(worker_a, household_a, areas):
    year(household_a, TODAY.year, 5000)
    line(areas["county"], TODAY.year, 6800)
    r = _client(worker_a).post(
        f"/monitoring/households/{household_a.pk}/propose/",
        {"kind": "enter", "monitoring_type": "sudden", "risk_kinds": ["disaster"]},
    )
    assert r.status_code == 302
    assert Proposal.objects.get().below_line is True


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_persona_on_the_propose_page(request, household_a, persona):
    user = request.getfixturevalue(persona)
    r = _client(user).post(
        f"/monitoring/households/{household_a.pk}/propose/",
        {"kind": "enter", "monitoring_type": "edge", "risk_kinds": ["illness"]},
    )
    in_scope = persona in {"worker_a", "team_leader", "supervisor"}
    assert r.status_code == (302 if in_scope else 404)
    assert Proposal.objects.exists() == in_scope


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_persona_on_the_step_page(request, household_a, worker_a, persona):
    p = propose(household_a, worker_a)
    user = request.getfixturevalue(persona)
    r = _client(user).post(
        f"/monitoring/proposals/{p.pk}/step/",
        {"stage": "village_review", "decision": "approve", "meeting_on": TODAY, "attendees": 9},
    )
    in_scope = persona in {"worker_a", "team_leader", "supervisor"}
    assert r.status_code == (302 if in_scope else 404)
    p.refresh_from_db()
    assert (p.stage == "notice") == in_scope


def test_step_refusals_on_the_page_are_translated(household_a, worker_a, supervisor):
    p = propose(household_a, worker_a)
    r = _client(supervisor).post(
        f"/monitoring/proposals/{p.pk}/step/", {"stage": "county_decision", "decision": "approve"}
    )
    assert r.status_code == 409 and "村级评议" in r.content.decode()
    r = _client(worker_a, "ug").post(
        f"/monitoring/proposals/{p.pk}/step/", {"stage": "village_review", "decision": "approve"}
    )
    assert r.status_code == 422 and "كەنت يىغىنىنىڭ ۋاقتىنى بېرىڭ" in r.content.decode()
    village_agree(p, worker_a)
    Proposal.objects.filter(pk=p.pk).update(notice_ends_on=TODAY - dt.timedelta(days=1))
    _client(worker_a).post(
        f"/monitoring/proposals/{p.pk}/step/", {"stage": "notice", "decision": "approve"}
    )
    r = _client(worker_a).post(
        f"/monitoring/proposals/{p.pk}/step/", {"stage": "township_review", "decision": "approve"}
    )
    assert r.status_code == 403


def test_notice_page_shows_heads_name_and_status_only(household_a, worker_a, worker_b, areas):
    head = household_a.residents.get(relationship="head")
    head.phone, head.id_number = "13912345678", "652901198001010012"
    head.save()
    year(household_a, TODAY.year, 5123, medical=17777)
    p = propose(household_a, worker_a, note="户主患肺癌")
    village_agree(p, worker_a)
    page = _client(worker_a).get(f"/monitoring/notices/{areas['village_a'].pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count(head.name) == 2  # once in Chinese, once in Uyghur
    for secret in (
        "13912345678",
        "652901198001010012",
        "5123",
        "17777",
        "肺癌",
        household_a.household_no,
    ):
        assert secret not in text
    assert _client(worker_b).get(f"/monitoring/notices/{areas['village_a'].pk}/").status_code == 404


def test_analysts_see_small_counts_suppressed(household_a, analyst, supervisor, areas):
    HouseholdPoverty.objects.create(
        household=household_a, status="monitored", monitoring_type="edge"
    )
    seen = _client(analyst).get("/monitoring/figures/").content.decode()
    assert 'data-status="monitored">&lt;5<' in seen
    assert (
        'data-status="monitored">1<'
        in _client(supervisor).get("/monitoring/figures/").content.decode()
    )
    api = _client(analyst).get("/api/v1/monitoring/figures").json()
    assert {r["key"]: r["count"] for r in api["by_status"]}["monitored"] == "<5"
    assert api["suppressed"] is True
    assert _client(analyst).get(f"/monitoring/households/{household_a.pk}/").status_code == 404
    outside = areas["region"].pk
    assert _client(supervisor).get(f"/api/v1/monitoring/figures?area={outside}").status_code == 404


def test_help_and_review_recorded_through_the_page(household_a, worker_a, team_leader):
    from doorstep.casework.services import pairing_create

    pairing_create(actor=team_leader, worker=worker_a, household=household_a, channel="t")
    HouseholdPoverty.objects.create(household=household_a, status="monitored", next_review_on=TODAY)
    c = _client(worker_a)
    from doorstep.casework.due_items import due_items_for

    assert [i.kind for i in due_items_for(worker_a, TODAY)] == ["monitoring_review"]
    r = c.post(
        f"/monitoring/households/{household_a.pk}/review/",
        {"reviewed_on": TODAY, "note": "收入恢复中"},
    )
    assert r.status_code == 302
    assert due_items_for(worker_a, TODAY) == []
    r = c.post(
        f"/monitoring/households/{household_a.pk}/help/",
        {"record": "other:", "description": "", "started_on": TODAY},
    )
    assert r.status_code == 422


def test_retention_clears_the_procedures_free_text(household_a, worker_a):
    from doorstep.monitoring.retention import anonymise

    p = propose(household_a, worker_a, note="户主患肺癌")
    anonymise([household_a.pk])
    p.refresh_from_db()
    assert p.note == "" and p.risk_kinds == "illness"


@pytest.mark.parametrize("language", ["zh-hans", "ug"])
def test_the_pages_render_for_a_supervisor(household_a, worker_a, supervisor, areas, language):
    p = propose(household_a, worker_a)
    village_agree(p, worker_a)
    c = _client(supervisor, language)
    for url in (
        "/monitoring/",
        "/monitoring/households/?status=never",
        f"/monitoring/households/{household_a.pk}/",
        f"/monitoring/proposals/{p.pk}/",
        "/monitoring/figures/",
        "/monitoring/settings/",
        f"/households/{household_a.pk}/",
    ):
        r = c.get(url)
        assert r.status_code == 200, url
    assert household_a.household_no in c.get("/monitoring/").content.decode()
    r = c.post("/monitoring/settings/", {"form": "line", "year": TODAY.year, "amount": "7000"})
    assert r.status_code == 302
    r = c.post(
        "/monitoring/settings/",
        {"form": "policy", "notice_days": 0, "stable_years": 1, "review_days": 30},
    )
    assert r.status_code == 422


def test_settings_page_is_for_supervisors(worker_a, team_leader):
    assert _client(worker_a).get("/monitoring/settings/").status_code == 403
    assert _client(team_leader).get("/monitoring/settings/").status_code == 403
