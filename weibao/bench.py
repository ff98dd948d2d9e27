"""`weibao bench --scale county|province|national`: the build at scale, next to its floor.

Stages, each timed in this run: generate (demo submissions, in a child process), load (sync
of the columnar store), dbt build, audit, publish. The floor is one DuckDB statement that
reads every accepted measure from the columnar store (latest submission per key) and writes
its five-level roll-up into a table: the essential work, without dbt, tests or other marts.
Then one agency resubmits a file and the warehouse is republished (timed), and every
dashboard page's queries run for 20 random jurisdictions (p50/p95 per page).

Everything lives under --dir (default target/bench/<scale>/): its own committees file,
submission store and warehouse. A store generated earlier is reused (generate: null) unless
--regenerate. Correctness is checked, not time: the floor's child-director and
child-supervisor roll-up must equal fct_indicator_values at every level.
"""

from __future__ import annotations

import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from weibao.paths import DIVISIONS_FILE, REFERENCE_DIR, ROOT

SCALES = ("county", "province", "national")
PAGES_DIR = ROOT / "dashboards" / "views"
SAMPLE = 20


def _q(p: Path | str) -> str:
    return "'" + str(p).replace("'", "''") + "'"


FLOOR_SQL = """
create or replace table floor_rollup as
with
manifest as (select * from read_parquet({manifest})),
ranked as (
    select submission_id, row_number() over (
        partition by submission_type, agency_code, jurisdiction_code, period
        order by seq desc) as rn
    from manifest where status = 'accepted'
),
latest as (select submission_id from ranked where rn = 1),
measures as (
    select indicator_code, org_unit_code, year, numerator, denominator
    from read_parquet({measures})
    where quarter is null and submission_id in (select submission_id from latest)
    union all
    select 'child_director_coverage', org_unit_code, cast(year as integer),
        case when child_director_count >= 1 then 1 else 0 end, 1
    from read_parquet({directors})
    where submission_id in (select submission_id from latest)
    union all
    select 'child_supervisor_coverage', org_unit_code, cast(year as integer),
        case when child_supervisor_count >= 1 then 1 else 0 end, 1
    from read_parquet({supervisors})
    where submission_id in (select submission_id from latest)
),
placed as (
    select m.*, d.province_code, d.city_code, d.county_code, d.township_code,
        case when d.level = 'village' then d.code end as village_code
    from measures m join read_parquet({divisions}) d on d.code = m.org_unit_code
),
rolled as (
    select indicator_code, year,
        case
            when grouping(village_code) = 0 then village_code
            when grouping(township_code) = 0 then township_code
            when grouping(county_code) = 0 then county_code
            when grouping(city_code) = 0 then city_code
            else province_code
        end as org_unit_code,
        sum(numerator) as numerator, sum(denominator) as denominator
    from placed
    group by grouping sets (
        (indicator_code, year, province_code),
        (indicator_code, year, province_code, city_code),
        (indicator_code, year, province_code, city_code, county_code),
        (indicator_code, year, province_code, city_code, county_code, township_code),
        (indicator_code, year, province_code, city_code, county_code, township_code, village_code)
    )
)
select * from rolled where org_unit_code is not null
"""

CHECK_SQL = """
select count(*) as compared,
    count(*) filter (where f.numerator is distinct from v.numerator
        or f.denominator is distinct from v.denominator) as mismatched
from floor_rollup f
join pub.fct_indicator_values v using (indicator_code, org_unit_code, year)
where f.indicator_code in ('child_director_coverage', 'child_supervisor_coverage')
"""


def _machine() -> dict:
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    cpu = ""
    try:
        cpu = next(
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory": mem,
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }


def _page_functions() -> dict[str, list[str]]:
    """Page stem -> the data.<fn> it calls (read from the page source)."""
    out: dict[str, list[str]] = {}
    for page in sorted(PAGES_DIR.glob("*.py")):
        names = sorted(set(re.findall(r"\bdata\.([a-z_][a-z0-9_]*)\(", page.read_text("utf-8"))))
        out[page.stem] = names
    return out


def _time_queries(
    published: Path, rng: random.Random, sample: int = SAMPLE
) -> dict[str, dict[str, float]]:
    sys.path.insert(0, str(ROOT / "dashboards"))
    os.environ["WEIBAO_WAREHOUSE"] = str(published)
    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")  # no "No runtime found" per call
    import inspect
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)

    import data  # dashboards/data.py: the one data-access module

    for name in ("streamlit", "streamlit.runtime.caching.cache_data_api"):
        logging.getLogger(name).setLevel(logging.ERROR)  # set on import; quiet it after

    # the same cache key the dashboard uses: (engine, publication id)
    key = ("duckdb", f"{published}@{published.stat().st_mtime_ns}")
    con = duckdb.connect(str(published), read_only=True)
    try:
        units = con.execute(
            "select org_unit_code, level_rank from dim_org_units where org_unit_code in "
            "(select org_unit_code from fct_indicator_values) order by org_unit_code"
        ).fetchall()
        indicators = [
            i for (i,) in con.execute("select indicator_code from dim_indicators").fetchall()
        ]
        years = [
            y
            for (y,) in con.execute(
                "select distinct year from fct_indicator_values order by 1"
            ).fetchall()
        ]
    finally:
        con.close()
    by_level: dict[int, list[str]] = {}
    for code, rank in units:
        by_level.setdefault(rank, []).append(code)
    # 20 jurisdictions spread over the levels present
    levels = sorted(by_level)
    picks = [rng.choice(by_level[levels[i % len(levels)]]) for i in range(sample)]
    out: dict[str, dict[str, float]] = {}
    for stem, names in _page_functions().items():
        times: list[float] = []
        for name in names:
            fn = getattr(getattr(data, name, None), "__wrapped__", None)
            if fn is None:
                continue
            params = list(inspect.signature(fn).parameters.values())[1:]
            for code in picks:
                args = []
                for p in params:
                    if p.name in ("org_unit_code", "jurisdiction_code"):
                        args.append(code)
                    elif p.name == "year":
                        args.append(rng.choice(years))
                    elif p.name == "indicator_code":
                        args.append(rng.choice(indicators))
                    elif p.default is not inspect.Parameter.empty:
                        args.append(p.default)
                    else:
                        args = None
                        break
                if args is None:
                    break
                t = time.perf_counter()
                fn(key, *args)
                times.append((time.perf_counter() - t) * 1000)
        if times:
            times.sort()
            p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
            out[stem] = {
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(p95, 1),
                "n": len(times),
            }
    return out


def _resubmit(root: Path, county: str) -> None:
    """A corrected child-directors file for the county's last year, one minute later."""
    import pandas as pd

    from weibao.store import accept, read_manifest

    m = read_manifest(root)
    m = m[
        (m.submission_type == "child_directors")
        & (m.jurisdiction_code == county)
        & (m.status == "accepted")
    ]
    last = m.sort_values(["period", "received_at"]).iloc[-1]
    frame = pd.read_csv(root / last.stored_path, dtype={"org_unit_code": str})
    frame["child_director_count"] = frame.child_director_count.clip(lower=1)
    received = datetime.fromisoformat(last.received_at.replace("Z", "+00:00")) + timedelta(days=1)
    accept(
        submission_type="child_directors",
        agency_code="civil_affairs",
        jurisdiction_code=county,
        period=last.period,
        original=frame.to_csv(index=False).encode("utf-8"),
        original_filename="更正.csv",
        normalized=frame,
        received_at=min(received, datetime.now(UTC)),
        is_demo=True,
        root=root,
    )


def run(
    scale: str,
    jurisdiction: str | None = None,
    workdir: Path | None = None,
    regenerate: bool = False,
    progress=None,
    sample: int = SAMPLE,
) -> dict:
    say = progress or (lambda _m: None)
    workdir = Path(workdir or ROOT / "target" / "bench" / scale).resolve()
    root, committees = workdir / "store", workdir / "committees.csv"
    if regenerate:
        shutil.rmtree(root, ignore_errors=True)
    workdir.mkdir(parents=True, exist_ok=True)
    if not committees.exists():
        shutil.copy(REFERENCE_DIR / "committees.csv", committees)
    os.environ["WEIBAO_COMMITTEES"] = str(committees)
    os.environ["WEIBAO_SUBMISSIONS"] = str(root)

    from weibao import demo
    from weibao.divisions import add_committee, read_committees

    if jurisdiction and jurisdiction not in set(read_committees()["code"]):
        add_committee(jurisdiction, note="weibao bench")  # the bench's own committees file
    jurisdictions = demo.scale_jurisdictions(scale, jurisdiction, progress=say)
    stages: dict[str, float | None] = {}
    if (root / "manifest.csv").exists():
        say(f"reusing the store in {root} (--regenerate to generate again)")
        stages["generate"] = None
    else:
        say(f"generate: {', '.join(jurisdictions[:8])}{' …' if len(jurisdictions) > 8 else ''}")
        t = time.perf_counter()
        code = (
            "import sys; from pathlib import Path; from weibao import demo; "
            "demo.generate(Path(sys.argv[1]), jurisdictions=sys.argv[2].split(','), "
            "progress=lambda m: print(m, file=sys.stderr, flush=True))"
        )
        subprocess.run([sys.executable, "-c", code, str(root), ",".join(jurisdictions)], check=True)
        stages["generate"] = round(time.perf_counter() - t, 2)

    from weibao.build import build

    published = workdir / "weibao.duckdb"
    say("build …")
    result = build(published, progress=say, submissions=root)
    # the build's peak: ru_maxrss only grows, and the floor below (DuckDB's default memory
    # limit, 80% of RAM) can peak higher than the build it is compared with
    build_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for k in ("load", "dbt", "audit", "publish"):
        stages[k] = round(result.stages[k], 2)
    build_s = round(sum(result.stages[k] for k in ("load", "dbt", "audit", "publish")), 2)

    say("floor …")
    floor_db = workdir / "floor.duckdb"
    floor_db.unlink(missing_ok=True)
    con = duckdb.connect(str(floor_db))
    try:
        t = time.perf_counter()
        col = root / "columnar"
        sql = FLOOR_SQL.format(
            manifest=_q(col / "submission_manifest.parquet"),
            measures=_q(col / "indicator_measures" / "*.parquet"),
            directors=_q(col / "child_directors" / "*.parquet"),
            supervisors=_q(col / "child_supervisors" / "*.parquet"),
            divisions=_q(DIVISIONS_FILE),
        )
        t = time.perf_counter()
        con.execute(sql)
        floor_s = round(time.perf_counter() - t, 2)
        floor_rows = con.execute("select count(*) from floor_rollup").fetchone()[0]
        con.execute(f"attach {_q(published)} as pub (read_only)")
        compared, mismatched = con.execute(CHECK_SQL).fetchone()
        con.execute("detach pub")
    finally:
        con.close()
        floor_db.unlink(missing_ok=True)

    say("queries …")
    queries = _time_queries(published, random.Random(20220524), sample)

    say("republish after one resubmission …")
    county = next(c for c in demo.counties_under(jurisdictions))
    _resubmit(root, county)
    again = build(published, progress=say, submissions=root)
    republish_s = round(again.seconds, 2)

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    submissions = result.submissions
    return {
        "scale": scale,
        "jurisdictions": len(jurisdictions),
        "submissions": submissions,
        "nodes": result.nodes,
        "stages": stages,
        "build_s": build_s,
        "floor_s": floor_s,
        "ratio": round(build_s / floor_s, 2) if floor_s else None,
        "floor_rows": floor_rows,
        "peak_rss_mb": round(build_peak, 0),  # generation (a child process) not included
        "peak_rss_process_mb": round(peak, 0),  # the whole bench: build, floor, queries, republish
        "republish_s": republish_s,
        "republish_stages": {k: round(v, 2) for k, v in again.stages.items()},
        "queries": queries,
        "query_jurisdictions": sample,
        "check": {"compared": compared, "mismatched": mismatched},
        "machine": _machine(),
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def table(r: dict) -> str:
    s = r["stages"]
    fmt = lambda v: "-" if v is None else f"{v:.2f}"  # noqa: E731
    lines = [
        f"weibao bench --scale {r['scale']}  ({r['submissions']} submissions, {r['nodes']} dbt nodes, "
        f"{r['machine']['cpus']} cpus, {r['machine']['memory']}, {r['when']})",
        "",
        "| measure | seconds |",
        "|---|---|",
        *(f"| {k} | {fmt(s.get(k))} |" for k in ("generate", "load", "dbt", "audit", "publish")),
        f"| **build (load → publish)** | **{fmt(r['build_s'])}** |",
        f"| floor (one DuckDB statement) | {fmt(r['floor_s'])} |",
        f"| build ÷ floor | {r['ratio']} |",
        f"| republish after one resubmission | {fmt(r['republish_s'])} |",
        f"| peak RSS of the build | {r['peak_rss_mb']:.0f} MB |",
        f"| peak RSS of the whole bench (with the floor) | {r['peak_rss_process_mb']:.0f} MB |",
        "",
        "| page | p50 ms | p95 ms | queries |",
        "|---|---|---|---|",
        *(f"| {p} | {q['p50_ms']} | {q['p95_ms']} | {q['n']} |" for p, q in r["queries"].items()),
        "",
        f"check: floor = fct_indicator_values on {r['check']['compared']} rows, "
        f"{r['check']['mismatched']} mismatched",
    ]
    return "\n".join(lines)
