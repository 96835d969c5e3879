"""/api/v1/casework/visit-policies: every persona reads and sets; 404 outside the
scope or role, 403 for team leaders (who read but may not set), 422 naming the field,
Idempotency-Key replays, and a set policy moving a household's next due date."""

import datetime as dt
import uuid

import pytest

from doorstep.casework.models import ContactSchedule, VisitPolicy
from doorstep.casework.services import pairing_create, visit_policy_set
from doorstep.core.tests.api_clients import ApiClient, assert_error
from doorstep.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db

BASE = "/api/v1/casework/visit-policies"
PERSONAS = [
    "worker_a",
    "worker_b",
    "team_leader",
    "supervisor",
    "analyst",
    "responder",
    "administrator",
]
READERS = {"team_leader", "supervisor", "administrator"}
SETTERS = {"supervisor", "administrator"}
GOOD = {"interval_days": 30, "vulnerable_interval_days": 7}


class _Put(ApiClient):
    def put(self, path, body=None, **extra):
        return self.call("PUT", path, body, **extra)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_persona_reads_the_list_or_gets_404(request, persona, areas):
    user = request.getfixturevalue(persona)
    response = ApiClient(user).get(BASE)
    if persona in READERS:
        assert response.status_code == 200
        first = response.json()["items"][0]
        assert first["area"] == user.area_id and first["source"] == "default"
        assert (first["interval_days"], first["vulnerable_interval_days"]) == (60, 14)
    else:
        assert_error(response, 404)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_persona_sets_a_policy_in_the_township_or_is_refused(request, persona, areas):
    user = request.getfixturevalue(persona)
    response = _Put(user).put(f"{BASE}/{areas['township'].pk}", GOOD)
    if persona in SETTERS:
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["area"] == areas["township"].pk and body["source"] == "set"
        assert body["updated_by"]["id"] == user.pk and body["interval_days"] == 30
        assert AuditEvent.objects.filter(object_type="visit_policy").exists()
    else:
        assert_error(response, 403 if persona in READERS else 404)
        assert not VisitPolicy.objects.exists()


def test_anonymous_gets_401():
    assert_error(ApiClient().get(BASE), 401)
    assert_error(_Put().put(f"{BASE}/1", GOOD), 401)


def test_an_area_outside_the_scope_is_404_even_for_a_supervisor(supervisor, team_leader, areas):
    assert_error(_Put(supervisor).put(f"{BASE}/{areas['region'].pk}", GOOD), 404)
    assert_error(_Put(team_leader).put(f"{BASE}/{areas['village_c'].pk}", GOOD), 404)
    assert_error(_Put(supervisor).put(f"{BASE}/999999", GOOD), 404)
    assert not VisitPolicy.objects.exists()


def test_the_list_holds_only_policies_in_scope(supervisor, team_leader, areas):
    for name, days in (("county", 45), ("village_a", 20), ("village_c", 21)):
        visit_policy_set(
            actor=supervisor,
            area=areas[name],
            interval_days=days,
            vulnerable_interval_days=5,
            channel="t",
        )
    items = ApiClient(team_leader).get(BASE).json()["items"]
    assert [(i["area"], i["source"], i["interval_days"]) for i in items] == [
        (areas["township"].pk, "inherited", 45),
        (areas["village_a"].pk, "set", 20),
    ]
    items = ApiClient(supervisor).get(BASE).json()["items"]
    assert [i["source"] for i in items] == ["set", "set", "set"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"interval_days": 0, "vulnerable_interval_days": 1}, "interval_days"),
        ({"interval_days": 366, "vulnerable_interval_days": 1}, "interval_days"),
        ({"interval_days": 60, "vulnerable_interval_days": 0}, "vulnerable_interval_days"),
        ({"interval_days": 30, "vulnerable_interval_days": 40}, "vulnerable_interval_days"),
        ({"vulnerable_interval_days": 14}, "interval_days"),
        ({"interval_days": "often", "vulnerable_interval_days": 14}, "interval_days"),
        ({**GOOD, "extra": 1}, "extra"),
    ],
)
def test_bad_input_is_422_with_the_field_named(supervisor, areas, body, field):
    response = _Put(supervisor).put(f"{BASE}/{areas['township'].pk}", body)
    assert_error(response, 422, field)
    assert not VisitPolicy.objects.exists()


def test_a_replayed_key_sets_once_and_answers_the_same(supervisor, areas):
    client = _Put(supervisor)
    key = str(uuid.uuid4())
    url = f"{BASE}/{areas['township'].pk}"
    first = client.put(url, GOOD, HTTP_IDEMPOTENCY_KEY=key)
    again = client.put(url, GOOD, HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert AuditEvent.objects.filter(object_type="visit_policy").count() == 1
    other = client.put(url, {**GOOD, "interval_days": 40}, HTTP_IDEMPOTENCY_KEY=key)
    assert_error(other, 422, "Idempotency-Key")
    assert VisitPolicy.objects.get().interval_days == 30


def test_setting_a_policy_moves_the_next_due_date_of_a_household_in_the_area(
    supervisor, team_leader, worker_a, household_a, areas, django_capture_on_commit_callbacks
):
    started = dt.date.today() - dt.timedelta(days=3)
    pairing_create(
        actor=team_leader, worker=worker_a, household=household_a, started_on=started, channel="t"
    )
    assert ContactSchedule.objects.get(household=household_a).interval_days == 60
    with django_capture_on_commit_callbacks(execute=True):
        response = _Put(supervisor).put(f"{BASE}/{areas['township'].pk}", GOOD)
    assert response.status_code == 200
    schedule = ContactSchedule.objects.get(household=household_a)
    assert (schedule.interval_days, schedule.next_due_on) == (30, started + dt.timedelta(days=30))
