"""`weibao bench --scale county --format json` (issue 7): the keys and the table, and the
floor agreeing with the marts. CI asserts correctness here, never time."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import duckdb

from weibao.bench import table
from weibao.paths import DIVISIONS_FILE

STAGES = {"generate", "load", "dbt", "audit", "publish"}


def test_county_bench_json(tmp_path):
    env = os.environ.copy()
    for k in ("WEIBAO_COMMITTEES", "WEIBAO_SUBMISSIONS", "WEIBAO_WAREHOUSE"):
        env.pop(k, None)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "weibao",
            "bench",
            "--scale",
            "county",
            "--format",
            "json",
            "--sample",
            "3",
            "--dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    r = json.loads(result.stdout)
    assert r["scale"] == "county" and r["jurisdictions"] == 1
    assert set(r["stages"]) == STAGES
    assert all(r["stages"][k] > 0 for k in STAGES - {"publish"})  # publish: one rename
    assert r["stages"]["publish"] >= 0
    stages_sum = sum(r["stages"][k] for k in ("load", "dbt", "audit", "publish"))
    assert abs(r["build_s"] - stages_sum) < 0.05
    assert r["floor_s"] > 0 and abs(r["ratio"] - r["build_s"] / r["floor_s"]) < 0.05
    assert 0 < r["peak_rss_mb"] <= r["peak_rss_process_mb"] and r["republish_s"] > 0
    # the floor's coverage roll-up equals the warehouse's, at every level of 桐乡市's tree:
    # 221 villages + 11 townships for directors, 11 townships for supervisors, each with its
    # county, city and province, for 5 years
    con = duckdb.connect()
    villages, towns = con.execute(
        f"select count(*) filter (where level = 'village'), count(*) filter "
        f"(where level = 'township') from read_parquet('{DIVISIONS_FILE}') "
        "where county_code = '330483'"
    ).fetchone()
    assert (villages, towns) == (221, 11)
    expected = 5 * ((villages + towns + 3) + (towns + 3))
    assert r["check"] == {"compared": expected, "mismatched": 0}
    for page in ("overview", "regions", "indicator", "supervision"):
        assert r["queries"][page]["n"] > 0
        assert 0 < r["queries"][page]["p50_ms"] <= r["queries"][page]["p95_ms"]
    assert (tmp_path / "weibao.duckdb").is_file()

    text = table(r)
    assert "build ÷ floor" in text and f"**{r['build_s']:.2f}**" in text
    assert "| overview |" in text and "0 mismatched" in text
