"""The duty room finds a caller among the residents it may read by phone or by name:
part of the name, its pinyin or initials, a Uyghur name's Latin spelling (the one name
search of registry.selectors), never outside the officer's scope, each match audited."""

import pytest

from doorstep.core.testing import make_household
from doorstep.hotline import selectors
from doorstep.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db

CH = "test"


@pytest.fixture
def callers(areas):
    return {
        "a": make_household(area=areas["village_a"], household_no="A-1", head_name="王晓兴"),
        "uy": make_household(
            area=areas["village_a"], household_no="A-2", head_name="گۈلنار مۇھەممەت"
        ),
        "b": make_household(area=areas["village_b"], household_no="B-1", head_name="王晓兴"),
    }


def names(residents) -> list[tuple[str, str]]:
    return [(r.household.household_no, r.name) for r in residents]


@pytest.mark.parametrize("name", ["晓兴", "wang xiaoxing", "wxx"])
def test_officer_finds_a_caller_by_part_pinyin_or_initials_of_the_name(worker_a, callers, name):
    assert names(selectors.callers_matching(worker_a, name=name, channel=CH)) == [("A-1", "王晓兴")]


def test_officer_finds_a_uyghur_caller_by_the_latin_spelling(worker_a, callers):
    assert names(selectors.callers_matching(worker_a, name="gulnar", channel=CH)) == [
        ("A-2", "گۈلنار مۇھەممەت")
    ]


def test_officer_never_finds_a_caller_outside_their_scope(worker_b, callers):
    assert names(selectors.callers_matching(worker_b, name="晓兴", channel=CH)) == [
        ("B-1", "王晓兴")
    ]
    assert selectors.callers_matching(worker_b, name="gulnar", channel=CH) == []


def test_phone_matches_come_first_then_names_each_once_and_audited(worker_a, callers):
    head = callers["a"].residents.get()
    head.phone = "13800138000"
    head.save()
    found = selectors.callers_matching(worker_a, phone="13800138000", name="wxx", channel=CH)
    assert names(found) == [("A-1", "王晓兴")]
    found = selectors.callers_matching(worker_a, phone="13800138000", name="gulnar", channel=CH)
    assert [r.household.household_no for r in found] == ["A-1", "A-2"]
    assert AuditEvent.objects.filter(object_type="resident", channel=CH).count() == 3


def test_the_intake_fragment_lists_callers_by_name(client, worker_a, worker_b, callers):
    client.force_login(worker_a)
    page = client.get("/hotline/callers/", {"caller_phone": "", "caller_name": "晓兴"})
    assert page.status_code == 200
    assert "A-1" in page.content.decode() and "B-1" not in page.content.decode()
    nothing = client.get("/hotline/callers/", {"caller_phone": "", "caller_name": "zzz"})
    assert "没有居民与此号码或姓名相符" in nothing.content.decode()  # zh-hans, the default


def test_the_api_finds_callers_by_name_within_scope(client, worker_a, worker_b, callers):
    client.force_login(worker_a)
    response = client.get("/api/v1/hotline/callers", {"name": "wang xiaoxing"})
    assert response.status_code == 200, response.content
    assert [c["household_no"] for c in response.json()] == ["A-1"]
    client.force_login(worker_b)
    response = client.get("/api/v1/hotline/callers", {"name": "gulnar"})
    assert response.json() == []
