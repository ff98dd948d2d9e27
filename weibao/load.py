"""Load step for engines that cannot read the columnar store in place.

On DuckDB, dbt reads the columnar copy of the submission store directly (external sources, see
models/staging/submissions/_submissions__sources.yml), so `weibao build` only syncs it. This
module materialises the same sources as tables in a connection's `raw` schema, for inspection
and for an engine that needs its raw tables loaded (issue "PostgreSQL and Spark").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from weibao.columnar import COLUMNAR, MANIFEST_PARQUET, MEASURES, sync
from weibao.paths import submissions_dir
from weibao.submission_types import SUBMISSION_TYPES

RAW_SCHEMA = "raw"


@dataclass(frozen=True)
class LoadResult:
    submissions: int
    rows: dict[str, int]


def _q(p: Path) -> str:
    return "'" + p.as_posix().replace("'", "''") + "'"


def load_submissions(con: duckdb.DuckDBPyConnection, root: Path | None = None) -> LoadResult:
    """Sync the columnar store, then create raw.submission_manifest and one raw table per
    submission type (and raw.indicator_measures) from it."""
    root = Path(root or submissions_dir())
    synced = sync(root)
    col = root / COLUMNAR
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    con.execute(
        f"create or replace table {RAW_SCHEMA}.submission_manifest as "
        f"select * from read_parquet({_q(col / MANIFEST_PARQUET)})"
    )
    for kind in [*SUBMISSION_TYPES, MEASURES]:
        con.execute(
            f"create or replace table {RAW_SCHEMA}.{kind} as "
            f"select * from read_parquet({_q(col / kind / '*.parquet')}, union_by_name = true)"
        )
    return LoadResult(submissions=synced.submissions, rows=synced.rows)
