"""Dashboard queries at national scale: p50/p95 per page over 20 random jurisdictions.

Builds a synthetic published warehouse with every NBS 2023 division (31 provinces down to the
620,573 villages) and 2021-2025 values for every indicator at every level it is defined at,
then times the dashboard's own loaders (dashboards/data.py, called uncached, each opening its
own read-only connection as the page does) for 20 random units, 4 per level. Wall time and
process CPU time (all DuckDB threads) are both reported: on a shared machine the wall time
mostly measures the wait for a core. The small tables (indicators, targets, member
units, tasks, policy documents, ...) are copied from a real published demo warehouse; the
org units, indicator values, progress and supervision items are replaced by national ones.
The values are random (示例数据), not a model of anything: this measures query time only.

    .venv/bin/weibao demo --no-serve          # a published demo warehouse to copy from
    .venv/bin/python benchmarks/bench_dashboard.py [--source warehouse/weibao.duckdb]
        [--divisions ../shared/reference/divisions] [--out /tmp/weibao_national_ui.duckdb]
        [--reuse] [--per-level 4] [--format json]
    .venv/bin/python benchmarks/bench_dashboard.py --on warehouse/weibao.duckdb   # a real demo
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "dashboards"))

REPLACED = {
    "dim_org_units",
    "fct_indicator_values",
    "fct_indicator_progress",
    "fct_supervision_items",
}
LEVELS = "('province', 1), ('city', 2), ('county', 3), ('township', 4), ('village', 5)"

ORG_UNITS = """
create table dim_org_units as
with
provinces as (select lpad(code, 2, '0') as code, name from read_csv('{d}/provinces.csv', all_varchar=true)),
cities as (select code, name, provinceCode as p from read_csv('{d}/cities.csv', all_varchar=true)),
areas as (select code, name, cityCode as c, provinceCode as p from read_csv('{d}/areas.csv', all_varchar=true)),
streets as (select code, name, areaCode as a, cityCode as c, provinceCode as p from read_csv('{d}/streets.csv', all_varchar=true)),
villages as (select code, name, streetCode as t, areaCode as a, cityCode as c, provinceCode as p
    from read_csv('{d}/villages.csv.gz', all_varchar=true)),
unioned as (
    select code, name, 'province' as level, null as parent_code, code as province_code,
        null as city_code, null as county_code, null as township_code from provinces
    union all select code, name, 'city', p, p, code, null, null from cities
    union all select code, name, 'county', c, p, c, code, null from areas
    union all select code, name, 'township', a, p, c, a, code from streets
    union all select code, name, 'village', t, p, c, a, t from villages
),
ranks as (select * from (values {levels}) as r(level, level_rank))
select u.code as org_unit_code, u.name as org_unit_name, u.level, r.level_rank,
    u.parent_code, u.province_code, u.city_code, u.county_code, u.township_code,
    u.level in ('province', 'city', 'county') as is_document_jurisdiction,
    u.level in ('province', 'city', 'county') as is_committee,
    case when u.level in ('province', 'city', 'county') then 1 end as committee_order
from unioned u join ranks r using (level)
order by org_unit_code
"""

VALUES = """
create table fct_indicator_values as
with
ind as (
    select indicator_code, value_kind,
        case base_level when 'village' then 5 when 'county' then 3 else 4 end as lowest
    from src.dim_indicators
),
rows as (
    select i.indicator_code, i.value_kind, o.org_unit_code, o.level, y.year,
        hash(i.indicator_code, o.org_unit_code, y.year) as h
    from ind i
    join dim_org_units o on o.level_rank <= i.lowest
    cross join range(2021, 2026) as y(year)
),
counted as (
    select *, cast(20 + h % 400 as bigint) as denominator,
        cast(80 + (h >> 12) % 25 as decimal(18, 2)) as target_value
    from rows
),
valued as (
    select *, cast(denominator * (60 + (h >> 24) % 41) / 100 as bigint) as numerator from counted
)
select indicator_code, org_unit_code, level, cast(year as integer) as year, numerator,
    denominator, cast(round(100.0 * numerator / denominator, 2) as decimal(18, 2)) as value,
    org_unit_code as target_org_unit_code, '>=' as comparator, target_value,
    cast(null as decimal(18, 2)) as target_value_high, true as target_is_demo,
    'demo' as target_basis,
    case when 100.0 * numerator / denominator >= target_value then 'achieved'
        else 'not_achieved' end as status,
    cast(greatest(0, ceil(target_value * denominator / 100) - numerator) as decimal(18, 2))
        as gap,
    true as is_demo
from valued
order by {order}
"""

PROGRESS = """
create table fct_indicator_progress as
select indicator_code, org_unit_code, level, year, value, 2021 as baseline_year,
    cast(null as decimal(18, 2)) as baseline_value, 2025 as target_year, comparator,
    target_value, cast(null as double) as cagr_observed, cast(null as double) as cagr_required,
    cast(null as double) as progress_ratio,
    case when status = 'achieved' then 'achieved' else 'needs_acceleration' end
        as progress_status,
    cast(null as varchar) as caveat, is_demo
from fct_indicator_values
order by {order}
"""

SUPERVISION = """
create table fct_supervision_items as
select 'indicator:' || v.indicator_code || ':' || v.org_unit_code || ':' || v.year as item_id,
    'indicator' as item_kind,
    coalesce(o.county_code, o.city_code, o.province_code) as jurisdiction_code,
    v.org_unit_code, v.level, v.year, v.indicator_code, cast(null as varchar) as task_id,
    v.status, 'needs_acceleration' as progress_status, v.value, v.target_value, v.gap,
    i.responsible_units_zh, cast(null as varchar) as responsible_member_units, i.source_doc,
    i.source_clause, v.year as lagging_since, v.is_demo
from fct_indicator_values v
join dim_org_units o using (org_unit_code)
join src.dim_indicators i using (indicator_code)
where v.status = 'not_achieved'
order by jurisdiction_code, v.year, v.org_unit_code
"""


def build(source: Path, divisions: Path, out: Path, order: str) -> None:
    out.unlink(missing_ok=True)
    con = duckdb.connect(str(out))
    con.execute(f"attach '{source.as_posix()}' as src (read_only)")
    tables = [
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_catalog = 'src'"
            " and table_schema = 'main'"
        ).fetchall()
    ]
    for name in tables:
        if name not in REPLACED:
            con.execute(f"create table {name} as select * from src.{name}")
    steps = (
        ("dim_org_units", ORG_UNITS.format(d=divisions.as_posix(), levels=LEVELS)),
        ("fct_indicator_values", VALUES.format(order=order)),
        ("fct_indicator_progress", PROGRESS.format(order=order)),
        ("fct_supervision_items", SUPERVISION),
    )
    for name, sql in steps:
        t0 = time.perf_counter()
        con.execute(sql)
        (n,) = con.execute(f"select count(*) from {name}").fetchone()
        print(f"built {name}: {n:,} rows in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    con.execute("detach src")
    con.execute("checkpoint")
    con.close()


def sample(out: Path, n: int, seed: int) -> dict[str, list[str]]:
    """n random units per level (a province, a city ... a village) that have indicator values,
    reproducibly. (A demo warehouse also holds divisions without data around its committees.)"""
    con = duckdb.connect(str(out), read_only=True)
    rng = random.Random(seed)
    picked: dict[str, list[str]] = {}
    for level in ("province", "city", "county", "township", "village"):
        codes = [
            r[0]
            for r in con.execute(
                "select org_unit_code from dim_org_units where level = ? and org_unit_code in "
                "(select org_unit_code from fct_indicator_values) order by 1",
                [level],
            ).fetchall()
        ]
        picked[level] = rng.sample(codes, min(n, len(codes)))
    names = [
        r[0]
        for r in con.execute(
            "select org_unit_name from dim_org_units where level in ('county', 'township')"
        ).fetchall()
    ]
    picked["names"] = [name[:2] for name in rng.sample(names, n)]
    con.close()
    return picked


def measure(out: Path, n: int, seed: int) -> dict[str, dict[str, float]]:
    import logging
    import os

    os.environ["WEIBAO_WAREHOUSE"] = str(out)
    logging.disable(logging.WARNING)  # st.cache_data outside a Streamlit runtime says so per call
    import data  # dashboards/data.py

    from weibao.suppression import suppress_frame

    db = data._db_key()
    year = 2024
    indicators = list(data.indicators.__wrapped__(db)["indicator_code"])
    rng = random.Random(seed)
    units = sample(out, n, seed)
    above = units["province"] + units["city"]
    all_units = [u for level in ("province", "city", "county", "township", "village")
                 for u in units[level]]  # fmt: skip

    def call(name: str, *args: object) -> Callable[[], object]:
        """The loader uncached, with the suppression every loader applies (weibao.suppression)."""
        return lambda: suppress_frame(getattr(data, name).__wrapped__(db, *args))

    def juris(code: str) -> str:
        found = data.document_jurisdiction.__wrapped__(db, code)
        return str(found["org_unit_code"].iloc[0]) if len(found) else code

    pages: dict[str, list[Callable[[], object]]] = {"picker": [], "overview": [], "regions": [],
                                                     "indicator": [], "supervision": []}  # fmt: skip
    for i, code in enumerate(all_units):
        ind = rng.choice(indicators)
        name = units["names"][i % len(units["names"])]
        pages["picker"] += [
            call("search_units", name, 31),
            call("search_units", code[: max(2, len(code) - 3)], 31),
            call("ancestors", code),
            call("children", code),
        ]
        j = juris(code)
        pages["overview"] += [
            call("unit_values", code, year),
            call("unit_progress", code, year),
            call("demo_flags", code, year),
            call("document_jurisdiction", code),
            call("supervision_count", j, code, year),
        ]
        pages["regions"] += [
            call("child_values", code, ind, year),
            call("unit_value", code, ind, year),
        ]
        pages["indicator"] += [call("trend", code, ind), call("targets", code, ind)]
        if code in above:
            pages["supervision"] += [call("supervision_items", j, code, year, True),
                                     call("supervision_groups", code, year)]  # fmt: skip
        else:
            pages["supervision"].append(call("supervision_items", j, code, year))
    result: dict[str, dict[str, float]] = {}
    for page, calls in pages.items():
        calls[0]()  # warm the OS cache once per page
        times, cpu = [], []
        for fn in calls:
            t0, c0 = time.perf_counter(), time.process_time()
            fn()
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        times.sort()
        cpu.sort()
        result[page] = {
            "queries": len(times),
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
            "cpu_p50_ms": round(statistics.median(cpu), 1),
            "cpu_p95_ms": round(cpu[int(0.95 * (len(cpu) - 1))], 1),
        }
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", type=Path, default=ROOT / "warehouse" / "weibao.duckdb")
    ap.add_argument(
        "--divisions", type=Path, default=ROOT.parent.parent / "shared/reference/divisions"
    )
    ap.add_argument("--out", type=Path, default=Path("/tmp/weibao_national_ui.duckdb"))
    ap.add_argument("--order", default="org_unit_code, indicator_code, year",
                    help="sort order of the fact tables (DuckDB zone maps follow it)")  # fmt: skip
    ap.add_argument("--reuse", action="store_true", help="keep an existing --out file")
    ap.add_argument(
        "--on",
        type=Path,
        help="time an existing published warehouse as it is (e.g. the county or province demo's "
        "warehouse/weibao.duckdb) instead of building the synthetic national one",
    )
    ap.add_argument("--per-level", type=int, default=4, help="random units per level (5 levels)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--format", choices=("table", "json"), default="table")
    args = ap.parse_args()
    target, scale = args.out, "national"
    if args.on is not None:
        target, scale = args.on, str(args.on)
    elif not (args.reuse and args.out.is_file()):
        t0 = time.perf_counter()
        build(args.source, args.divisions, args.out, args.order)
        print(f"built {args.out} in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    result = measure(target, args.per_level, args.seed)
    if args.format == "json":
        print(json.dumps({"scale": scale, "queries": result}, ensure_ascii=False))
        return
    head = ("page", "queries", "p50 ms", "p95 ms", "CPU p50 ms", "CPU p95 ms")
    print("| " + " | ".join(head) + " |")
    print("|---" * len(head) + "|")
    for page, r in result.items():
        cells = (page, r["queries"], r["p50_ms"], r["p95_ms"], r["cpu_p50_ms"], r["cpu_p95_ms"])
        print("| " + " | ".join(str(c) for c in cells) + " |")


if __name__ == "__main__":
    main()
