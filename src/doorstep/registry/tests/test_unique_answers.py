"""Issue 18, defect 6: a uniqueness clash answers the same whether the record holding
the number is in the caller's area or not ("cannot be used", never "exists"), the audit
log records the clash, and pairing a worker outside the caller's scope answers like a
worker that does not exist."""

from __future__ import annotations

import datetime as dt

import pytest

from doorstep.accounts.models import Role
from doorstep.core.testing import make_household, make_id_number, make_user
from doorstep.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db

OTHER_ID = make_id_number(birth=dt.date(1980, 1, 2), sex="M", serial=77)


def _holder(areas, area_key, number, id_number=OTHER_ID):
    household = make_household(area=areas[area_key], household_no=number)
    head = household.residents.get(relationship="head")
    head.id_number = id_number
    head.save(update_fields=["id_number"])
    return household


def _patch_number(client, household, number):
    return client.patch(
        f"/api/v1/households/{household.pk}",
        {"version": household.version, "household_no": number},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.mark.parametrize("holder_area", ["village_a", "village_c"])
def test_changing_a_household_number_to_one_in_use_answers_alike_in_scope_or_not(
    client, areas, worker_a, household_a, holder_area
):
    holder = _holder(areas, holder_area, "652901009999-0001")
    client.force_login(worker_a)
    response = _patch_number(client, household_a, "652901009999-0001")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "household_no", "message": "This household number cannot be used."}
    ]
    event = AuditEvent.objects.get(action="clash")
    assert (event.actor, event.household_id) == (worker_a, holder.pk)
    assert event.detail == {"field": "household_no", "operation": "household_update"}


@pytest.mark.parametrize("holder_area", ["village_a", "village_c"])
def test_adding_a_resident_with_an_id_number_in_use_answers_alike(
    client, areas, worker_a, household_a, holder_area
):
    holder = _holder(areas, holder_area, "652901009999-0002")
    client.force_login(worker_a)
    response = client.post(
        f"/api/v1/households/{household_a.pk}/residents",
        {"name": "新人", "relationship": "child", "sex": "M", "id_number": OTHER_ID},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "id_number", "message": "This resident ID number cannot be used."}
    ]
    assert not household_a.residents.filter(name="新人").exists()
    event = AuditEvent.objects.get(action="clash")
    assert event.household_id == holder.pk


def test_pairing_a_worker_outside_scope_answers_like_a_nonexistent_worker(
    client, areas, team_leader, household_a
):
    outsider = make_user(role=Role.WORKER, area=areas["village_c"], username="outsider")
    client.force_login(team_leader)
    answers = []
    for worker_id in (outsider.pk, 10**9):
        response = client.post(
            "/api/v1/casework/pairings",
            {"household": household_a.pk, "worker": worker_id},
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
        answers.append((response.status_code, response.json()))
    assert answers[0] == answers[1]
    assert answers[0][0] == 422
    assert "outsider" not in str(answers[0][1])


def test_two_edits_of_one_resident_from_the_same_version_do_not_both_win(
    client, worker_a, team_leader, household_a
):
    """Issue 18, defect 9: resident edits carry a version, like households and needs."""
    from django.test import Client

    child = household_a.residents.exclude(relationship="head").first()
    url = f"/api/v1/households/{household_a.pk}/residents/{child.pk}"
    first, second = Client(), Client()
    first.force_login(worker_a)
    second.force_login(team_leader)
    version = first.get(f"/api/v1/households/{household_a.pk}").json()["residents"][1]["version"]
    one = first.patch(
        url, {"version": version, "occupation": "司机"}, content_type="application/json"
    )
    two = second.patch(
        url,
        {"version": version, "occupation": "厨师", "phone": "13900000000"},
        content_type="application/json",
    )
    assert one.status_code == 200 and one.json()["version"] == version + 1
    assert two.status_code == 409
    body = two.json()
    assert sorted(body["changed_fields"]) == ["occupation", "phone"]
    assert body["current"]["occupation"] == "司机"
    child.refresh_from_db()
    assert (child.occupation, child.version) == ("司机", version + 1)
    again = second.patch(
        url, {"version": version + 1, "occupation": "厨师"}, content_type="application/json"
    )
    assert again.status_code == 200
