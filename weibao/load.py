"""Load step: accepted submission files -> the `raw` schema of a DuckDB file.

This is the one engine-specific step of the pipeline (DuckDB's CSV reader). Everything after
it is dbt SQL that also runs on PostgreSQL. Raw tables hold every accepted file; choosing the
latest submission per key happens in dbt staging, where it is visible in the lineage.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from weibao.paths import submissions_dir
from weibao.store import MANIFEST, MANIFEST_COLUMNS
from weibao.submission_types import SUBMISSION_TYPES

RAW_SCHEMA = "raw"
_MANIFEST_TYPES = {c: "VARCHAR" for c in MANIFEST_COLUMNS} | {
    "rows": "BIGINT",
    "is_demo": "BOOLEAN",
}


@dataclass(frozen=True)
class LoadResult:
    submissions: int
    rows: dict[str, int]


def _quote(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _columns_literal(types: dict[str, str]) -> str:
    return "{" + ", ".join(f"{_quote(k)}: {_quote(v)}" for k, v in types.items()) + "}"


def load_submissions(con: duckdb.DuckDBPyConnection, root: Path | None = None) -> LoadResult:
    """Create raw.submission_manifest and one raw table per submission type."""
    root = root or submissions_dir()
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    manifest = root / MANIFEST
    empty_manifest = ", ".join(f"cast(null as {t}) as {c}" for c, t in _MANIFEST_TYPES.items())
    if manifest.exists():
        con.execute(
            f"create or replace table {RAW_SCHEMA}.submission_manifest as "
            f"select * from read_csv({_quote(manifest.as_posix())}, header = true, "
            f"columns = {_columns_literal(_MANIFEST_TYPES)})"
        )
    else:
        con.execute(
            f"create or replace table {RAW_SCHEMA}.submission_manifest as "
            f"select {empty_manifest} where false"
        )
    rows: dict[str, int] = {}
    for code, stype in SUBMISSION_TYPES.items():
        types = {c.name: c.sql_type.upper() for c in stype.columns}
        paths = [
            (root / p).as_posix()
            for (p,) in con.execute(
                f"select stored_path from {RAW_SCHEMA}.submission_manifest "
                "where status = 'accepted' and submission_type = ? order by stored_path",
                [code],
            ).fetchall()
        ]
        missing = [p for p in paths if not Path(p).exists()]
        if missing:
            raise FileNotFoundError(
                f"清单中登记的已接收文件不存在 / accepted file listed in the manifest is missing: "
                f"{missing[0]}"
            )
        if paths:
            file_list = "[" + ", ".join(_quote(p) for p in paths) + "]"
            select = (
                f"select *, regexp_extract(filename, '([^/]+)\\.csv$', 1) as submission_id "
                f"from read_csv({file_list}, header = true, filename = true, "
                f"auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
                f"columns = {_columns_literal(types)})"
            )
            con.execute(
                f"create or replace table {RAW_SCHEMA}.{code} as "
                f"select * exclude (filename) from ({select})"
            )
        else:
            cols = ", ".join(f"cast(null as {t}) as {c}" for c, t in types.items())
            con.execute(
                f"create or replace table {RAW_SCHEMA}.{code} as "
                f"select {cols}, cast(null as varchar) as submission_id where false"
            )
        rows[code] = con.execute(f"select count(*) from {RAW_SCHEMA}.{code}").fetchone()[0]
    rows["indicator_measures"] = _unpivot_measures(con)
    n = con.execute(f"select count(*) from {RAW_SCHEMA}.submission_manifest").fetchone()[0]
    return LoadResult(submissions=n, rows=rows)


def _unpivot_measures(con: duckdb.DuckDBPyConnection) -> int:
    """raw.indicator_measures: one row per submitted row and indicator of the generic types,
    with the numerator and denominator the registry names. Staging then treats every such
    indicator alike."""
    selects = []
    for code, stype in SUBMISSION_TYPES.items():
        names = {c.name for c in stype.columns}
        quarter = "cast(quarter as integer)" if "quarter" in names else "cast(null as integer)"
        for m in stype.measures:
            denominator = (
                "null"
                if m.denominator is None
                else ("1" if m.denominator == "1" else m.denominator)
            )
            selects.append(
                f"select submission_id, {_quote(code)} as submission_type, "
                f"{_quote(m.indicator_code)} as indicator_code, org_unit_code, "
                f"cast(year as integer) as year, {quarter} as quarter, "
                f"cast({m.numerator} as bigint) as numerator, "
                f"cast({denominator} as bigint) as denominator "
                f"from {RAW_SCHEMA}.{code}"
            )
    if not selects:
        selects.append(
            "select cast(null as varchar) as submission_id, cast(null as varchar) as "
            "submission_type, cast(null as varchar) as indicator_code, cast(null as varchar) "
            "as org_unit_code, cast(null as integer) as year, cast(null as integer) as quarter, "
            "cast(null as bigint) as numerator, cast(null as bigint) as denominator where false"
        )
    con.execute(
        f"create or replace table {RAW_SCHEMA}.indicator_measures as " + " union all ".join(selects)
    )
    return con.execute(f"select count(*) from {RAW_SCHEMA}.indicator_measures").fetchone()[0]
