"""The livelihoods pages: each persona sees what its role allows, bad input comes back
on the field with a 4xx, and no page carries inline script or style."""

from __future__ import annotations

import datetime as dt

import pytest

from doorstep.casework.services import pairing_create
from doorstep.livelihoods import services
from doorstep.livelihoods.models import HouseholdYear, IncomeRecord, RelapseFlag
from doorstep.livelihoods.tests.factories import CH, adult, employer, opening, seeker, session

pytestmark = pytest.mark.django_db
THIS_YEAR = dt.date.today().year


@pytest.fixture
def world(team_leader, worker_a, household_a, areas):
    emp = employer(team_leader, areas["village_a"], latitude=41.17, longitude=80.26)
    job = opening(team_leader, emp, skills=("tailoring",))
    sess = session(team_leader, areas["township"])
    s = seeker(worker_a, adult(household_a), skills=("tailoring",))
    services.income_record_set(
        actor=worker_a,
        household=household_a,
        year=THIS_YEAR - 1,
        source="wages",
        amount=30000,
        channel=CH,
    )
    services.income_record_set(
        actor=worker_a,
        household=household_a,
        year=THIS_YEAR,
        source="wages",
        amount=9000,
        channel=CH,
    )
    return {"opening": job, "session": sess, "seeker": s, "household": household_a}


def _urls(world):
    h = world["household"].pk
    return [
        "/livelihoods/",
        f"/livelihoods/households/{h}/",
        f"/livelihoods/seekers/{world['seeker'].pk}/",
        f"/livelihoods/residents/{world['seeker'].resident_id}/seeker/",
        "/livelihoods/openings/",
        f"/livelihoods/openings/{world['opening'].pk}/",
        f"/livelihoods/openings/{world['opening'].pk}/matches/",
        "/livelihoods/employers/",
        "/livelihoods/courses/",
        f"/livelihoods/sessions/{world['session'].pk}/",
        "/livelihoods/cooperatives/",
        "/livelihoods/relapse/",
        "/livelihoods/skills/",
    ]


def test_every_page_opens_for_the_worker_without_inline_script(client, worker_a, world):
    client.force_login(worker_a)
    for url in _urls(world):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "<script>" not in body and "<style" not in body and ' style="' not in body
        for tag in body.split("<script")[1:]:
            assert "src=" in tag.split(">")[0], url


def test_the_household_page_shows_the_trend_and_the_flag_with_its_figures(client, worker_a, world):
    client.force_login(worker_a)
    body = client.get(
        f"/livelihoods/households/{world['household'].pk}/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "echarts.min.js" in body and "data-chart=" in body
    assert 'data-flag="income_below"' in body
    assert "2,250 yuan" in body  # 9,000 for four people


def test_a_worker_of_another_village_gets_404(client, worker_b, world):
    client.force_login(worker_b)
    for url in [
        f"/livelihoods/households/{world['household'].pk}/",
        f"/livelihoods/seekers/{world['seeker'].pk}/",
        f"/livelihoods/residents/{world['seeker'].resident_id}/seeker/",
    ]:
        assert client.get(url).status_code == 404, url


def test_analysts_and_responders_see_no_personal_page(client, analyst, responder, world):
    for persona in (analyst, responder):
        client.force_login(persona)
        assert client.get(f"/livelihoods/households/{world['household'].pk}/").status_code == 404
        assert client.get(f"/livelihoods/seekers/{world['seeker'].pk}/").status_code == 404
    client.force_login(analyst)
    body = client.get("/livelihoods/relapse/").content.decode()
    assert "data-flag=" not in body and "&lt;5" in body  # one flag: suppressed for analysts
    assert client.get("/livelihoods/outcomes/").status_code == 200


def test_the_supervisor_sees_counts_by_area_and_edits_rules(client, supervisor, world):
    client.force_login(supervisor)
    body = client.get("/livelihoods/relapse/").content.decode()
    assert 'data-rule="income_below"' in body and 'data-kind="trend"' in body
    from doorstep.livelihoods.models import RelapseRule

    rule = RelapseRule.objects.get(kind="income_below")
    client.post(f"/livelihoods/relapse/rules/{rule.pk}/", {"is_active": "on", "threshold": "2000"})
    rule.refresh_from_db()
    assert rule.threshold == 2000


def test_negative_income_comes_back_on_the_field_with_422_and_nothing_written(
    client, worker_a, world
):
    client.force_login(worker_a)
    before = IncomeRecord.objects.count()
    response = client.post(
        f"/livelihoods/households/{world['household'].pk}/income/",
        {"year": THIS_YEAR, "source": "farming", "amount": "-50"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    assert "An amount cannot be negative." in response.content.decode()
    assert IncomeRecord.objects.count() == before


def test_recording_income_on_the_page_flags_at_once(client, worker_b, team_leader, household_b):
    pairing_create(actor=team_leader, worker=worker_b, household=household_b, channel=CH)
    client.force_login(worker_b)
    response = client.post(
        f"/livelihoods/households/{household_b.pk}/income/",
        {"year": THIS_YEAR, "source": "farming", "amount": "2000"},
    )
    assert response.status_code == 302
    flag = RelapseFlag.objects.get(household=household_b)
    assert flag.need_id is not None
    assert HouseholdYear.objects.get(household=household_b).income_per_person == 2000
