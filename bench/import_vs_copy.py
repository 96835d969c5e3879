"""Household import vs a raw COPY of the same rows, on a fresh PostgreSQL database.

    .venv/bin/python bench/import_vs_copy.py [--households 1690000] [--csv FILE]
        [--database-url postgres://postgres@127.0.0.1:5432/import_helper_bench] [--keep]

Steps: generate a CSV in the import format (or take --csv); drop and create the
database, migrate, load a synthetic area tree covering the area codes (region 99 down
to villages 990101xxxyyy); then, side by side on empty tables:
  (a) `manage.py import_households FILE` (real run) in its own process: wall time and
      peak RSS (getrusage of the child);
  (b) a raw COPY of the same households, residents and vulnerabilities (prepared as
      tab-separated text beforehand, not timed) into the same tables and indexes;
  (c) `manage.py import_households FILE --dry-run` for reference.
Rows/s is file rows (one per resident) per second in every case.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

HEADER = [
    "household_no",
    "name",
    "relationship",
    "sex",
    "birth_date",
    "id_number",
    "phone",
    "area_code",
    "address",
    "longitude",
    "latitude",
    "annual_income",
    "vulnerability",
    "languages",
]
COUNTY = "990101"
TOWNSHIPS = 40
VILLAGES_PER_TOWNSHIP = 25
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
_VULNS = [
    "elderly_alone",
    "left_behind_senior",
    "disability",
    "serious_illness",
    "low_income",
    "five_guarantee",
    "unemployed",
    "left_behind_child",
]
# registry.models.HOUSEHOLD_VULNERABILITIES (not imported: Django is set up later).
HOUSEHOLD_VULNERABILITIES = ("low_income", "five_guarantee")
_BASE_DAY = dt.date(1940, 1, 1)
_DAYS = 29200  # about 80 years of birth dates


def villages() -> list[str]:
    return [
        f"{COUNTY}{t:03d}{v:03d}"
        for t in range(1, TOWNSHIPS + 1)
        for v in range(1, VILLAGES_PER_TOWNSHIP + 1)
    ]


def id_number(k: int) -> tuple[str, str, str]:
    """The k-th resident's ID number, birth date and sex: (day, order) pairs never repeat."""
    day, order = k % _DAYS, k // _DAYS
    birth = _BASE_DAY + dt.timedelta(days=day)
    body = f"{COUNTY}{birth:%Y%m%d}{order:03d}"
    check = _CHECK[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]
    return body + check, birth.isoformat(), "M" if order % 2 else "F"


def generate(path: Path, households: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    codes = villages()
    k = 0
    rows = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for h in range(households):
            code = codes[h % len(codes)]
            hno = f"{code}-{h:07d}"
            members = ["head"]
            if rng.random() < 0.8:
                members.append("spouse")
            members += ["child"] * rng.choice((0, 1, 1, 2, 2, 3))
            if rng.random() < 0.25:
                members.append("parent")
            for index, relationship in enumerate(members):
                idn, birth, sex = id_number(k)
                k += 1
                name = rng.choice(_SURNAMES) + rng.choice(_GIVEN) + rng.choice(_GIVEN)
                if index == 0:
                    vulns = ";".join(rng.sample(_VULNS, rng.choice((0, 0, 1, 1, 2))))
                    writer.writerow(
                        [
                            hno,
                            name,
                            relationship,
                            sex,
                            birth,
                            idn,
                            f"139{rng.randrange(10**8):08d}",
                            code,
                            f"{rng.randrange(1, 300)}号",
                            f"{80 + rng.random():.5f}",
                            f"{41 + rng.random():.5f}",
                            f"{rng.randrange(2000, 60000)}.00",
                            vulns,
                            "ug,zh" if rng.random() < 0.5 else "zh",
                        ]
                    )
                else:
                    phone = f"138{rng.randrange(10**8):08d}" if rng.random() < 0.3 else ""
                    writer.writerow(
                        [
                            hno,
                            name,
                            relationship,
                            sex,
                            birth,
                            idn,
                            phone,
                            "",
                            "",
                            "",
                            "",
                            "",
                            "",
                            "",
                        ]
                    )
                rows += 1
    return rows


def _admin_url(url: str) -> tuple[str, str]:
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    return parsed._replace(path="/postgres").geturl(), name


def fresh_database(url: str) -> None:
    import psycopg

    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    manage("migrate", "--verbosity", "0", "--skip-checks", url=url)


def manage(*args: str, url: str) -> tuple[float, float]:
    """Run manage.py in a child process; returns its wall time (s) and peak RSS (MiB)."""
    env = {**os.environ, "DATABASE_URL": url, "DOORSTEP_TASKS": "immediate"}
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), *args], env=env)  # noqa: S603 - our own manage.py
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"manage.py {args[0]} exited with {child.returncode}")
    return seconds, usage.ru_maxrss / 1024  # ru_maxrss is KiB on Linux


def django_setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doorstep.settings")
    import django

    django.setup()


def load_areas() -> dict[str, int]:
    from doorstep.areas.models import Area
    from doorstep.areas.services import areas_bulk_create

    rows = [
        {"code": "99", "name": "基准测试区", "level": "region", "parent_code": None},
        {"code": "9901", "name": "基准测试地区", "level": "prefecture", "parent_code": "99"},
        {"code": COUNTY, "name": "基准测试县", "level": "county", "parent_code": "9901"},
    ]
    for t in range(1, TOWNSHIPS + 1):
        rows.append(
            {
                "code": f"{COUNTY}{t:03d}",
                "name": f"乡{t}",
                "level": "township",
                "parent_code": COUNTY,
            }
        )
    for code in villages():
        rows.append(
            {"code": code, "name": f"村{code[-6:]}", "level": "village", "parent_code": code[:9]}
        )
    areas_bulk_create([row | {"is_generated": True} for row in rows])
    return dict(Area.objects.filter(level="village").values_list("code", "pk"))


def copy_files(csv_path: Path, area_ids: dict[str, int], out: Path) -> tuple[Path, Path, Path]:
    """The rows the import would write, as COPY text: prepared here, not timed."""
    now = dt.datetime.now(dt.UTC).isoformat()
    hpath, rpath, vpath = out / "households.tsv", out / "residents.tsv", out / "vulns.tsv"
    with (
        open(csv_path, encoding="utf-8", newline="") as fh,
        open(hpath, "w", encoding="utf-8") as hf,
        open(rpath, "w", encoding="utf-8") as rf,
        open(vpath, "w", encoding="utf-8") as vf,
    ):
        reader = csv.reader(fh)
        next(reader)
        hid = 0
        current = None
        nul = "\\N"
        for r in reader:
            if r[0] != current:
                current = r[0]
                hid += 1
                hf.write(
                    "\t".join(
                        [
                            str(hid),
                            r[0],
                            str(area_ids[r[7]]),
                            r[8],
                            r[10],
                            r[9],
                            r[6],
                            r[13],
                            r[11],
                            now,
                            now,
                            "1",
                        ]
                    )
                    + "\n"
                )
                # The raw COPY does not know residents' ids: a person's category is
                # written as the 0006 migration leaves one whose member is unknown
                # (no resident, inferred), which the table's check constraint allows.
                for category in filter(None, r[12].split(";")):
                    inferred = "f" if category in HOUSEHOLD_VULNERABILITIES else "t"
                    vf.write(f"{hid}\t{category}\t{inferred}\n")
            rf.write(
                "\t".join(
                    [str(hid), r[1], r[3], r[4] or nul, r[2], r[6], r[5] or nul, "", "", now, now]
                )
                + "\n"
            )
    return hpath, rpath, vpath


def raw_copy(url: str, files: tuple[Path, Path, Path]) -> float:
    import psycopg

    targets = [
        (
            "registry_household",
            "id, household_no, area_id, address, latitude, longitude, phone, languages, annual_income, created_at, updated_at, version",
        ),
        (
            "registry_resident",
            "household_id, name, sex, birth_date, relationship, phone, id_number, occupation, skills, created_at, updated_at",
        ),
        ("registry_householdvulnerability", "household_id, category, inferred"),
    ]
    with psycopg.connect(url) as conn:
        started = time.perf_counter()
        with conn.cursor() as cur:
            for (table, columns), path in zip(targets, files, strict=True):
                with (
                    cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
                    open(path, "rb") as fh,
                ):
                    while block := fh.read(1 << 20):
                        copy.write(block)
        conn.commit()
        return time.perf_counter() - started


def empty_tables(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "TRUNCATE registry_householdvulnerability, registry_resident, registry_household, "
            "privacy_auditevent RESTART IDENTITY CASCADE"
        )
        conn.execute(
            "VACUUM ANALYZE registry_household, registry_resident, registry_householdvulnerability"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--households", type=int, default=1_690_000)
    parser.add_argument("--csv", type=Path, help="an existing file in the import format")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/import_helper_bench"
    )
    parser.add_argument("--workdir", type=Path, help="where to write the generated files")
    parser.add_argument("--skip-dry-run", action="store_true")
    args = parser.parse_args()
    url = args.database_url
    work = args.workdir or Path(tempfile.mkdtemp(prefix="import_vs_copy_"))
    work.mkdir(parents=True, exist_ok=True)

    csv_path = args.csv
    if csv_path is None:
        csv_path = work / "households.csv"
        started = time.perf_counter()
        rows = generate(csv_path, args.households)
        print(
            f"generated {rows:,} rows ({args.households:,} households) in {time.perf_counter() - started:.0f}s"
        )
    else:
        with open(csv_path, "rb") as fh:
            rows = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b"")) - 1
    size_mb = csv_path.stat().st_size / 2**20

    fresh_database(url)
    django_setup(url)
    area_ids = load_areas()
    files = copy_files(csv_path, area_ids, work)
    from django.db import connections

    connections.close_all()

    results = {}
    # (b) raw COPY first on the fresh tables, then the same empty state for the import.
    empty_tables(url)
    seconds = raw_copy(url, files)
    results["copy"] = (seconds, None)
    print(f"raw COPY: {seconds:.1f}s, {rows / seconds:,.0f} rows/s")

    empty_tables(url)
    seconds, rss = manage("import_households", str(csv_path), "--no-progress", url=url)
    results["import"] = (seconds, rss)
    print(f"import: {seconds:.1f}s, {rows / seconds:,.0f} rows/s, peak RSS {rss:.0f} MiB")

    if not args.skip_dry_run:
        empty_tables(url)
        seconds, rss = manage(
            "import_households", str(csv_path), "--dry-run", "--no-progress", url=url
        )
        results["dry"] = (seconds, rss)
        print(f"dry run: {seconds:.1f}s, {rows / seconds:,.0f} rows/s, peak RSS {rss:.0f} MiB")

    copy_s, imp_s = results["copy"][0], results["import"][0]
    print()
    print(
        f"households {args.households if args.csv is None else '?'}, rows {rows:,}, file {size_mb:.0f} MB"
    )
    print(f"import / COPY rate: {copy_s / imp_s:.2f}")


if __name__ == "__main__":
    main()
