"""Household import vs a raw COPY of the same rows, like with like, on PostgreSQL.

    .venv/bin/python bench/import_vs_copy.py [--households 200000] [--pairs 4] [--csv FILE]
        [--database-url postgres://postgres@127.0.0.1:5432/doorstep_i16_pairing_import]

Steps: generate a CSV in the import format (or take --csv); create a *base* database
(the URL's name + "_base"), migrate it and load a synthetic area tree covering the
area codes (region 99 down to villages 990101xxxyyy). Every timed run then gets a
fresh copy of that base (`CREATE DATABASE … TEMPLATE …_base`): nothing is truncated
or deleted, so the append-only audit table (which refuses TRUNCATE and DELETE) is
never in the way. Then, in `--pairs` alternating pairs (COPY first in odd pairs,
the import first in even ones, so drift in the machine's load hits both alike):
  (a) `manage.py import_households FILE` (real run) in its own process: wall time and
      peak RSS (getrusage of the child);
  (b) a raw COPY of exactly the rows and columns the import writes (households with
      area_path, residents, vulnerabilities; the columns come from
      registry.bulk_columns, the lists the importer itself writes with), prepared as
      tab-separated text beforehand (not timed), in one transaction, followed by the
      ANALYZE the import also runs;
and once `manage.py import_households FILE --dry-run` for its peak memory.
Rows/s is file rows (one per resident) per second in every case; the ratio of a pair
is import rate / COPY rate, and the median of the pairs is reported.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import statistics
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


def _db_columns(model, fields: list[str]) -> list[str]:
    return [model._meta.get_field(f).column for f in fields]


def copy_files(csv_path: Path, areas: dict[str, tuple[int, str]], out: Path) -> list[tuple]:
    """The rows the import would write, as COPY text with the importer's own column
    lists (registry.bulk_columns): prepared here, not timed. Fails loudly when the
    importer writes a column this benchmark does not know how to fill."""
    from doorstep.registry.bulk_columns import HOUSEHOLD_COPY_FIELDS, RESIDENT_COPY_FIELDS
    from doorstep.registry.models import Household, HouseholdVulnerability, Resident
    from doorstep.registry.search_keys import name_search_key

    now = dt.datetime.now(dt.UTC).isoformat()
    nul = "\\N"
    h_value = {
        "id": lambda hid, r: str(hid),
        "household_no": lambda hid, r: r[0],
        "area": lambda hid, r: str(areas[r[7]][0]),
        "area_path": lambda hid, r: areas[r[7]][1],
        "address": lambda hid, r: r[8],
        "latitude": lambda hid, r: r[10] or nul,
        "longitude": lambda hid, r: r[9] or nul,
        "phone": lambda hid, r: r[6],
        "languages": lambda hid, r: r[13],
        "annual_income": lambda hid, r: r[11] or nul,
        "created_at": lambda hid, r: now,
        "updated_at": lambda hid, r: now,
        "version": lambda hid, r: "1",
    }
    r_value = {
        "household": lambda hid, r: str(hid),
        "name": lambda hid, r: r[1],
        "sex": lambda hid, r: r[3],
        "birth_date": lambda hid, r: r[4] or nul,
        "relationship": lambda hid, r: r[2],
        "phone": lambda hid, r: r[6],
        "id_number": lambda hid, r: r[5] or nul,
        "occupation": lambda hid, r: "",
        "skills": lambda hid, r: "",
        # Computed while preparing, as the importer computes it while writing.
        "name_search": lambda hid, r: name_search_key(r[1]),
        "created_at": lambda hid, r: now,
        "updated_at": lambda hid, r: now,
    }
    unknown = (set(HOUSEHOLD_COPY_FIELDS) - set(h_value)) | (
        set(RESIDENT_COPY_FIELDS) - set(r_value)
    )
    if unknown:
        raise SystemExit(f"the importer writes columns this benchmark does not fill: {unknown}")
    h_fill = [h_value[f] for f in HOUSEHOLD_COPY_FIELDS]
    r_fill = [r_value[f] for f in RESIDENT_COPY_FIELDS]
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
        for r in reader:
            if r[0] != current:
                current = r[0]
                hid += 1
                hf.write("\t".join(f(hid, r) for f in h_fill) + "\n")
                # The raw COPY does not know residents' ids: a person's category is
                # written as the registry's 0006 migration leaves one whose member is
                # unknown (no resident, inferred), which the table's check allows.
                for category in filter(None, r[12].split(";")):
                    inferred = "f" if category in HOUSEHOLD_VULNERABILITIES else "t"
                    vf.write(f"{hid}\t{category}\t{inferred}\n")
            rf.write("\t".join(f(hid, r) for f in r_fill) + "\n")
    return [
        (Household._meta.db_table, _db_columns(Household, HOUSEHOLD_COPY_FIELDS), hpath),
        (Resident._meta.db_table, _db_columns(Resident, RESIDENT_COPY_FIELDS), rpath),
        (
            HouseholdVulnerability._meta.db_table,
            _db_columns(HouseholdVulnerability, ["household", "category", "inferred"]),
            vpath,
        ),
    ]


def raw_copy(url: str, targets: list[tuple]) -> float:
    """COPY every file in one transaction, then ANALYZE the tables as the import does."""
    import psycopg

    with psycopg.connect(url) as conn:
        started = time.perf_counter()
        with conn.cursor() as cur:
            for table, columns, path in targets:
                with (
                    cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
                    open(path, "rb") as fh,
                ):
                    while block := fh.read(1 << 20):
                        copy.write(block)
            # The import ends with an ANALYZE of the same tables (core.bulk.analyze).
            for table, _columns, _path in targets:
                cur.execute(f"ANALYZE {table}")
        conn.commit()
        return time.perf_counter() - started


def _with_name(url: str, name: str) -> str:
    return urlparse(url)._replace(path=f"/{name}").geturl()


def run_database(url: str, base: str) -> None:
    """A fresh database for one timed run: a copy of the migrated base with the areas
    (no TRUNCATE or DELETE, which the append-only audit table refuses)."""
    import psycopg

    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{base}"')


def drop_database(url: str) -> None:
    import psycopg

    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def counts(url: str) -> tuple[int, int, int]:
    import psycopg

    with psycopg.connect(url) as conn:
        return tuple(
            conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608 - fixed names
            for t in ("registry_household", "registry_resident", "registry_householdvulnerability")
        )


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--households", type=int, default=200_000)
    parser.add_argument("--pairs", type=int, default=4)
    parser.add_argument("--csv", type=Path, help="an existing file in the import format")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/doorstep_i16_pairing_import"
    )
    parser.add_argument("--workdir", type=Path, help="where to write the generated files")
    parser.add_argument("--skip-dry-run", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    args = parser.parse_args(argv)
    url = args.database_url
    base = _admin_url(url)[1] + "_base"
    base_url = _with_name(url, base)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="import_vs_copy_"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"load before: {os.getloadavg()}", flush=True)

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

    fresh_database(base_url)
    django_setup(base_url)
    from doorstep.areas.models import Area

    load_areas()
    areas = {
        code: (pk, path)
        for code, pk, path in Area.objects.filter(level="village").values_list("code", "pk", "path")
    }
    targets = copy_files(csv_path, areas, work)
    from django.db import connections

    connections.close_all()

    def timed_copy() -> float:
        run_database(url, base)
        seconds = raw_copy(url, targets)
        written = counts(url)
        print(f"  COPY: {seconds:.1f}s, {rows / seconds:,.0f} rows/s, rows {written}", flush=True)
        return seconds

    def timed_import() -> tuple[float, float, tuple]:
        run_database(url, base)
        seconds, rss = manage("import_households", str(csv_path), "--no-progress", url=url)
        written = counts(url)
        print(
            f"  import: {seconds:.1f}s, {rows / seconds:,.0f} rows/s, peak RSS {rss:.0f} MiB, "
            f"rows {written}",
            flush=True,
        )
        return seconds, rss, written

    ratios, imports, copies, rss_peak = [], [], [], 0.0
    for i in range(args.pairs):
        print(f"pair {i + 1} (load {os.getloadavg()[0]:.1f}):", flush=True)
        if i % 2 == 0:
            copy_s = timed_copy()
            copy_rows = counts(url)
            imp_s, rss, imp_rows = timed_import()
        else:
            imp_s, rss, imp_rows = timed_import()
            copy_s = timed_copy()
            copy_rows = counts(url)
        if copy_rows != imp_rows:
            raise SystemExit(
                f"COPY wrote {copy_rows} rows, the import {imp_rows}: not like with like"
            )
        ratios.append(copy_s / imp_s)
        imports.append(imp_s)
        copies.append(copy_s)
        rss_peak = max(rss_peak, rss)
        print(f"  import / COPY rate: {copy_s / imp_s:.2f}", flush=True)

    result = {"ratios": ratios, "median": statistics.median(ratios), "import_rss": rss_peak}
    if not args.skip_dry_run:
        run_database(url, base)
        seconds, rss = manage(
            "import_households", str(csv_path), "--dry-run", "--no-progress", url=url
        )
        result["dry_rss"] = rss
        print(f"dry run: {seconds:.1f}s, {rows / seconds:,.0f} rows/s, peak RSS {rss:.0f} MiB")
    if not args.keep:
        drop_database(url)
        drop_database(base_url)
    print()
    print(
        f"households {args.households if args.csv is None else '?'}, rows {rows:,}, "
        f"file {size_mb:.0f} MB, {args.pairs} pairs"
    )
    print(f"import / COPY rate per pair: {', '.join(f'{r:.2f}' for r in ratios)}")
    print(
        f"median {result['median']:.2f} (goal >= 0.7); import {statistics.median(imports):.1f}s, "
        f"COPY {statistics.median(copies):.1f}s (medians); import peak RSS {rss_peak:.0f} MiB"
    )
    print(f"load at end: {os.getloadavg()}")
    return result


if __name__ == "__main__":
    main()
