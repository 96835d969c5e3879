"""Issue 18, defect 8: the line enforced by construction. A contact's check-list and a
welfare round's questions come only from question templates; a template whose text
touches what Doorstep never records is refused in zh, ug and en with a message that
explains the line; every template change is audited and shown to the supervisor above."""

from __future__ import annotations

import datetime as dt

import pytest

from doorstep.accounts.models import Role
from doorstep.casework.models import Contact
from doorstep.casework.questions import QuestionTemplate
from doorstep.casework.tests.factories import make_question
from doorstep.core.line import screen
from doorstep.core.testing import make_user
from doorstep.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db

BASE = "/api/v1/casework/question-templates"

OVER_THE_LINE = [
    "是否做礼拜、戴头巾？",
    "Religious practice and mosque attendance?",
    "Does anyone hold extremist views?",
    "家里有没有人 礼 拜",
    "ناماز ئوقۇمدۇ؟",
    "ياغلىق سالامدۇ؟",
    "Is anyone on a watch-list?",
    "Ethnicity of the head (risk)",
    "What are their political views?",
    "是否有亲属在境外？",
    "Has anyone been detained by the police?",
    "有无宗教极端思想",
]
NEEDS = [
    "Enough food and water",
    "Heating ready for extreme cold?",
    "Social security card received?",
    "Blood pressure monitor at home?",
    "住房安全吗？",
    "低保名单上有吗？",
    "ئۆيدىن چىقالامدۇ؟",
]


@pytest.mark.parametrize("text", OVER_THE_LINE)
def test_questions_over_the_line_are_caught(text):
    assert screen(text) is not None


@pytest.mark.parametrize("text", NEEDS)
def test_questions_about_needs_pass(text):
    assert screen(text) is None


def _post(client, body):
    return client.post(BASE, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("text_zh", "是否做礼拜、戴头巾？"),
        ("text_en", "Religious practice and mosque attendance?"),
        ("text_en", "Does anyone hold extremist views?"),
        ("text_ug", "مەسچىتكە بارامدۇ؟"),
    ],
)
def test_a_template_over_the_line_is_refused_with_the_line_explained(
    client, areas, supervisor, field, text
):
    client.force_login(supervisor)
    response = _post(
        client,
        {"area": areas["county"].pk, "key": "asked", "kind": "welfare", field: text},
    )
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == field
    assert "Doorstep records needs and the help given, and nothing else" in error["message"]
    assert not QuestionTemplate.objects.exists()


def test_a_supervisor_adds_a_template_audited_and_shown_to_the_supervisor_above(
    client, areas, supervisor
):
    above = make_user(role=Role.SUPERVISOR, area=areas["prefecture"], username="pref_sup")
    client.force_login(supervisor)
    response = _post(
        client,
        {
            "area": areas["county"].pk,
            "key": "blankets",
            "kind": "welfare",
            "text_zh": "棉被够吗",
            "text_en": "Enough blankets",
        },
    )
    assert response.status_code == 201, response.content
    template_id = response.json()["id"]
    response = client.patch(
        f"{BASE}/{template_id}",
        {"text_en": "Enough warm blankets"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert AuditEvent.objects.filter(object_type="question_template").count() == 2
    client.force_login(above)
    changes = client.get(f"{BASE}/changes").json()["items"]
    assert [c["action"] for c in changes] == ["update", "create"]
    assert changes[0]["texts"]["en"] == "Enough warm blankets"


@pytest.mark.parametrize("persona", ["worker_a", "team_leader", "analyst", "responder"])
def test_other_roles_cannot_write_templates_nor_read_the_changes(client, areas, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = _post(
        client, {"area": areas["county"].pk, "key": "blankets", "kind": "welfare", "text_en": "x"}
    )
    assert response.status_code in (403, 422)
    assert not QuestionTemplate.objects.exists()
    assert client.get(f"{BASE}/changes").json()["items"] == []


def test_a_contact_checklist_takes_only_template_keys(
    client, areas, worker_a, household_a, supervisor
):
    make_question(area=areas["county"], created_by=supervisor, key="stove_ok", kind="contact")
    client.force_login(worker_a)

    def log(checklist):
        return client.post(
            "/api/v1/casework/contacts",
            {"household": household_a.pk, "kind": "visit", "checklist": checklist},
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE="en",
        )

    refused = log({"religion": "...", "ethnicity_risk": "high", "watchlist": True})
    assert refused.status_code == 422
    assert not Contact.objects.exists()
    wrong_type = log({"stove_ok": "fine"})
    assert wrong_type.status_code == 422
    assert log({"stove_ok": True}).status_code == 201
    assert Contact.objects.get().checklist == {"stove_ok": True}


def test_a_round_takes_only_template_questions(client, areas, supervisor, household_a):
    client.force_login(supervisor)
    body = {
        "name": "寒潮",
        "area": areas["county"].pk,
        "deadline": (dt.date.today() + dt.timedelta(days=3)).isoformat(),
        "categories": [],
        "min_age": 0,
        "extra_questions": ["Religious practice and mosque attendance?"],
    }
    response = client.post("/api/v1/casework/welfare/rounds", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].startswith("extra_questions")


def test_a_referral_to_a_vocational_skills_school_needs_the_residents_agreement(
    client, areas, worker_a, household_a
):
    from doorstep.casework.models import Referral, UnitKind
    from doorstep.casework.tests.factories import make_unit, open_need

    assert str(UnitKind.VOCATIONAL_SCHOOL.label) == "Vocational skills school"
    school = make_unit(
        name="县职业技能学校",
        kind=UnitKind.VOCATIONAL_SCHOOL,
        area=areas["county"],
        accepts_referrals=True,
    )
    need = open_need(actor=worker_a, household=household_a)
    client.force_login(worker_a)
    url = f"/api/v1/casework/needs/{need.pk}/referrals"
    refused = client.post(url, {"unit": school.pk}, content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "resident_agreed"
    assert not Referral.objects.exists()
    agreed = client.post(
        url, {"unit": school.pk, "resident_agreed": True}, content_type="application/json"
    )
    assert agreed.status_code == 201, agreed.content
    assert Referral.objects.get().resident_agreed_on is not None
