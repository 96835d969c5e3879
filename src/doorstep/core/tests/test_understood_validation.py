"""Validation people understand (issue 17, item 6): a future birth date, a date range
that ends before it starts, a negative amount and a second head are each refused with
a translated message on the field concerned, by the page and by the API alike, with
the same words (one validator per rule: core.validators, registry.validators)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from doorstep.casework.models import Assistance
from doorstep.casework.tests.factories import open_need
from doorstep.core.tests.api_clients import ApiClient, assert_error
from doorstep.core.validators import BIRTH_DATE_MESSAGE, NEGATIVE_MESSAGE, ORDER_MESSAGE
from doorstep.livelihoods.models import CourseSession, IncomeRecord, JobOpening
from doorstep.livelihoods.tests.factories import employer
from doorstep.registry.models import Resident

pytestmark = pytest.mark.django_db
LANGUAGES = ["zh-hans", "ug"]
FUTURE = dt.date.today() + dt.timedelta(days=365 * 4)
SECOND_HEAD = "This household already has a head."
CLOSES_BEFORE_START = "Applications cannot close before the work starts."


def words(message, language: str) -> str:
    """The message as a reader of `language` sees it; never the English source."""
    with translation.override(language):
        text = str(translation.gettext(message) if isinstance(message, str) else message)
    with translation.override("en"):
        english = str(message)
    assert text != english, f"{english!r} is not translated into {language}"
    return text


def page_client(user, language: str) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(user)
    return client


def api(user, language: str) -> ApiClient:
    return ApiClient(user, HTTP_ACCEPT_LANGUAGE=language)


def field_errors(response, form_key: str, field: str) -> list[str]:
    return [str(e) for e in response.context[form_key].errors.get(field, [])]


def api_message(response, field: str) -> str:
    body = assert_error(response, 422, field)
    return next(e["message"] for e in body["errors"] if e["field"] == field)


# --- a birth date in the future -------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_future_birth_date_is_refused_on_its_field_by_the_page(language, worker_a, household_a):
    client = page_client(worker_a, language)
    before = Resident.objects.count()
    response = client.post(
        reverse("registry:resident_create", args=[household_a.pk]),
        {"name": "古丽", "relationship": "child", "birth_date": FUTURE.isoformat()},
    )
    assert response.status_code in (400, 422)
    assert field_errors(response, "form", "birth_date") == [words(BIRTH_DATE_MESSAGE, language)]
    assert escape(words(BIRTH_DATE_MESSAGE, language)) in response.content.decode()
    assert Resident.objects.count() == before


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_future_birth_date_is_refused_with_the_same_words_by_the_api(
    language, worker_a, household_a
):
    response = api(worker_a, language).post(
        f"/api/v1/households/{household_a.pk}/residents",
        {"name": "古丽", "relationship": "child", "birth_date": FUTURE.isoformat()},
    )
    assert api_message(response, "birth_date") == words(BIRTH_DATE_MESSAGE, language)


# --- a second head --------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_second_head_is_refused_on_the_relationship_by_the_page(language, worker_a, household_a):
    client = page_client(worker_a, language)
    url = reverse("registry:resident_create", args=[household_a.pk])
    # The form no longer proposes "head" for a new member.
    form = client.get(url).context["form"]
    assert form["relationship"].value() in (None, "")
    response = client.post(url, {"name": "艾力", "relationship": "head"})
    assert response.status_code in (400, 409, 422)
    assert field_errors(response, "form", "relationship") == [words(SECOND_HEAD, language)]
    conflict = "The record conflicts with an existing one."
    assert escape(words(conflict, language)) not in response.content.decode()
    assert household_a.residents.filter(relationship="head").count() == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_second_head_is_refused_on_the_relationship_by_the_api(language, worker_a, household_a):
    response = api(worker_a, language).post(
        f"/api/v1/households/{household_a.pk}/residents",
        {"name": "艾力", "relationship": "head"},
    )
    assert api_message(response, "relationship") == words(SECOND_HEAD, language)
    assert household_a.residents.filter(relationship="head").count() == 1


def test_the_head_may_still_be_edited(worker_a, household_a):
    head = household_a.residents.get(relationship="head")
    response = api(worker_a, "en").patch(
        f"/api/v1/households/{household_a.pk}/residents/{head.pk}",
        {"occupation": "农民", "version": head.version},
    )
    assert response.status_code == 200, response.content


# --- inverted date ranges -------------------------------------------------------------


def _opening_form(emp, area, **dates) -> dict:
    today = dt.date.today()
    return {
        "employer": emp.pk,
        "title": "缝纫工",
        "work_type": "full_time",
        "area": area.pk,
        "wage_monthly": "3500",
        "posts": "2",
        "starts_on": today.isoformat(),
        "closes_on": (today - dt.timedelta(days=5)).isoformat(),
        **dates,
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_opening_whose_applications_close_before_it_starts_is_refused_by_the_page(
    language, team_leader, areas
):
    emp = employer(team_leader, areas["village_a"])
    client = page_client(team_leader, language)
    response = client.post(
        reverse("livelihoods:opening_create"), _opening_form(emp, areas["village_a"])
    )
    assert response.status_code in (400, 422)
    expected = words(CLOSES_BEFORE_START, language)
    assert field_errors(response, "form", "closes_on") == [expected]
    assert not JobOpening.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_opening_whose_applications_close_before_it_starts_is_refused_by_the_api(
    language, team_leader, areas
):
    emp = employer(team_leader, areas["village_a"])
    body = _opening_form(emp, areas["village_a"])
    body.pop("work_type")
    body["posts"] = 2
    response = api(team_leader, language).post("/api/v1/livelihoods/openings", body)
    assert api_message(response, "closes_on") == words(CLOSES_BEFORE_START, language)
    assert not JobOpening.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_course_session_ending_before_it_starts_is_refused_by_the_api(
    language, team_leader, areas
):
    from doorstep.livelihoods.models import Course
    from doorstep.livelihoods.tests.factories import skill

    course = Course.objects.create(skill=skill("tailoring"), title="缝纫培训班")
    today = dt.date.today()
    response = api(team_leader, language).post(
        "/api/v1/livelihoods/sessions",
        {
            "course": course.pk,
            "trainer": "古丽",
            "area": areas["township"].pk,
            "starts_on": today.isoformat(),
            "ends_on": (today - dt.timedelta(days=1)).isoformat(),
            "capacity": 10,
        },
    )
    assert api_message(response, "ends_on") == words(ORDER_MESSAGE, language)
    assert not CourseSession.objects.exists()


# --- negative amounts -----------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_negative_income_is_refused_by_the_page_and_the_api(language, worker_a, household_a):
    expected = words(NEGATIVE_MESSAGE, language)
    client = page_client(worker_a, language)
    response = client.post(
        reverse("livelihoods:income_set", args=[household_a.pk]),
        {"year": dt.date.today().year, "source": "wages", "amount": "-100"},
    )
    assert response.status_code in (400, 422)
    assert field_errors(response, "income_form", "amount") == [expected]
    response = api(worker_a, language).call(
        "PUT",
        f"/api/v1/livelihoods/households/{household_a.pk}/income",
        {"year": dt.date.today().year, "source": "wages", "amount": "-100"},
    )
    assert api_message(response, "amount") == expected
    assert not IncomeRecord.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_negative_household_income_is_refused_by_the_page_and_the_api(
    language, worker_a, household_a
):
    expected = words(NEGATIVE_MESSAGE, language)
    client = page_client(worker_a, language)
    form = client.get(reverse("registry:household_edit", args=[household_a.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "area"}
    data.update(area=household_a.area_id, annual_income="-1", vulnerabilities=[])
    response = client.post(reverse("registry:household_edit", args=[household_a.pk]), data)
    assert response.status_code in (400, 422)
    assert field_errors(response, "form", "annual_income") == [expected]
    response = api(worker_a, language).patch(
        f"/api/v1/households/{household_a.pk}",
        {"annual_income": "-1", "version": household_a.version},
    )
    assert api_message(response, "annual_income") == expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_negative_assistance_is_refused_by_the_page_and_the_api(language, worker_a, household_a):
    expected = words(NEGATIVE_MESSAGE, language)
    need = open_need(actor=worker_a, household=household_a, category="medical_costs")
    client = page_client(worker_a, language)
    response = client.post(
        reverse("casework:need_assistance", args=[need.pk]),
        {"kind": "benefit", "benefit_type": "serious_illness", "amount": "-5"},
        follow=True,
    )
    assert escape(expected) in response.content.decode()
    response = api(worker_a, language).post(
        f"/api/v1/casework/needs/{need.pk}/assistance",
        {"kind": "benefit", "benefit_type": "serious_illness", "amount": "-5"},
    )
    assert api_message(response, "amount") == expected
    assert not Assistance.objects.exists()
