"""The demo area file and its loader (areas.seed, manage.py load_areas).

Expected figures come from the sources (docs/decisions/0001-area-data.md): civil
affairs 2025-12-31 for counties and townships, the statistics bureau 2023-06-30 for
villages, less the villages whose township no longer exists under that name.
"""

from __future__ import annotations

import gzip
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from doorstep.areas.models import LEVEL_ORDER, Area, AreaLevel
from doorstep.areas.seed import DEMO_AREAS_FILE, AreaFileError, load_area_file, read_area_file

pytestmark = pytest.mark.django_db

HEADER = "code,name,level,parent_code,latitude,longitude,is_generated,coordinates_generated\n"


@pytest.fixture
def demo():
    counts = load_area_file(DEMO_AREAS_FILE)
    return counts


def _below(code: str, level: str) -> int:
    root = Area.objects.get(code=code)
    return Area.objects.within(root).filter(level=level).count()


def test_demo_file_stays_small():
    assert DEMO_AREAS_FILE.stat().st_size < 400_000


def test_demo_file_loads_every_level(demo):
    assert list(demo) == LEVEL_ORDER
    assert demo["region"] == 2  # 新疆, 甘肃
    assert demo["prefecture"] == 3  # 阿克苏, 喀什, 定西
    assert demo["county"] == 22
    assert demo["township"] == 310
    assert 4_000 < demo["village"] < 4_600
    assert demo["grid"] > demo["village"]
    assert Area.objects.count() == sum(demo.values())


def test_counts_for_aksu_kashgar_and_lintao_match_the_sources(demo):
    assert _below("6529", AreaLevel.COUNTY) == 9
    assert _below("6529", AreaLevel.TOWNSHIP) == 102
    assert 1_200 <= _below("6529", AreaLevel.VILLAGE) <= 1_340
    assert _below("6531", AreaLevel.COUNTY) == 12
    assert _below("6531", AreaLevel.TOWNSHIP) == 190
    assert 2_600 <= _below("6531", AreaLevel.VILLAGE) <= 2_886
    # Lintao's townships all kept their names: every village joins.
    assert _below("621124", AreaLevel.TOWNSHIP) == 18
    assert _below("621124", AreaLevel.VILLAGE) == 335


def test_codes_have_the_length_of_their_level(demo):
    lengths = {
        AreaLevel.REGION: 2,
        AreaLevel.PREFECTURE: 4,
        AreaLevel.COUNTY: 6,
        AreaLevel.TOWNSHIP: 9,
        AreaLevel.VILLAGE: 12,
    }
    for code, level in Area.objects.values_list("code", "level"):
        if level == AreaLevel.GRID:
            assert code[:12].isdigit() and code[12] == "G" and len(code) == 15
        else:
            assert code.isdigit() and len(code) == lengths[level], code


def test_every_area_but_a_region_has_a_parent_of_a_higher_level(demo):
    rank = {level: index for index, level in enumerate(LEVEL_ORDER)}
    parent_level = dict(Area.objects.values_list("pk", "level"))
    for level, parent_id in Area.objects.values_list("level", "parent_id"):
        if level == AreaLevel.REGION:
            assert parent_id is None
        else:
            assert rank[parent_level[parent_id]] < rank[level]


def test_paths_are_the_parent_path_and_own_id(demo):
    paths = dict(Area.objects.values_list("pk", "path"))
    for pk, parent_id, path in Area.objects.values_list("pk", "parent_id", "path"):
        expected = f"{paths[parent_id] if parent_id else '/'}{pk}/"
        assert path == expected


def test_a_village_is_found_in_the_subtree_of_its_prefecture(demo):
    village = Area.objects.filter(level=AreaLevel.VILLAGE, code__startswith="621124").first()
    assert village.is_within(Area.objects.get(code="6211"))
    assert [a.code for a in village.ancestors()][:4] == [
        "62",
        "6211",
        "621124",
        village.parent.code,
    ]


def test_a_second_load_adds_nothing(demo):
    before = Area.objects.count()
    again = load_area_file(DEMO_AREAS_FILE)
    assert sum(again.values()) == 0
    assert Area.objects.count() == before


def test_generated_records_are_flagged(demo):
    grids = Area.objects.filter(level=AreaLevel.GRID)
    assert not grids.filter(is_generated=False).exists()
    assert not Area.objects.exclude(level=AreaLevel.GRID).filter(is_generated=True).exists()
    # Seats of counties and above are hand-entered; below them coordinates are generated.
    above = Area.objects.filter(
        level__in=[AreaLevel.REGION, AreaLevel.PREFECTURE, AreaLevel.COUNTY]
    )
    assert not above.filter(coordinates_generated=True).exists()
    below = Area.objects.filter(level__in=[AreaLevel.TOWNSHIP, AreaLevel.VILLAGE, AreaLevel.GRID])
    assert not below.filter(coordinates_generated=False).exists()
    assert not Area.objects.filter(latitude__isnull=True).exists()


def test_grids_are_named_after_their_village_and_communities_get_more(demo):
    grids = Counter(
        Area.objects.filter(level=AreaLevel.GRID).values_list("parent__code", flat=True)
    )
    for village in Area.objects.filter(level=AreaLevel.VILLAGE).only("code", "name"):
        count = grids[village.code]
        if village.name.endswith("社区"):
            assert 2 <= count <= 6, village
        elif village.name.endswith("村"):
            assert 1 <= count <= 2, village
    grid = Area.objects.get(code="621124101201G01")
    assert grid.name == grid.parent.name + "第1网格"


def test_coordinates_stay_near_their_county(demo):
    for area in Area.objects.filter(code__startswith="621124"):
        assert abs(area.latitude - 35.38) < 0.4 and abs(area.longitude - 103.86) < 0.5, area
    xinjiang = Area.objects.filter(path__startswith=Area.objects.get(code="65").path)
    for lat, lon in xinjiang.values_list("latitude", "longitude"):
        assert 35 < lat < 45 and 73 < lon < 90


def test_loading_onto_the_persona_tree_keeps_existing_areas(areas):
    village_a = areas["village_a"]
    counts = load_area_file(DEMO_AREAS_FILE)
    assert counts["region"] == 1  # 65 exists; only 62 is new
    village_a.refresh_from_db()
    assert village_a.name == "英巴格社区"
    assert Area.objects.filter(code="652901001001").count() == 1


def test_load_areas_command_prints_counts_per_level():
    out = io.StringIO()
    call_command("load_areas", stdout=out)
    text = out.getvalue()
    assert "Grid: " in text and "Township / subdistrict: 310" in text
    out = io.StringIO()
    call_command("load_areas", stdout=out)
    assert "Village / community: 0" in out.getvalue()


def test_load_areas_command_rejects_a_missing_file(tmp_path):
    with pytest.raises(CommandError):
        call_command("load_areas", file=tmp_path / "none.csv")


def test_a_plain_csv_in_any_order_loads_parents_first(tmp_path):
    path = tmp_path / "areas.csv"
    path.write_text(
        HEADER
        + "990000000001G01,一网格,grid,990000000001,,,1,0\n"
        + "990000000001,一村,village,990000000,,,0,0\n"
        + "990000000,一乡,township,990000,,,0,0\n"
        + "990000,一县,county,9900,,,0,0\n"
        + "9900,一地区,prefecture,99,,,0,0\n"
        + "99,一区,region,,1.5,2.5,0,0\n",
        encoding="utf-8",
    )
    counts = load_area_file(path)
    assert sum(counts.values()) == 6
    grid = Area.objects.get(code="990000000001G01")
    assert grid.is_generated and grid.latitude is None
    assert len(grid.ancestors()) == 5


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("990000000,乡,township,88,,,0,0\n", "not found"),
        ("990000000,乡,region,99,,,0,0\n", "below"),
        ("990000000,乡,township,,,,0,0\n", "only a region"),
        ("990000000,乡,hamlet,99,,,0,0\n", "unknown level"),
        ("990000000,乡,township,99,north,,0,0\n", "not a number"),
        ("990000000,乡,township,99,,,maybe,0\n", "0 or 1"),
    ],
)
def test_a_bad_file_is_refused_whole(tmp_path, line, error):
    path = tmp_path / "bad.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        stream.write(HEADER + "99,一区,region,,,,0,0\n" + line)
    with pytest.raises(AreaFileError, match=error):
        load_area_file(path)
    assert not Area.objects.exists()


def test_a_file_without_the_columns_is_refused(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("code,name\n99,x\n", encoding="utf-8")
    with pytest.raises(AreaFileError, match="missing columns"):
        list(read_area_file(path))
