"""Issue #13: a person's vulnerability (disability, widowed elderly, left-behind child...)
is recorded on the resident, a household's (low income, five-guarantee) on the
household; through the API, by every persona, with bad input refused whole."""

from __future__ import annotations

import pytest
from django.utils import translation

from doorstep.core.tests.api_clients import ApiClient, assert_error
from doorstep.privacy.models import AuditEvent
from doorstep.registry.models import HouseholdVulnerability, Resident

pytestmark = pytest.mark.django_db

URL = "/api/v1/households"
ALL = ["worker_a", "worker_b", "team_leader", "supervisor", "analyst", "responder", "administrator"]
EDITORS_OF_A = {"worker_a", "team_leader", "supervisor", "administrator"}


def _member(household) -> Resident:
    return household.residents.exclude(relationship="head").order_by("pk").first()


def _facts(household) -> set[tuple[int | None, str, bool]]:
    return set(
        HouseholdVulnerability.objects.filter(household=household).values_list(
            "resident_id", "category", "inferred"
        )
    )


@pytest.mark.parametrize("persona", ALL)
def test_each_persona_sets_a_members_categories_only_in_scope(request, persona, household_a):
    member = _member(household_a)
    client = ApiClient(request.getfixturevalue(persona))
    response = client.patch(
        f"{URL}/{household_a.pk}/residents/{member.pk}",
        {"version": member.version, "vulnerabilities": ["disability", "serious_illness"]},
    )
    if persona in EDITORS_OF_A:
        assert response.status_code == 200, response.content
        assert response.json()["vulnerabilities"] == ["disability", "serious_illness"]
        assert _facts(household_a) == {
            (member.pk, "disability", False),
            (member.pk, "serious_illness", False),
        }
        event = AuditEvent.objects.filter(object_type="resident", object_id=str(member.pk)).last()
        assert event.detail["vulnerabilities"]["added"] == ["disability", "serious_illness"]
    else:
        assert response.status_code in (403, 404)
        assert _facts(household_a) == set()


def test_a_household_shows_its_own_categories_and_each_members(worker_a, household_a):
    member = _member(household_a)
    client = ApiClient(worker_a)
    client.patch(
        f"{URL}/{household_a.pk}/residents/{member.pk}",
        {"version": member.version, "vulnerabilities": ["disability"]},
    )
    client.patch(f"{URL}/{household_a.pk}", {"version": 2, "vulnerabilities": ["low_income"]})
    body = client.get(f"{URL}/{household_a.pk}").json()
    assert body["vulnerabilities"] == ["low_income"]
    by_id = {r["id"]: r["vulnerabilities"] for r in body["residents"]}
    assert by_id[member.pk] == ["disability"]
    assert sum(len(v) for v in by_id.values()) == 1
    # The list shows the household's and its members' categories; the filter finds both.
    listed = client.get(f"{URL}?vulnerability=disability").json()["items"]
    assert [i["id"] for i in listed] == [household_a.pk]
    assert listed[0]["vulnerabilities"] == ["disability", "low_income"]


def test_two_members_can_each_have_a_disability(worker_a, household_a):
    client = ApiClient(worker_a)
    for resident in household_a.residents.all():
        response = client.patch(
            f"{URL}/{household_a.pk}/residents/{resident.pk}",
            {"version": resident.version, "vulnerabilities": ["disability"]},
        )
        assert response.status_code == 200, response.content
    assert HouseholdVulnerability.objects.filter(category="disability").count() == 3
    listed = client.get(f"{URL}?vulnerability=disability").json()["items"]
    assert [i["vulnerabilities"] for i in listed] == [["disability"]]


def test_a_new_member_is_added_with_their_categories(worker_a, household_a):
    response = ApiClient(worker_a).post(
        f"{URL}/{household_a.pk}/residents",
        {
            "name": "吐尔逊·艾力",
            "relationship": "grandchild",
            "vulnerabilities": ["left_behind_child"],
        },
    )
    assert response.status_code == 201, response.content
    resident = Resident.objects.get(pk=response.json()["id"])
    assert _facts(household_a) == {(resident.pk, "left_behind_child", False)}


def test_saving_a_member_confirms_an_inferred_category_and_moving_it_is_two_saves(
    worker_a, household_a
):
    head = household_a.residents.get(relationship="head")
    grandmother = _member(household_a)
    HouseholdVulnerability.objects.create(
        household=household_a, resident=head, category="widowed_elderly", inferred=True
    )
    client = ApiClient(worker_a)
    body = client.get(f"{URL}/{household_a.pk}").json()
    assert body["residents"][0]["vulnerabilities_inferred"] == ["widowed_elderly"]
    client.patch(
        f"{URL}/{household_a.pk}/residents/{head.pk}",
        {"version": head.version, "vulnerabilities": []},
    )
    client.patch(
        f"{URL}/{household_a.pk}/residents/{grandmother.pk}",
        {"version": grandmother.version, "vulnerabilities": ["widowed_elderly"]},
    )
    assert _facts(household_a) == {(grandmother.pk, "widowed_elderly", False)}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        # A household's category on a member, a person's on the household.
        ("member", {"vulnerabilities": ["low_income"]}, "vulnerabilities"),
        ("member", {"vulnerabilities": ["five_guarantee", "disability"]}, "vulnerabilities"),
        ("household", {"version": 1, "vulnerabilities": ["disability"]}, "vulnerabilities"),
        ("member", {"vulnerabilities": ["rich"]}, "vulnerabilities.0"),
        ("member", {"vulnerabilities": "disability"}, "vulnerabilities"),
        (
            "new",
            {"name": "x", "relationship": "child", "vulnerabilities": ["low_income"]},
            "vulnerabilities",
        ),
    ],
)
def test_a_category_in_the_wrong_place_is_refused_naming_the_field_and_nothing_is_written(
    worker_a, household_a, path, body, field
):
    member = _member(household_a)
    url = {
        "member": f"{URL}/{household_a.pk}/residents/{member.pk}",
        "household": f"{URL}/{household_a.pk}",
        "new": f"{URL}/{household_a.pk}/residents",
    }[path]
    if path == "member":
        body = {**body, "version": member.version}  # residents carry a version (issue 18)
    client = ApiClient(worker_a)
    before = (household_a.residents.count(), AuditEvent.objects.exclude(action="view").count())
    with translation.override("zh-hans"):
        response = (client.post if path == "new" else client.patch)(
            url, body, HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
    error = assert_error(response, 422, field)
    assert _facts(household_a) == set()
    assert (
        household_a.residents.count(),
        AuditEvent.objects.exclude(action="view").count(),
    ) == before
    household_a.refresh_from_db()
    assert household_a.version == 1
    if field == "vulnerabilities":  # our own message, translated
        message = next(e["message"] for e in error["errors"] if e["field"] == field)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message


# --- pages -------------------------------------------------------------------------


def test_a_worker_confirms_a_members_category_on_the_member_form(client, worker_a, household_a):
    head = household_a.residents.get(relationship="head")
    HouseholdVulnerability.objects.create(
        household=household_a, resident=head, category="widowed_elderly", inferred=True
    )
    client.force_login(worker_a)
    page = client.get(f"/households/{household_a.pk}/").content.decode()
    assert f'data-resident-vulnerabilities="{head.pk}"' in page
    assert 'data-inferred="widowed_elderly"' in page
    form = client.get(f"/households/{household_a.pk}/residents/{head.pk}/edit/").content.decode()
    assert 'value="widowed_elderly"' in form and 'value="low_income"' not in form
    response = client.post(
        f"/households/{household_a.pk}/residents/{head.pk}/edit/",
        {
            "name": head.name,
            "relationship": "head",
            "sex": "M",
            "version": head.version,
            "vulnerabilities": ["widowed_elderly", "disability"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _facts(household_a) == {
        (head.pk, "widowed_elderly", False),
        (head.pk, "disability", False),
    }
    assert "data-inferred" not in client.get(f"/households/{household_a.pk}/").content.decode()


def test_the_household_form_offers_only_the_households_own_categories(
    client, worker_a, household_a
):
    client.force_login(worker_a)
    form = client.get(f"/households/{household_a.pk}/edit/").content.decode()
    assert 'value="low_income"' in form and 'value="disability"' not in form
    response = client.post(
        f"/households/{household_a.pk}/edit/",
        {
            "household_no": household_a.household_no,
            "area": household_a.area_id,
            "version": 1,
            "vulnerabilities": ["disability"],
        },
    )
    assert response.status_code == 400
    assert _facts(household_a) == set()


def test_a_household_category_on_the_member_form_is_refused(client, worker_a, household_a):
    member = _member(household_a)
    client.force_login(worker_a)
    response = client.post(
        f"/households/{household_a.pk}/residents/{member.pk}/edit/",
        {
            "name": member.name,
            "relationship": member.relationship,
            "vulnerabilities": ["low_income"],
        },
    )
    assert response.status_code == 400
    assert _facts(household_a) == set()
