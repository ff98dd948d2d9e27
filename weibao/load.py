"""Load step for engines that cannot read the columnar store in place.

On DuckDB, dbt reads the columnar copy of the submission store directly (external sources, see
models/staging/submissions/_submissions__sources.yml), so `weibao build` only syncs it. This
module materialises the same sources as tables in a connection's `raw` schema, for inspection
and for an engine that needs its raw tables loaded (issue "PostgreSQL and Spark").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from weibao import submission_types
from weibao.columnar import APPROVALS_PARQUET, COLUMNAR, MANIFEST_PARQUET, MEASURES, sync
from weibao.paths import ROOT, submissions_dir

RAW_SCHEMA = "raw"


@dataclass(frozen=True)
class LoadResult:
    submissions: int
    rows: dict[str, int]
    problems: list[str] = field(default_factory=list)  # manifest lines skipped, in words


def _q(p: Path) -> str:
    return "'" + p.as_posix().replace("'", "''") + "'"


def load_submissions(con: duckdb.DuckDBPyConnection, root: Path | None = None) -> LoadResult:
    """Sync the columnar store, then create raw.submission_manifest, raw.approval_events and one
    raw table per submission type (and raw.indicator_measures) from it."""
    root = Path(root or submissions_dir())
    synced = sync(root)
    col = root / COLUMNAR
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    con.execute(
        f"create or replace table {RAW_SCHEMA}.submission_manifest as "
        f"select * from read_parquet({_q(col / MANIFEST_PARQUET)})"
    )
    con.execute(
        f"create or replace table {RAW_SCHEMA}.approval_events as "
        f"select * from read_parquet({_q(col / APPROVALS_PARQUET)})"
    )
    for kind in [*submission_types.SUBMISSION_TYPES, MEASURES]:
        con.execute(
            f"create or replace table {RAW_SCHEMA}.{kind} as "
            f"select * from read_parquet({_q(col / kind / '*.parquet')}, union_by_name = true)"
        )
    write_schedule(SCHEDULE_FILE)
    con.execute(
        f"create or replace table {RAW_SCHEMA}.submission_schedule as "
        f"select * from {SCHEDULE_READ.format(path=_q(SCHEDULE_FILE))}"
    )
    return LoadResult(submissions=synced.submissions, rows=synced.rows, problems=synced.problems)


# Who must submit what and by when, written from the type definitions (expectations/*.yml) so
# they stay the one source of truth; dbt reads it as source definitions.submission_schedule.
SCHEDULE_FILE = ROOT / "target" / "definitions" / "submission_schedule.csv"
SCHEDULE_COLUMNS = {
    "submission_type": "varchar",
    "agency_code": "varchar",
    "level_of_jurisdiction": "varchar",
    "period_kind": "varchar",
    "deadline_days": "integer",
    "name_zh": "varchar",
    "name_en": "varchar",
    "source_note": "varchar",
}
SCHEDULE_READ = (
    "read_csv({path}, header = true, auto_detect = false, columns = {{"
    + ", ".join(f"'{c}': '{t}'" for c, t in SCHEDULE_COLUMNS.items())
    + "}})"
)


def write_schedule(path: Path = SCHEDULE_FILE) -> int:
    """Write the schedule rows of submission_types.schedule_rows() as CSV (atomically)."""
    import csv
    import os

    rows = submission_types.schedule_rows()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(SCHEDULE_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    os.replace(tmp, path)
    return len(rows)
