"""The columnar store (issue 7): compacted, in step with the manifest, rebuildable.

One small store (永宁县, 96 villages, 2021-2025) is built; an agency resubmits one file; the
incremental sync adds exactly that submission; then the columnar copy is deleted and the
warehouse rebuilt from the originals and the manifest alone must equal the incremental one,
table by table. Plain `dbt build`, run as a statistician would, builds from the same store.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from weibao import columnar, demo, store
from weibao.build import build
from weibao.intake import submit
from weibao.paths import ROOT

COUNTY = "640121"  # 永宁县


@pytest.fixture(scope="module")
def small_store(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("columnar") / "store"
    demo.generate(root, counties=[COUNTY])
    return root


def _tables(path: Path) -> dict[str, pd.DataFrame]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [
            n
            for (n,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'main' and table_type = 'BASE TABLE' order by 1"
            ).fetchall()
        ]
        out = {}
        for n in names:
            cols = [
                c for (c,) in con.execute(f"select column_name from (describe main.{n})").fetchall()
            ]
            out[n] = con.execute(f"select * from main.{n} order by all").df()[cols]
        return out
    finally:
        con.close()


def _resubmit(root: Path) -> str:
    """A corrected child-directors file for 2024: every village has a director."""
    m = store.read_manifest(root)
    key = (
        (m.submission_type == "child_directors")
        & (m.jurisdiction_code == COUNTY)
        & (m.period == "2024")
        & (m.status == "accepted")
    )
    earlier = m[key].sort_values("received_at").iloc[-1]
    frame = pd.read_csv(root / earlier.stored_path, dtype={"org_unit_code": str})
    frame["child_director_count"] = frame.child_director_count.clip(lower=1)
    data = frame.rename(
        columns={
            "org_unit_code": "村(社区)代码",
            "year": "年度",
            "child_director_count": "儿童主任人数",
        }
    ).to_csv(index=False)
    receipt = submit(
        data.encode("utf-8"),
        "更正.csv",
        submission_type="child_directors",
        agency_code="civil_affairs",
        jurisdiction_code=COUNTY,
        period="2024",
        root=root,
        now=datetime.now(UTC) + timedelta(minutes=1),
    )
    assert receipt.status != "rejected", receipt.issues
    return receipt.submission_id


def test_incremental_sync_then_rebuild_from_originals_is_equal(small_store, tmp_path):
    first = build(tmp_path / "a.duckdb", submissions=small_store)
    col = small_store / columnar.COLUMNAR
    parts = sorted(p.relative_to(col) for p in col.rglob("part-*.parquet"))
    # a few files per type, never one per submission
    assert len(parts) <= len(columnar._kinds()) * columnar.MAX_PARTS
    accepted = (store.read_manifest(small_store).status == "accepted").sum()
    assert first.submissions == accepted > len(parts)

    sid = _resubmit(small_store)
    synced = columnar.sync(small_store)
    assert (synced.added, synced.rebuilt) == (1, False)
    con = duckdb.connect()
    index = con.execute(f"select * from read_parquet('{col / columnar.INDEX}')").df()
    assert set(index.loc[index.submission_id == sid, "kind"]) == {"child_directors"}
    assert columnar.sync(small_store).added == 0

    incremental = tmp_path / "b.duckdb"
    build(incremental, submissions=small_store)
    villages = con.execute(
        f"select count(*) from read_parquet('{ROOT / 'reference/divisions/divisions_2023.parquet'}') "
        "where county_code = ? and level = 'village'",
        [COUNTY],
    ).fetchone()[0]
    value = (
        duckdb.connect(str(incremental), read_only=True)
        .execute(
            "select value from fct_indicator_values where indicator_code = "
            "'child_director_coverage' and org_unit_code = ? and year = 2024",
            [COUNTY],
        )
        .fetchone()[0]
    )
    assert villages == 96 and float(value) == 100.0

    shutil.rmtree(col)
    rebuilt = tmp_path / "c.duckdb"
    again = build(rebuilt, submissions=small_store)
    assert again.submissions == accepted + 1
    a, b = _tables(incremental), _tables(rebuilt)
    assert a.keys() == b.keys() and "fct_indicator_values" in a
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)


def test_plain_dbt_build_reads_the_store(small_store, tmp_path):
    """`dbt build` as a statistician runs it: the default target, from the project folder."""
    columnar.sync(small_store)
    target = tmp_path / "build.duckdb"
    env = os.environ | {
        "WEIBAO_SUBMISSIONS": str(small_store),
        "WEIBAO_DUCKDB_PATH": str(target),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    }
    env.pop("WEIBAO_COMMITTEES", None)
    dbt = Path(sys.executable).with_name("dbt")
    result = subprocess.run(
        [str(dbt), "build", "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    con = duckdb.connect(str(target), read_only=True)
    n = con.execute(
        "select count(*) from fct_indicator_values where org_unit_code like ?", [COUNTY + "%"]
    ).fetchone()[0]
    assert n > 0
