"""manage.py synth: reproducible, valid, consistent synthetic households and staff."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from doorstep.accounts.models import Role, User
from doorstep.areas.models import Area, AreaLevel
from doorstep.demo.synth import (
    CSV_COLUMNS,
    REFERENCE_DATE,
    plan_region,
    region_households,
    synth_region,
)
from doorstep.demo.tests.trees import make_synthetic_areas
from doorstep.registry.models import Household, HouseholdVulnerability, Relationship, Resident
from doorstep.registry.validators import parse_id_number, validate_languages, validate_phone

pytestmark = pytest.mark.django_db


@pytest.fixture
def region(db):
    make_synthetic_areas(townships=2, villages=3, grids=2)


def _age(birth: dt.date) -> float:
    return (REFERENCE_DATE - birth).days / 365.2425


def snapshot() -> list[tuple]:
    """Everything synth writes about households and residents, without ids or times."""
    vulns: dict[int, list[str]] = {}
    for hid, category in HouseholdVulnerability.objects.values_list("household_id", "category"):
        vulns.setdefault(hid, []).append(category)
    residents: dict[int, list[tuple]] = {}
    for row in Resident.objects.order_by("id").values_list(
        "household_id",
        "name",
        "relationship",
        "sex",
        "birth_date",
        "id_number",
        "phone",
        "occupation",
        "skills",
    ):
        residents.setdefault(row[0], []).append(row[1:])
    return [
        (
            h.household_no,
            h.area.code,
            h.address,
            h.latitude,
            h.longitude,
            h.phone,
            h.languages,
            int(h.annual_income),
            tuple(sorted(vulns.get(h.pk, []))),
            tuple(residents[h.pk]),
        )
        for h in Household.objects.select_related("area").order_by("household_no")
    ]


def _wipe() -> None:
    Resident.objects.all().delete()
    HouseholdVulnerability.objects.all().delete()
    Household.objects.all().delete()
    User.objects.all().delete()


def test_same_seed_gives_the_same_households_and_residents(region):
    synth_region(households=300, workers=40, seed=5)
    first = snapshot()
    first_workers = list(
        User.objects.order_by("username").values_list(
            "username", "first_name", "last_name", "area__code", "languages"
        )
    )
    _wipe()
    synth_region(households=300, workers=40, seed=5)
    assert snapshot() == first
    assert (
        list(
            User.objects.order_by("username").values_list(
                "username", "first_name", "last_name", "area__code", "languages"
            )
        )
        == first_workers
    )
    _wipe()
    synth_region(households=300, workers=40, seed=6)
    assert snapshot() != first


def test_counts_are_as_asked(region):
    result = synth_region(households=500, workers=70, seed=1)
    assert Household.objects.count() == result.households == 500
    assert Resident.objects.count() == result.residents
    assert 3.0 < result.residents / 500 < 4.1
    assert User.objects.filter(role=Role.WORKER).count() == 70
    townships = Area.objects.filter(level=AreaLevel.TOWNSHIP).count()
    counties = Area.objects.filter(level=AreaLevel.COUNTY).count()
    assert User.objects.filter(role=Role.TEAM_LEADER).count() == townships
    assert User.objects.filter(role=Role.SUPERVISOR).count() == counties
    assert not User.objects.exclude(password="!").exists()
    assert not any(u.has_usable_password() for u in User.objects.all()[:10])


def test_id_numbers_are_valid_unique_and_agree_with_birth_date_sex_and_county(region):
    synth_region(households=600, workers=0, seed=2)
    rows = list(
        Resident.objects.values_list("id_number", "birth_date", "sex", "household__area__code")
    )
    numbers = [r[0] for r in rows if r[0]]
    assert len(numbers) == len(set(numbers))
    assert len(numbers) > 0.95 * len(rows)
    for number, birth, sex, area_code in rows:
        if number is None:
            continue
        parsed_birth, parsed_sex = parse_id_number(number)
        assert (parsed_birth, parsed_sex) == (birth, sex)
        assert number[:6] == area_code[:6]  # the county code


def test_every_household_has_one_head_and_ages_fit_relationships(region):
    synth_region(households=600, workers=0, seed=3)
    heads = Counter(
        Resident.objects.filter(relationship=Relationship.HEAD).values_list(
            "household_id", flat=True
        )
    )
    assert set(heads.values()) == {1}
    assert len(heads) == Household.objects.count()
    members: dict[int, list[tuple[str, float]]] = {}
    for hid, rel, birth in Resident.objects.values_list(
        "household_id", "relationship", "birth_date"
    ):
        members.setdefault(hid, []).append((rel, _age(birth)))
    sizes = Counter(len(m) for m in members.values())
    assert set(sizes) <= set(range(1, 8))
    for people in members.values():
        head = next(age for rel, age in people if rel == Relationship.HEAD)
        assert head >= 18
        for rel, age in people:
            assert 0 <= age < 100
            if rel == Relationship.SPOUSE:
                assert age >= 18
            elif rel == Relationship.CHILD:
                assert age <= head - 15
            elif rel == Relationship.PARENT:
                assert age >= head + 15
            elif rel == Relationship.GRANDCHILD:
                assert age <= head - 30


def test_households_carry_valid_phones_languages_numbers_and_addresses(region):
    synth_region(households=300, workers=0, seed=4)
    for h in Household.objects.select_related("area"):
        village = h.area if h.area.level == AreaLevel.VILLAGE else h.area.parent
        assert h.household_no.startswith(village.code + "-")
        assert len(h.household_no.split("-")[1]) == 5
        assert village.name in h.address
        validate_languages(h.languages)
        if h.phone:
            validate_phone(h.phone)
        assert h.annual_income >= 0
        if h.area.code.startswith("62"):
            assert h.languages == "zh"
    for phone in Resident.objects.exclude(phone="").values_list("phone", flat=True):
        validate_phone(phone)
        assert len(phone) == 11


def test_xinjiang_has_a_majority_of_uyghur_names_and_lintao_mostly_han(region):
    synth_region(households=900, workers=0, seed=8)
    heads = Resident.objects.filter(relationship=Relationship.HEAD)
    xinjiang = list(
        heads.filter(household__area__code__startswith="65").values_list("name", flat=True)
    )
    lintao = list(
        heads.filter(household__area__code__startswith="62").values_list("name", flat=True)
    )
    assert sum("·" in n for n in xinjiang) > 0.5 * len(xinjiang)
    assert sum("·" in n for n in lintao) < 0.05 * len(lintao)


def test_workers_sit_in_villages_with_languages_of_their_region(region):
    synth_region(households=400, workers=60, seed=9)
    workers = User.objects.filter(role=Role.WORKER).select_related("area")
    assert {w.area.level for w in workers} == {AreaLevel.VILLAGE}
    for w in workers:
        assert "zh" in w.language_list
        validate_languages(w.languages)
        validate_phone(w.phone)
        assert w.latitude is not None and w.longitude is not None
        if w.area.code.startswith("62"):
            assert w.languages == "zh"
    assert workers.first().username == "w0000001"
    # Workers follow households: the busiest village has the most workers.
    per_village = Counter(Household.objects.values_list("area__code", flat=True))
    assert per_village  # households exist
    assert workers.filter(languages__contains="ug").exists()


def test_vulnerability_rates_are_near_the_targets(region):
    plans = plan_region(households=20_000, workers=0, seed=11)
    counts: Counter[str] = Counter()
    total = 0
    for household in region_households(plans, seed=11):
        counts.update(household.vulnerabilities)
        total += 1
    targets = {
        "elderly_alone": 3,
        "left_behind_senior": 4,
        "widowed_elderly": 3,
        "disability": 5,
        "serious_illness": 2,
        "low_income": 8,
        "five_guarantee": 0.5,
        "unemployed": 6,
        "left_behind_child": 3,
    }
    for category, target in targets.items():
        rate = counts[category] * 100 / total
        assert target * 0.7 <= rate <= target * 1.3, (category, rate)


def test_a_persons_category_names_a_member_and_a_households_none(region):
    synth_region(households=400, workers=0, seed=13)
    rows = list(
        HouseholdVulnerability.objects.values_list(
            "category",
            "resident_id",
            "resident__household_id",
            "household_id",
            "resident__birth_date",
        )
    )
    assert rows
    household_wide = {"low_income", "five_guarantee"}
    for category, resident, resident_household, household, _born in rows:
        if category in household_wide:
            assert resident is None
        else:
            assert resident is not None and resident_household == household
    # A left-behind child is a child, not the grandparent who heads the household.
    children = [born for category, *_rest, born in rows if category == "left_behind_child"]
    assert children and all(born.year >= 2006 for born in children)


def test_csv_mode_writes_the_households_the_database_mode_writes(region, tmp_path):
    path = tmp_path / "households.csv"
    call_command(
        "synth", households=250, seed=12, csv=str(path), no_progress=True, stdout=io.StringIO()
    )
    assert not Household.objects.exists()
    synth_region(households=250, workers=0, seed=12)
    from_db = snapshot()
    with path.open(encoding="utf-8") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == CSV_COLUMNS
        households: list[dict] = []
        for row in reader:
            if not households or households[-1]["household_no"] != row["household_no"]:
                assert row["relationship"] == "head"
                households.append({**row, "residents": []})
            households[-1]["residents"].append(row)
    assert len(households) == len(from_db) == 250
    for csv_household, db in zip(households, from_db, strict=True):
        assert csv_household["household_no"] == db[0]
        assert csv_household["area_code"] == db[1]
        assert csv_household["address"] == db[2]
        assert float(csv_household["latitude"]) == db[3]
        assert float(csv_household["longitude"]) == db[4]
        assert csv_household["languages"] == db[6]
        assert int(csv_household["annual_income"]) == db[7]
        # Every row's categories: the household's on the head's row, a person's on theirs.
        cells = [c for r in csv_household["residents"] for c in r["vulnerability"].split(";")]
        assert tuple(sorted(filter(None, cells))) == db[8]
        assert [
            (
                r["name"],
                r["relationship"],
                r["sex"],
                r["birth_date"],
                r["id_number"] or None,
                r["phone"],
            )
            for r in csv_household["residents"]
        ] == [(r[0], r[1], r[2], r[3].isoformat(), r[4], r[5]) for r in db[9]]


def test_synth_fills_one_area_and_refuses_villages_that_have_households(region):
    out = io.StringIO()
    call_command(
        "synth", households=50, workers=5, seed=1, area="621124", no_progress=True, stdout=out
    )
    assert "50" in out.getvalue()
    codes = set(Household.objects.values_list("area__code", flat=True))
    assert codes and all(code.startswith("621124") for code in codes)
    with pytest.raises(CommandError):
        call_command(
            "synth", households=10, seed=2, area="621124", no_progress=True, stdout=io.StringIO()
        )
    with pytest.raises(CommandError):
        call_command(
            "synth", households=10, seed=2, area="nope", no_progress=True, stdout=io.StringIO()
        )
    # Another county still fills, and the worker numbers go on.
    call_command(
        "synth",
        households=20,
        workers=3,
        seed=2,
        area="652901",
        no_progress=True,
        stdout=io.StringIO(),
    )
    assert User.objects.filter(role=Role.WORKER).count() == 8
    assert User.objects.filter(username="w0000008").exists()


def test_villages_without_a_point_get_one_near_their_county(region):
    assert Area.objects.filter(level=AreaLevel.VILLAGE, latitude__isnull=True).exists()
    synth_region(households=100, workers=0, seed=1)
    village = Area.objects.filter(level=AreaLevel.VILLAGE, code__startswith="652901").first()
    assert village.coordinates_generated
    assert abs(village.latitude - 41.17) < 0.5 and abs(village.longitude - 80.26) < 0.5


def test_synth_writes_every_residents_name_search_key(region):
    from doorstep.registry.search_keys import name_search_key

    synth_region(households=60, workers=0, seed=5)
    rows = list(Resident.objects.values_list("name", "name_search"))
    assert rows and all(key == name_search_key(name) for name, key in rows)
    assert all(" " in key for _, key in rows)  # Han names: the name and its pinyin at least
