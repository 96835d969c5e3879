"""The holiday roster page: a team leader plans a whole holiday in one go; every
persona is tried; bad input is a message naming what is wrong, and nothing is saved."""

import datetime as dt

import pytest

from doorstep.hotline.models import DutyShift, Holiday, HolidayKind, ShiftRole


@pytest.fixture(autouse=True)
def _english_pages(client):
    # These tests read the English source messages; pages default to Chinese.
    client.cookies["django_language"] = "en"


URL = "/hotline/roster/holidays/"


@pytest.fixture
def festival(db):
    today = dt.date.today()
    return Holiday.objects.create(
        kind=HolidayKind.SPRING_FESTIVAL,
        starts_on=today + dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=32),
    )


def test_team_leader_plans_a_holiday_and_sees_it_covered(
    client, team_leader, worker_a, officer_a2, office, festival
):
    client.force_login(team_leader)
    page = client.get(f"{URL}?office={office.pk}")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="officers"' in body and f'value="{worker_a.pk}"' in body
    r = client.post(
        f"{URL}?office={office.pk}",
        {
            "holiday": festival.pk,
            "shift_hours": "12",
            "officers": [worker_a.pk, officer_a2.pk],
            "leaders": [team_leader.pk],
        },
    )
    assert r.status_code == 302
    shifts = DutyShift.objects.filter(holiday=festival, office=office)
    # 3 days × 2 twelve-hour shifts, plus a leader each day.
    assert shifts.filter(role=ShiftRole.OFFICER).count() == 6
    assert shifts.filter(role=ShiftRole.LEADER).count() == 3
    shown = client.get(r["Location"]).content.decode()
    assert 'data-gaps="0"' in shown and "6" in shown


@pytest.mark.parametrize(
    ("post", "field_text"),
    [
        ({"holiday": "999999", "shift_hours": "8"}, "holiday"),
        ({"shift_hours": "7"}, "6, 8, 12"),
        ({"shift_hours": "8", "officers": []}, "officer"),
        ({"shift_hours": "8", "officers": ["999999"]}, "list"),
    ],
)
def test_bad_input_is_a_message_and_nothing_is_saved(
    client, team_leader, worker_a, office, festival, post, field_text
):
    client.force_login(team_leader)
    data = {"holiday": festival.pk, "officers": [worker_a.pk], **post}
    r = client.post(f"{URL}?office={office.pk}", data)
    assert r.status_code == 422
    assert field_text in " ".join(str(m) for m in r.context["messages"])
    assert not DutyShift.objects.exists()


def test_a_clash_with_a_planned_shift_saves_nothing(
    client, team_leader, worker_a, office, festival
):
    client.force_login(team_leader)
    data = {"holiday": festival.pk, "shift_hours": "8", "officers": [worker_a.pk]}
    assert client.post(f"{URL}?office={office.pk}", data).status_code == 302
    count = DutyShift.objects.count()
    r = client.post(f"{URL}?office={office.pk}", data)
    assert r.status_code == 422 and DutyShift.objects.count() == count


@pytest.mark.parametrize("persona", ["worker_a", "supervisor", "administrator"])
def test_staff_of_the_area_see_the_page_only_leaders_plan(
    client, request, persona, office, festival, worker_a
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    body = client.get(f"{URL}?office={office.pk}").content.decode()
    assert f'data-holiday="{festival.pk}"' in body
    r = client.post(
        f"{URL}?office={office.pk}",
        {"holiday": festival.pk, "shift_hours": "8", "officers": [worker_a.pk]},
    )
    if persona == "worker_a":
        assert 'name="officers"' not in body
        assert r.status_code == 422 and not DutyShift.objects.exists()
    else:
        assert r.status_code == 302


@pytest.mark.parametrize("persona", ["worker_b", "analyst", "responder"])
def test_outsiders_get_404(client, request, persona, office, festival):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"{URL}?office={office.pk}").status_code == 404
    assert client.post(f"{URL}?office={office.pk}", {"holiday": festival.pk}).status_code == 404
