"""/api/v1/livelihoods: the whole flow through the API, scoping per persona, bad input."""

from __future__ import annotations

import datetime as dt

import pytest

from doorstep.livelihoods import services
from doorstep.livelihoods.models import Enrolment, Placement
from doorstep.livelihoods.tests.factories import CH, adult, employer, opening, seeker, session

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
API = "/api/v1/livelihoods"


@pytest.fixture(autouse=True)
def _english(client):
    # Messages are compared in English; requests otherwise default to Chinese.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def world(team_leader, worker_a, household_a, areas):
    emp = employer(team_leader, areas["village_a"], latitude=41.17, longitude=80.26)
    job = opening(team_leader, emp, skills=("tailoring",))
    sess = session(team_leader, areas["township"], capacity=1)
    resident = adult(household_a)
    s = seeker(worker_a, resident, skills=("tailoring",))
    services.income_record_set(
        actor=worker_a,
        household=household_a,
        year=TODAY.year,
        source="wages",
        amount=6000,
        channel=CH,
    )
    return {
        "opening": job,
        "session": sess,
        "seeker": s,
        "resident": resident,
        "household": household_a,
    }


def test_the_flow_through_the_api(client, worker_a, world):
    client.force_login(worker_a)
    resident, job, sess = world["resident"], world["opening"], world["session"]
    r = client.post(
        f"{API}/sessions/{sess.pk}/enrolments",
        {"resident": resident.pk, "resident_agreed": True},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    enrolment = r.json()["id"]
    r = client.post(
        f"{API}/enrolments/{enrolment}/complete",
        {"completed_on": str(TODAY), "certificate_no": "C-1"},
        content_type="application/json",
    )
    assert r.json()["status"] == "completed"
    matches = client.get(f"{API}/openings/{job.pk}/matches").json()
    assert matches["items"][0]["seeker"] == world["seeker"].pk
    assert matches["items"][0]["reasons"][0]["text"].startswith("Skills")
    r = client.post(
        f"{API}/proposals",
        {"opening": job.pk, "seeker": world["seeker"].pk},
        content_type="application/json",
    )
    proposal = r.json()["id"]
    client.post(f"{API}/proposals/{proposal}/agree", {}, content_type="application/json")
    r = client.post(
        f"{API}/proposals/{proposal}/accept",
        {"started_on": str(TODAY - dt.timedelta(days=30))},
        content_type="application/json",
    )
    assert r.status_code == 201
    assert [f["month"] for f in r.json()["follow_ups"]] == [1, 3, 6]
    due = client.get("/api/v1/casework/due").json()["items"]
    assert [i["kind"] for i in due] == ["placement_follow_up"]
    flags = client.get(f"{API}/flags?status=open").json()["items"]
    assert flags[0]["rule"] == "income_below" and "below the threshold" in flags[0]["explanation"]
    assert Enrolment.objects.get().outcome == "employed"


def test_an_over_capacity_enrolment_is_422_naming_the_field(client, worker_a, world, household_a):
    client.force_login(worker_a)
    sess = world["session"]
    client.post(
        f"{API}/sessions/{sess.pk}/enrolments",
        {"resident": world["resident"].pk, "resident_agreed": True},
        content_type="application/json",
    )
    other = adult(household_a, name="再一个")
    r = client.post(
        f"{API}/sessions/{sess.pk}/enrolments",
        {"resident": other.pk, "resident_agreed": True},
        content_type="application/json",
    )
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {"field": "session", "message": "This session is full: all 1 places are taken."}
    ]
    assert Enrolment.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"year": TODAY.year, "source": "wages", "amount": "-1"}, "amount"),
        ({"year": TODAY.year, "source": "wages", "amount": "1e15"}, "amount"),
        ({"year": TODAY.year + 3, "source": "wages", "amount": "1"}, "year"),
        ({"year": TODAY.year, "source": "gold", "amount": "1"}, "source"),
    ],
)
def test_bad_income_is_422_naming_the_field(client, worker_a, world, body, field):
    client.force_login(worker_a)
    r = client.put(
        f"{API}/households/{world['household'].pk}/income", body, content_type="application/json"
    )
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == [field]


def test_placing_under_working_age_is_422(client, worker_a, world, household_a):
    client.force_login(worker_a)
    child = adult(household_a, name="小孩", born=TODAY.replace(year=TODAY.year - 15))
    r = client.put(
        f"{API}/residents/{child.pk}/seeker", {"skills": []}, content_type="application/json"
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "resident"
    assert "under the working age" in r.json()["errors"][0]["message"]
    assert not Placement.objects.exists()


def test_opening_dates_out_of_order_are_422(client, team_leader, world):
    client.force_login(team_leader)
    body = {
        "employer": world["opening"].employer_id,
        "title": "x",
        "area": world["opening"].area_id,
        "wage_monthly": "3000",
        "posts": 1,
        "starts_on": str(TODAY),
        "ends_on": str(TODAY - dt.timedelta(days=3)),
        "closes_on": str(TODAY),
    }
    r = client.post(f"{API}/openings", body, content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "ends_on"


def test_scoping_per_persona(
    client, world, worker_a, worker_b, team_leader, supervisor, analyst, responder, administrator
):
    household, s = world["household"], world["seeker"]
    personal = [
        f"{API}/seekers/{s.pk}",
        f"{API}/households/{household.pk}/income",
        f"{API}/seekers/{s.pk}/matches",
    ]
    for persona, allowed in [
        (worker_a, True),
        (team_leader, True),
        (supervisor, True),
        (administrator, True),
        (worker_b, False),
        (analyst, False),
        (responder, False),
    ]:
        client.force_login(persona)
        for url in personal:
            assert client.get(url).status_code == (200 if allowed else 404), (persona, url)
        flags = client.get(f"{API}/flags").json()["items"]
        assert bool(flags) is allowed, persona
        seekers = client.get(f"{API}/seekers").json()["items"]
        assert bool(seekers) is allowed, persona
    client.force_login(analyst)
    summary = client.get(f"{API}/relapse/summary").json()
    assert summary["open_total"] is None  # one flag: hidden from analysts
    client.force_login(supervisor)
    assert client.get(f"{API}/relapse/summary").json()["open_total"] == 1
    client.force_login(worker_a)
    assert client.get(f"{API}/relapse/summary").status_code == 404
    assert client.get(f"{API}/rules").json()["items"] == []


def test_a_worker_may_not_add_openings_or_edit_rules(client, worker_a, supervisor, world):
    client.force_login(worker_a)
    body = {
        "employer": world["opening"].employer_id,
        "title": "x",
        "area": world["opening"].area_id,
        "wage_monthly": "3000",
        "posts": 1,
        "starts_on": str(TODAY),
        "closes_on": str(TODAY),
    }
    assert client.post(f"{API}/openings", body, content_type="application/json").status_code == 403
    client.force_login(supervisor)
    rule = client.get(f"{API}/rules").json()["items"][0]
    r = client.put(
        f"{API}/rules/{rule['id']}",
        {"is_active": True, "threshold": "8000"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["threshold"] == "8000.00"
    r = client.put(
        f"{API}/rules/{rule['id']}",
        {"is_active": True, "threshold": "-3"},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "threshold"


def test_unauthenticated_is_401(client, world):
    assert client.get(f"{API}/flags").status_code == 401
