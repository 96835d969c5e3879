"""A synthetic area tree for tests and local runs, until the demo areas are loaded:
Xinjiang (Aksu and Kashgar prefectures) and Gansu (Lintao), real county codes,
made-up townships and villages, some villages with generated grids."""

from __future__ import annotations

from doorstep.areas.models import AreaLevel
from doorstep.areas.services import areas_bulk_create

COUNTIES = (
    ("65", "新疆维吾尔自治区", "6529", "阿克苏地区", "652901", "阿克苏市", (41.17, 80.26)),
    ("65", "新疆维吾尔自治区", "6531", "喀什地区", "653101", "喀什市", (39.47, 75.99)),
    ("62", "甘肃省", "6211", "定西市", "621124", "临洮县", (35.38, 103.86)),
)


def synthetic_area_rows(*, townships: int = 2, villages: int = 3, grids: int = 2):
    seen: set[str] = set()
    for region, region_name, pref, pref_name, county, county_name, (lat, lon) in COUNTIES:
        for code, name, level, parent, extra in (
            (region, region_name, AreaLevel.REGION, None, {}),
            (pref, pref_name, AreaLevel.PREFECTURE, region, {}),
            (county, county_name, AreaLevel.COUNTY, pref, {"latitude": lat, "longitude": lon}),
        ):
            if code not in seen:
                seen.add(code)
                yield {"code": code, "name": name, "level": level, "parent_code": parent, **extra}
        for t in range(1, townships + 1):
            town = f"{county}{t:03d}"
            yield {
                "code": town,
                "name": f"第{t}镇",
                "level": AreaLevel.TOWNSHIP,
                "parent_code": county,
            }
            for v in range(1, villages + 1):
                village = f"{town}{v:03d}"
                name = f"幸福{v}社区" if v == 1 else f"新村{v}村"
                yield {
                    "code": village,
                    "name": name,
                    "level": AreaLevel.VILLAGE,
                    "parent_code": town,
                }
                if v == 2:
                    for g in range(1, grids + 1):
                        yield {
                            "code": f"{village}G{g:02d}",
                            "name": f"{name}第{g}网格",
                            "level": AreaLevel.GRID,
                            "parent_code": village,
                            "is_generated": True,
                        }


def make_synthetic_areas(**kwargs) -> int:
    return areas_bulk_create(synthetic_area_rows(**kwargs))
