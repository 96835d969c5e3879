"""The visit policy page: team leaders read the policies of their scope, supervisors
and administrators also set them; every other persona gets 404. A bad form is 400
and writes nothing; a saved policy moves the due dates of the area's households."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from doorstep.casework.models import ContactSchedule, VisitPolicy
from doorstep.casework.services import pairing_create, visit_policy_set

pytestmark = pytest.mark.django_db

URL = "/casework/policies/"
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


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_lives_under_casework():
    assert reverse("casework:visit_policies") == URL


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_team_leaders_supervisors_and_administrators_open_the_page(request, persona):
    user = request.getfixturevalue(persona)
    response = _client(user).get(URL)
    assert response.status_code == (200 if persona in READERS else 404)
    if persona in READERS:
        has_form = 'name="interval_days"' in response.content.decode()
        assert has_form == (persona in SETTERS)


def test_anonymous_is_sent_to_sign_in():
    response = Client().get(URL)
    assert response.status_code == 302 and "login" in response.url


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_supervisors_and_administrators_set_a_policy(request, persona, areas):
    user = request.getfixturevalue(persona)
    response = _client(user).post(
        URL,
        {"area": [areas["township"].pk], "interval_days": 30, "vulnerable_interval_days": 7},
    )
    if persona in SETTERS:
        assert response.status_code == 302
        policy = VisitPolicy.objects.get(area=areas["township"])
        assert (policy.interval_days, policy.vulnerable_interval_days, policy.updated_by) == (
            30,
            7,
            user,
        )
    else:
        assert response.status_code == (403 if persona in READERS else 404)
        assert not VisitPolicy.objects.exists()


def test_the_list_shows_the_default_then_the_policies_set_below(supervisor, team_leader, areas):
    body = _client(team_leader).get(URL).content.decode()
    assert 'data-source="default"' in body and ">60<" in body and ">14<" in body
    visit_policy_set(
        actor=supervisor,
        area=areas["county"],
        interval_days=45,
        vulnerable_interval_days=10,
        channel="t",
    )
    visit_policy_set(
        actor=supervisor,
        area=areas["village_a"],
        interval_days=20,
        vulnerable_interval_days=5,
        channel="t",
    )
    visit_policy_set(
        actor=supervisor,
        area=areas["village_c"],  # another township: not the team leader's
        interval_days=21,
        vulnerable_interval_days=6,
        channel="t",
    )
    body = _client(team_leader).get(URL).content.decode()
    assert f'data-area="{areas["township"].pk}" data-source="inherited"' in body
    assert ">45<" in body and f'data-area="{areas["village_a"].pk}" data-source="set"' in body
    assert areas["village_c"].name not in body and ">21<" not in body
    assert "supervisor" in body


def test_the_list_costs_a_fixed_number_of_queries(supervisor, areas, django_assert_num_queries):
    for name in ("village_a", "village_b", "village_c"):
        visit_policy_set(
            actor=supervisor,
            area=areas[name],
            interval_days=30,
            vulnerable_interval_days=7,
            channel="t",
        )
    client = _client(supervisor)
    client.get(URL)
    with django_assert_num_queries(5):  # session, user, area, policies, one picker level
        client.get(URL)


def test_the_area_picker_stays_within_the_scope(supervisor, areas):
    body = _client(supervisor).get(URL).content.decode()
    assert areas["township"].name in body and areas["region"].name not in body
    response = _client(supervisor).post(
        URL, {"area": [areas["region"].pk], "interval_days": 30, "vulnerable_interval_days": 7}
    )
    assert response.status_code == 400
    assert not VisitPolicy.objects.exists()


def test_no_area_chosen_means_the_callers_own_area(supervisor, areas):
    response = _client(supervisor).post(
        URL, {"area": [""], "interval_days": 30, "vulnerable_interval_days": 7}
    )
    assert response.status_code == 302
    assert VisitPolicy.objects.get().area == areas["county"]


@pytest.mark.parametrize(
    ("interval", "vulnerable", "field"),
    [
        (0, 0, "interval_days"),
        (366, 14, "interval_days"),
        (60, 0, "vulnerable_interval_days"),
        (30, 40, "vulnerable_interval_days"),
        ("", 14, "interval_days"),
        ("abc", 14, "interval_days"),
    ],
)
def test_a_bad_policy_is_400_names_the_field_and_writes_nothing(
    supervisor, areas, interval, vulnerable, field
):
    client = _client(supervisor)
    client.cookies["django_language"] = "en"
    response = client.post(
        URL,
        {
            "area": [areas["township"].pk],
            "interval_days": interval,
            "vulnerable_interval_days": vulnerable,
        },
    )
    assert response.status_code == 400
    assert not VisitPolicy.objects.exists()
    errors = response.context["form"].errors
    assert field in errors
    label = str(VisitPolicy._meta.get_field(field).verbose_name)
    assert all(label in message for message in errors[field])


def test_the_message_is_translated(supervisor, areas):
    client = _client(supervisor)
    client.cookies["django_language"] = "zh-hans"
    response = client.post(
        URL,
        {"area": [areas["township"].pk], "interval_days": 30, "vulnerable_interval_days": 40},
    )
    assert response.status_code == 400
    message = response.context["form"].errors["vulnerable_interval_days"][0]
    assert "vulnerable" not in message and message


def test_setting_a_policy_moves_the_next_due_date_of_a_household_in_the_area(
    supervisor, team_leader, worker_a, household_a, django_capture_on_commit_callbacks
):
    started = dt.date.today() - dt.timedelta(days=3)
    pairing_create(
        actor=team_leader, worker=worker_a, household=household_a, started_on=started, channel="t"
    )
    schedule = ContactSchedule.objects.get(household=household_a)
    assert schedule.next_due_on == started + dt.timedelta(days=60)
    client = _client(supervisor)
    # The recomputation is queued on commit and run at once by the tests' task backend.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL,
            {"area": [household_a.area_id], "interval_days": 30, "vulnerable_interval_days": 7},
        )
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert (schedule.interval_days, schedule.next_due_on) == (
        30,
        started + dt.timedelta(days=30),
    )


def test_the_overdue_page_links_here_for_readers_only(team_leader, analyst):
    assert URL in _client(team_leader).get(reverse("casework:overdue")).content.decode()
    assert URL not in _client(analyst).get(reverse("casework:overdue")).content.decode()


def test_the_page_has_no_inline_script_or_style(supervisor):
    body = _client(supervisor).get(URL).content.decode()
    assert "<script>" not in body and "<style" not in body and ' style="' not in body
    assert " onchange=" not in body and " onclick=" not in body


@pytest.mark.parametrize("language", ["zh-hans", "ug"])
def test_the_page_does_not_mix_english_in(supervisor, areas, language):
    from doorstep.registry.tests.test_i18n import english_leftovers, messages

    catalogue = [e["msgid"] for e in messages("zh_Hans")]
    visit_policy_set(
        actor=supervisor,
        area=areas["village_a"],
        interval_days=20,
        vulnerable_interval_days=5,
        channel="t",
    )
    client = _client(supervisor)
    client.cookies["django_language"] = language
    assert not english_leftovers(client.get(URL).content.decode(), catalogue)
    bad = client.post(URL, {"area": [""], "interval_days": 30, "vulnerable_interval_days": 40})
    assert bad.status_code == 400
    assert not english_leftovers(bad.content.decode(), catalogue)
