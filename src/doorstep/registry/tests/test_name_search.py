"""Search like people search (issue 17, item 5): part of a name anywhere in it, pinyin
and initials of Han names, Latin spelling of Uyghur names; always within the caller's
scope, on the list page and the API alike, with the keys kept true on every write."""

from __future__ import annotations

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.db import connection

from doorstep.core.testing import make_household
from doorstep.core.tests.api_clients import ApiClient
from doorstep.privacy.models import AuditEvent
from doorstep.registry.models import Resident
from doorstep.registry.selectors import household_page, residents_named
from doorstep.registry.services import household_programme_set, resident_update

pytestmark = pytest.mark.django_db

URL = "/api/v1/households"


@pytest.fixture
def village_a(areas):
    """Households of village A with the names of the issue and of both scripts."""
    return {
        name: make_household(area=areas["village_a"], household_no=no, head_name=name)
        for no, name in [
            ("A-1", "王晓兴"),
            ("A-2", "王建国"),
            ("A-3", "曾丽华"),
            ("A-4", "ئابدۇرېھىم تۇرسۇن"),
            ("A-5", "吕梅"),
            ("A-6", "艾力·买买提"),
        ]
    }


def found(user, q: str) -> list[str]:
    return [h.household_no for h in household_page(user, q=q, size=100).items]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("晓兴", ["A-1"]),  # the defect of the issue: part of a name found nothing
        ("兴", ["A-1"]),
        ("建国", ["A-2"]),
        ("王", ["A-1", "A-2"]),
        ("wangxiaoxing", ["A-1"]),
        ("wang xiaoxing", ["A-1"]),
        ("Wang Jianguo", ["A-2"]),
        ("jianguo", ["A-2"]),
        ("xiaox", ["A-1"]),
        ("wxx", ["A-1"]),
        ("wjg", ["A-2"]),
        ("WJ", ["A-2"]),
        ("zenglihua", ["A-3"]),  # 曾 as a family name is zeng
        ("lvmei", ["A-5"]),
        ("lü mei", ["A-5"]),
        ("abdurehim", ["A-4"]),
        ("Abdurëhim Tursun", ["A-4"]),
        ("tursun", ["A-4"]),
        ("ئابدۇرې", ["A-4"]),
        ("maimaiti", ["A-6"]),
        ("买提", ["A-6"]),
    ],
)
def test_a_worker_finds_a_household_by_part_pinyin_initials_or_latin_of_a_name(
    worker_a, village_a, query, expected
):
    assert found(worker_a, query) == expected


def test_characters_must_match_not_only_their_sound(worker_a, village_a, areas):
    make_household(area=areas["village_a"], household_no="A-7", head_name="王小星")
    assert found(worker_a, "晓兴") == ["A-1"]  # 小星 is xiaoxing too
    assert found(worker_a, "xiaoxing") == ["A-1", "A-7"]


def test_a_short_latin_query_matches_the_start_of_a_key_only(worker_a, village_a):
    # "ng" is inside wangxiaoxing, but two letters find initials and starts of names.
    assert found(worker_a, "ng") == []
    assert found(worker_a, "zl") == ["A-3"]


def test_a_match_never_runs_across_two_keys(worker_a, village_a):
    # 王晓兴's keys are "王晓兴 wangxiaoxing wxx": "xingwxx" would straddle two.
    assert found(worker_a, "xingwxx") == []


def test_household_number_phone_and_address_still_find(worker_a, village_a):
    assert found(worker_a, "A-4") == ["A-4"]


def test_a_worker_never_finds_a_household_outside_their_village(worker_a, worker_b, village_a):
    for query in ("晓兴", "wxx", "wangxiaoxing", "abdurehim", "王"):
        assert found(worker_b, query) == []
        assert not residents_named(worker_b, query).exists()
    assert residents_named(worker_a, "晓兴").get().name == "王晓兴"


@pytest.mark.parametrize("persona", ["analyst", "responder"])
def test_roles_without_registry_access_find_nothing(request, persona, village_a):
    user = request.getfixturevalue(persona)
    assert found(user, "wang") == []
    assert not residents_named(user, "wang").exists()


def test_the_api_searches_the_same_way_within_scope(worker_a, worker_b, village_a):
    def numbers(user, q):
        response = ApiClient(user).get(URL, data={"q": q})
        assert response.status_code == 200, response.content
        return [item["household_no"] for item in response.json()["items"]]

    assert numbers(worker_a, "晓兴") == ["A-1"]
    assert numbers(worker_a, "wang jianguo") == ["A-2"]
    assert numbers(worker_a, "abdurehim") == ["A-4"]
    assert numbers(worker_b, "晓兴") == []


def test_the_list_page_finds_a_partial_name_and_audits_what_it_shows(
    client, worker_a, worker_b, village_a
):
    client.force_login(worker_a)
    response = client.get("/households/", {"q": "晓兴"})
    assert response.status_code == 200
    assert "王晓兴" in response.content.decode() and "王建国" not in response.content.decode()
    event = AuditEvent.objects.filter(object_type="household_list").latest("pk")
    assert event.detail == {"households": [village_a["王晓兴"].pk]}
    client.force_login(worker_b)
    assert "王晓兴" not in client.get("/households/", {"q": "晓兴"}).content.decode()


def test_the_key_follows_an_edit_of_the_name(worker_a, village_a):
    resident = village_a["王晓兴"].residents.get(relationship="head")
    resident_update(actor=worker_a, resident=resident, channel="test", name="李晓兴")
    assert found(worker_a, "wxx") == []
    assert found(worker_a, "lxx") == ["A-1"]
    assert found(worker_a, "lixiaoxing") == ["A-1"]


def test_the_key_is_written_when_a_member_is_added_through_the_service(worker_a, village_a):
    from doorstep.registry.services import resident_create

    resident_create(
        actor=worker_a,
        household=village_a["王建国"],
        channel="test",
        name="王子涵",
        relationship="child",
    )
    assert found(worker_a, "zihan") == ["A-2"]


def test_the_key_is_cleared_with_the_name_when_a_household_is_anonymised(
    worker_a, village_a, settings
):
    from doorstep.privacy.retention import anonymise_expired

    settings.DOORSTEP_RETENTION_DAYS = 30
    household_programme_set(
        actor=worker_a,
        household=village_a["王晓兴"],
        status="left",
        left_on=dt.date(2026, 1, 1),
        channel="test",
    )
    anonymise_expired(today=dt.date(2026, 6, 1))
    assert not Resident.objects.filter(household=village_a["王晓兴"]).exclude(name_search="")
    assert found(worker_a, "wangxiaoxing") == []


def test_imported_residents_are_found_by_pinyin_and_latin(tmp_path, areas, worker_a):
    from doorstep.registry.importing import HEADERS_EN, import_households

    rows = [
        ["I-1", "赵晓兴", "head", "M", "1970-03-04", "", "", "652901001001"],
        ["I-1", "ئايگۈل", "spouse", "F", "1972-08-09", "", "", ""],
    ]
    columns = ["household_no", "name", "relationship", "sex", "birth_date", "id_number"]
    columns += ["phone", "area_code"]
    path = tmp_path / "households.csv"
    lines = [",".join(HEADERS_EN)]
    for row in rows:
        values = dict(zip(columns, row, strict=True))
        lines.append(",".join(values.get(key, "") for key in HEADERS_EN))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_households(str(path), user=None, dry_run=False, channel="test")
    assert not report.errors, report.errors
    assert found(worker_a, "zxx") == ["I-1"]
    assert found(worker_a, "aygul") == ["I-1"]
    assert found(worker_a, "晓兴") == ["I-1"]


def test_the_backfill_migration_writes_keys_of_existing_residents(village_a, monkeypatch):
    Resident.objects.update(name_search="")
    migration = importlib.import_module("doorstep.registry.migrations.0009_resident_name_search")
    monkeypatch.setattr(migration, "BATCH", 2)  # several batches
    migration.backfill_name_search(django_apps, SimpleNamespace(connection=connection))
    assert Resident.objects.get(name="王晓兴").name_search == "王晓兴 wangxiaoxing wxx"
    assert not Resident.objects.filter(name_search="")


@pytest.mark.parametrize("query", ["晓兴", "wang xiaoxing", "wj"])
def test_name_search_walks_the_trigram_index_on_postgresql(village_a, query):
    if connection.vendor != "postgresql":
        pytest.skip("the trigram index is PostgreSQL's (SQLite scans)")
    from doorstep.registry.selectors import household_search_ids

    sql, params = household_search_ids(query).query.sql_with_params()
    with connection.cursor() as cursor:
        # A handful of rows: without this the planner rightly prefers reading them all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "resident_name_search_trgm" in plan, plan


def test_the_demo_gives_the_worker_names_to_find_by_latin_part_and_initials(areas):
    from doorstep.core.testing import make_user
    from doorstep.registry.demo import registry_search_demo_load

    worker = make_user(area=areas["village_a"], username="demo_worker")
    for no in ("D-1", "D-2"):
        make_household(area=areas["village_a"], household_no=no, head_name="张伟")
    assert registry_search_demo_load() == 2
    assert registry_search_demo_load() == 0  # once
    assert found(worker, "gulnar") == ["D-1"]
    assert found(worker, "晓兴") == found(worker, "wxx") == ["D-2"]
