"""Locale-correct words (issue 17, item 2): languages by their names in the page's
language and picked from ticked boxes, choices stored as codes shown as labels, staff
by their names in their culture's order (never the user name alone), a welfare round's
name not labelled as a person's name."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from doorstep.casework.services import pairing_create
from doorstep.core.languages import LanguagesField, language_names
from doorstep.core.names import full_name
from doorstep.livelihoods import services as livelihoods
from doorstep.registry.models import Household

pytestmark = pytest.mark.django_db


def _client(user, language: str) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("language", "shown"),
    [("zh-hans", "汉语、维吾尔语"), ("ug", "خەنزۇچە، ئۇيغۇرچە"), ("en", "Chinese, Uyghur")],
)
def test_the_household_page_names_its_languages_in_the_pages_language(
    language, shown, worker_a, household_a
):
    Household.objects.filter(pk=household_a.pk).update(languages="zh,ug")
    page = _client(worker_a, language).get(reverse("registry:household", args=[household_a.pk]))
    body = page.content.decode()
    assert shown in body
    assert not re.search(r"<dd>\s*zh,ug\s*</dd>", body)


def test_the_household_form_offers_languages_as_ticked_boxes(worker_a, household_a):
    client = _client(worker_a, "zh-hans")
    url = reverse("registry:household_edit", args=[household_a.pk])
    response = client.get(url)
    body = response.content.decode()
    assert 'type="checkbox" name="languages" value="ug"' in body
    assert "汉语" in body and "zh, ug" not in body  # no "type codes separated by commas"
    form = response.context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "area"}
    data.update(area=household_a.area_id, languages=["ug", "zh"], vulnerabilities=[])
    assert client.post(url, data).status_code == 302
    household_a.refresh_from_db()
    assert household_a.languages == "ug,zh"


def test_the_languages_field_takes_ticked_boxes_and_typed_codes_alike():
    field = LanguagesField()
    assert field.clean(["zh", "ug"]) == "zh,ug"
    assert field.clean(["zh, ug"]) == "zh,ug"  # an older client's typed codes
    assert field.clean([]) == ""
    assert field.prepare_value("zh,ug") == ["zh", "ug"]
    with pytest.raises(Exception, match="xx"):
        field.clean(["xx"])


def test_unknown_language_codes_are_shown_as_they_are():
    with translation.override("en"):
        assert language_names("zh,xx") == "Chinese, xx"
        assert language_names("") == ""


@pytest.mark.parametrize("language", ["zh-hans", "ug", "en"])
def test_a_cooperatives_sales_channels_show_as_labels(language, team_leader, areas):
    cooperative = livelihoods.cooperative_create(
        actor=team_leader,
        name="红枣合作社",
        area=areas["village_a"],
        products="红枣",
        founded_on=dt.date(2020, 1, 1),
        sales_channels=["local", "online"],
        channel="t",
    )
    body = (
        _client(team_leader, language)
        .get(reverse("livelihoods:cooperative", args=[cooperative.pk]))
        .content.decode()
    )
    assert "local,online" not in body
    with translation.override(language):
        labels = cooperative.sales_channel_labels
    assert len(labels) == 2 and all(label in body for label in labels)
    if language != "en":
        assert "Online" not in labels


def test_names_follow_each_cultures_order():
    assert full_name("王", "建国") == "王建国"
    assert full_name("", "艾力·买买提") == "艾力·买买提"
    assert full_name("Smith", "Anna") == "Smith Anna"


def test_the_pairing_screen_lists_workers_by_name_not_user_name(team_leader, worker_a, household_a):
    worker_a.last_name, worker_a.first_name = "王", "建国"
    worker_a.save(update_fields=["last_name", "first_name"])
    pairing_create(actor=team_leader, worker=worker_a, household=household_a, channel="t")
    body = (
        _client(team_leader, "zh-hans")
        .get(reverse("casework:pairings"), {"area": household_a.area_id})
        .content.decode()
    )
    assert "王建国" in body
    # The user name appears only beside the name (to tell two 王建国 apart), never alone.
    assert not re.search(r">\s*worker_a\s*<", body)


@pytest.mark.parametrize(("language", "label"), [("zh-hans", "轮次名称"), ("ug", "قېتىم نامى")])
def test_a_welfare_rounds_name_is_not_labelled_as_a_persons_name(language, label, team_leader):
    body = (
        _client(team_leader, language).get(reverse("casework:welfare_round_new")).content.decode()
    )
    assert label in body
    assert not re.search(r'<label[^>]*for="id_name"[^>]*>\s*姓名', body)
