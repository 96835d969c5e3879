"""Texts Doorstep writes itself are stored as a code with parameters and put into words
in the reader's language (issue 17, item 2): a need the relapse watch opens, a welfare
check's need, "… paid." on a timeline and in a notification, the watch's proposal. The
data migrations turn sentences already stored into codes."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import re

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from doorstep.casework.models import Need, NeedEvent, Notification
from doorstep.casework.services import pairing_create
from doorstep.core.tests.api_clients import ApiClient
from doorstep.core.texts import _TEXTS, Text, render_text
from doorstep.livelihoods import services as livelihoods
from doorstep.livelihoods.models import RelapseFlag

pytestmark = pytest.mark.django_db
THIS_YEAR = dt.date.today().year
HAN = re.compile(r"[\u4e00-\u9fff]")
ARABIC = re.compile(r"[\u0600-\u06ff]")


def _relapse_need(worker_a, team_leader, household_a) -> Need:
    pairing_create(actor=team_leader, worker=worker_a, household=household_a, channel="t")
    # 3 members, 16,539.60 a year: 5,513.20 per person, under the 7,500 threshold.
    livelihoods.income_record_set(
        actor=team_leader,
        household=household_a,
        year=THIS_YEAR,
        source="wages",
        amount="16539.60",
        channel="t",
    )
    flag = RelapseFlag.objects.get(household=household_a)
    return Need.objects.get(pk=flag.need_id)


def test_the_relapse_need_is_stored_as_codes_with_its_figures(worker_a, team_leader, household_a):
    need = _relapse_need(worker_a, team_leader, household_a)
    assert need.title_code == "livelihoods.relapse_one"
    assert need.title_params == {"rule": "income_below"}
    assert need.description_code == "livelihoods.relapse_flags"
    (facts,) = need.description_params["flags"]
    assert facts["rule"] == "income_below" and facts["year"] == THIS_YEAR
    json.dumps(need.title_params), json.dumps(need.description_params)  # plain values
    # The words in the office's language stay beside the code (exports, search, SMS).
    assert need.title == "返贫监测：人均收入低于标准"
    assert f"{THIS_YEAR} 年人均收入为 5,513 元" in need.description


@pytest.mark.parametrize(
    ("language", "title", "figures"),
    [
        ("en", "Relapse watch: Income per person below a threshold", "5,513 yuan"),
        ("ug", None, "5,513"),
        ("zh-hans", "返贫监测：人均收入低于标准", "5,513 元"),
    ],
)
def test_the_relapse_need_reads_in_the_readers_language_on_page_and_api(
    language, title, figures, worker_a, team_leader, household_a
):
    need = _relapse_need(worker_a, team_leader, household_a)
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(worker_a)
    page = client.get(reverse("casework:need", args=[need.pk])).content.decode()
    api = ApiClient(worker_a, HTTP_ACCEPT_LANGUAGE=language)
    body = api.get(f"/api/v1/casework/needs/{need.pk}").json()
    with translation.override(language):
        shown_title, shown_description = need.shown_title, need.shown_description
    assert body["title"] == shown_title and body["description"] == shown_description
    assert shown_title in page and figures in shown_description
    if title is not None:
        assert shown_title == title
    if language != "zh-hans":
        # Not a Chinese sentence on an English or Uyghur page.
        assert not HAN.search(shown_title) and not HAN.search(shown_description)
    if language == "ug":
        assert ARABIC.search(shown_title) and ARABIC.search(shown_description)


def test_a_title_rewritten_by_a_person_shows_their_words(worker_a, team_leader, household_a):
    from doorstep.casework.services import need_update

    need = _relapse_need(worker_a, team_leader, household_a)
    need = need_update(
        actor=worker_a,
        need=need,
        expected_version=need.version,
        channel="t",
        title="低保到期，收入下降",
    )
    need.refresh_from_db()
    assert need.title_code == "" and need.title_params == {}
    with translation.override("en"):
        assert need.shown_title == "低保到期，收入下降"
    # The description the person did not touch still reads in the reader's language.
    with translation.override("en"):
        assert "yuan" in need.shown_description


def test_a_benefit_paid_reads_in_the_readers_language(worker_a, household_a):
    from doorstep.casework.services import assistance_record, assistance_set_status
    from doorstep.casework.tests.factories import open_need

    need = open_need(actor=worker_a, household=household_a, category="medical_costs")
    with translation.override("ug"):  # the actor's language no longer matters
        assistance = assistance_record(
            actor=worker_a,
            need=need,
            kind="benefit",
            benefit_type="serious_illness",
            amount="1000",
            channel="t",
        )
        assistance_set_status(actor=worker_a, assistance=assistance, status="approved", channel="t")
        assistance_set_status(actor=worker_a, assistance=assistance, status="paid", channel="t")
    event = NeedEvent.objects.get(need=need, note_code="casework.benefit_paid")
    assert event.note_params == {"benefit": "serious_illness"}
    assert event.note == "大病救助已发放。"  # stored words: the office's language
    with translation.override("en"):
        assert event.shown_note == "Serious-illness assistance paid."
    with translation.override("zh-hans"):
        assert event.shown_note == "大病救助已发放。"


def test_unknown_codes_and_bad_parameters_fall_back_to_the_stored_words():
    assert render_text("", {}, "typed by a person") == "typed by a person"
    assert render_text("no.such_code", {}, "old words") == "old words"
    assert render_text("livelihoods.relapse_one", {}, "old words") == "old words"
    assert str(Text("livelihoods.relapse_many", {"count": 2})) in {
        "返贫监测：2 项风险",
        "Relapse watch: 2 risks",
    }


@pytest.mark.parametrize("language", ["en", "ug"])
def test_every_generated_text_renders_in_each_language_without_chinese(language):
    samples = {
        "casework.welfare_need": {"problems": ["heating", "medicines"]},
        "casework.benefit_paid": {"benefit": "serious_illness"},
        "livelihoods.relapse_one": {"rule": "income_drop"},
        "livelihoods.relapse_many": {"count": 3},
        "livelihoods.relapse_added": {"flags": ["job_lost", "disaster"]},
        "livelihoods.relapse_flags": {
            "flags": [
                {"rule": "income_below", "year": 2026, "value": "5513.2", "limit": "7500"},
                {
                    "rule": "income_drop",
                    "year": 2026,
                    "value": "9000",
                    "reference": "15000",
                    "limit": "0.3",
                },
                {
                    "rule": "medical_share",
                    "year": 2026,
                    "value": "8000",
                    "reference": "20000",
                    "limit": "0.3",
                },
                {"rule": "job_lost", "event": "job_lost", "on": "2026-11-01", "limit": "90"},
            ]
        },
        "livelihoods.placement_ended": {"opening": "Sewing"},
        "monitoring.watch_proposal": {},
    }
    assert set(samples) == set(_TEXTS), "a new generated text needs a sample here"
    for code, params in samples.items():
        with translation.override(language):
            words = render_text(code, params, fallback="")
        assert words and not HAN.search(words), (code, words)
        if language == "ug":
            assert ARABIC.search(words), (code, words)


# --- the data migrations ------------------------------------------------------------


def _migration(app: str, name: str):
    return importlib.import_module(f"doorstep.{app}.migrations.{name}")


def test_the_migrations_turn_stored_sentences_into_codes(worker_a, team_leader, household_a):
    need = _relapse_need(worker_a, team_leader, household_a)
    # As the old code stored them: Chinese sentences, no codes.
    Need.objects.filter(pk=need.pk).update(
        title_code="", title_params={}, description_code="", description_params={}
    )
    welfare = Need.objects.create(
        household=household_a,
        category="other",
        title="探访发现问题：取暖, 所需药品",
        opened_at=need.opened_at,
        cycle_started_at=need.opened_at,
        acknowledge_due_at=need.acknowledge_due_at,
        resolve_due_at=need.resolve_due_at,
    )
    own = Need.objects.create(
        household=household_a,
        category="other",
        title="探访发现问题：院子里的井",  # a round's own question: kept as words
        opened_at=need.opened_at,
        cycle_started_at=need.opened_at,
        acknowledge_due_at=need.acknowledge_due_at,
        resolve_due_at=need.resolve_due_at,
    )
    paid = NeedEvent.objects.create(
        need=welfare, kind="note", at=need.opened_at, note="Micro-loan paid."
    )
    note = Notification.objects.create(
        recipient=worker_a,
        kind="resolve_asked",
        need=welfare,
        day=dt.date.today(),
        created_at=need.opened_at,
        note="最低生活保障已发放。",
    )
    added = NeedEvent.objects.create(
        need=need, kind="note", at=need.opened_at, note="返贫监测新增：失业; 灾害"
    )
    typed = NeedEvent.objects.create(need=need, kind="note", at=need.opened_at, note="已发放。谢谢")

    _migration("casework", "0013_generated_texts_from_sentences").forwards(django_apps, None)
    _migration("livelihoods", "0008_relapse_texts_from_sentences").forwards(django_apps, None)

    for row in (need, welfare, own, paid, note, added, typed):
        row.refresh_from_db()
    assert (need.title_code, need.title_params) == (
        "livelihoods.relapse_one",
        {"rule": "income_below"},
    )
    assert need.description_code == "livelihoods.relapse_flags"
    assert (welfare.title_code, welfare.title_params) == (
        "casework.welfare_need",
        {"problems": ["heating", "medicines"]},
    )
    assert own.title_code == ""
    assert (paid.note_code, paid.note_params) == (
        "casework.benefit_paid",
        {"benefit": "micro_loan"},
    )
    assert note.note_params == {"benefit": "minimum_living"}
    assert (added.note_code, added.note_params) == (
        "livelihoods.relapse_added",
        {"flags": ["job_lost", "disaster"]},
    )
    assert typed.note_code == ""
    with translation.override("en"):
        assert welfare.shown_title == "Welfare check: Heating, Medicines they need"
        assert "5,513 yuan" in need.shown_description
        assert added.shown_note == "Relapse watch added: Lost a job, Disaster"
