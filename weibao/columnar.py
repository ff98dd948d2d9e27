"""The columnar copy of the submission store: what dbt reads.

The original files and manifest.csv stay the source of truth. This module keeps, under
`<store>/columnar/`, a Parquet copy of every accepted submission that is compacted into a few
files per type, so a build reads a handful of Parquet files instead of one CSV per submission:

    columnar/submission_manifest.parquet      the manifest, typed (rewritten by each sync)
    columnar/approval_events.parquet          approvals, acceptances and unlocks
                                                (<people>/approvals.jsonl, rewritten by each sync)
    columnar/<type>/part-NNNNNN.parquet         rows of accepted submissions of that type
    columnar/indicator_measures/part-NNNNNN.parquet   generic types unpivoted to measures
    columnar/index.parquet                      which submission went into which live part

`sync()` brings it in step with the manifest: submissions not yet in the index are read in one
DuckDB statement per type and appended as a new part; a type with more than MAX_PARTS parts is
compacted into one. Every file is written under a temporary name and renamed into place, and
the index is replaced last, so a crash leaves at worst unreferenced parts, which the next sync
deletes. Deleting `columnar/` and syncing again rebuilds it from the originals alone.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from weibao.paths import submissions_dir
from weibao.settings import settings
from weibao.store import MANIFEST_COLUMNS, read_manifest
from weibao.submission_types import SUBMISSION_TYPES

COLUMNAR = "columnar"
MEASURES = "indicator_measures"
INDEX = "index.parquet"
MANIFEST_PARQUET = "submission_manifest.parquet"
APPROVALS_PARQUET = "approval_events.parquet"
# One row per event of <people>/approvals.jsonl, in file order (`event_seq`): the last event
# covering a submission key decides its approval status (weibao.approval, int_submission_approvals).
# `submission_type` is null for an event on every type.
APPROVAL_COLUMNS = {
    "event_seq": "bigint",
    "action": "varchar",
    "jurisdiction_code": "varchar",
    "period": "varchar",
    "submission_type": "varchar",
    "recorded_by": "varchar",
    "recorded_role": "varchar",
    "recorded_at": "varchar",
}
MAX_PARTS = 4
# Files per read_csv statement: keeps the SQL text and open-file count bounded.
BATCH_FILES = 20_000
# `seq` is the line's position in manifest.csv, assigned under the store's lock: the arrival
# order, by which "latest" is decided (two files in the same second resolve deterministically).
MANIFEST_TYPES = {c: "varchar" for c in MANIFEST_COLUMNS} | {
    "rows": "bigint",
    "is_demo": "boolean",
    "seq": "bigint",
}
MEASURE_COLUMNS = {
    "submission_id": "varchar",
    "submission_type": "varchar",
    "indicator_code": "varchar",
    "org_unit_code": "varchar",
    "year": "integer",
    "quarter": "integer",
    "numerator": "bigint",
    "denominator": "bigint",
}


@dataclass(frozen=True)
class SyncResult:
    submissions: int  # accepted submissions in the manifest
    added: int  # submissions appended by this sync
    rows: dict[str, int]  # rows per type (and indicator_measures) now in the store
    rebuilt: bool
    problems: list[str] = field(default_factory=list)  # manifest lines skipped, in words


def _q(s: str | Path) -> str:
    return "'" + str(s).replace("'", "''") + "'"


def _struct(types: dict[str, str]) -> str:
    return "{" + ", ".join(f"{_q(k)}: {_q(v)}" for k, v in types.items()) + "}"


def type_columns(code: str) -> dict[str, str]:
    return {c.name: c.sql_type.lower() for c in SUBMISSION_TYPES[code].columns}


def _kinds() -> list[str]:
    return [*SUBMISSION_TYPES, MEASURES]


def _schema(kind: str) -> dict[str, str]:
    if kind == MEASURES:
        return MEASURE_COLUMNS
    return type_columns(kind) | {"submission_id": "varchar"}


def _empty(kind: str) -> str:
    cols = ", ".join(f"cast(null as {t}) as {c}" for c, t in _schema(kind).items())
    return f"select {cols} where false"


def _atomic_copy(con: duckdb.DuckDBPyConnection, select: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name("." + path.name + ".tmp")
    try:
        con.execute(f"copy ({select}) to {_q(tmp)} (format parquet, compression zstd)")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk leaves no half-written part behind
        raise


def _manifest_select(con: duckdb.DuckDBPyConnection, root: Path) -> tuple[str, list[str]]:
    """The manifest typed, with its arrival `seq`, and the lines skipped, in words.

    Read in Python (weibao.store.read_manifest), not by DuckDB's CSV reader: a torn last line
    (a writer killed mid-line) or a malformed line is skipped and reported instead of
    stopping the build. The frame is registered on `con` as `manifest_frame`."""
    frame = read_manifest(root)
    con.register("manifest_frame", frame)
    casts = ", ".join(
        f"cast(nullif({c}, '') as {t}) as {c}" if t == "bigint" else f"cast({c} as {t}) as {c}"
        for c, t in MANIFEST_TYPES.items()
    )
    problems = [p.describe() for p in frame.attrs.get("problems", [])]
    return f"select {casts} from manifest_frame order by cast(seq as bigint)", problems


def write_approvals(con: duckdb.DuckDBPyConnection, root: Path, col: Path) -> int:
    """Write the approval events of the store's people folder as Parquet (all of them, each
    sync: the file is small and append-only, and an unlock must reach the next build)."""
    from weibao.approval import read
    from weibao.paths import people_dir

    events = read(people_dir(root))
    rows = [
        (i, e.action, e.jurisdiction, e.period, e.type or None, e.who, e.role, e.at)
        for i, e in enumerate(events, start=1)
    ]
    con.execute(
        "create or replace temp table approval_events ("
        + ", ".join(f"{c} {t}" for c, t in APPROVAL_COLUMNS.items())
        + ")"
    )
    if rows:
        con.executemany(
            f"insert into approval_events values ({', '.join('?' * len(APPROVAL_COLUMNS))})", rows
        )
    _atomic_copy(con, "select * from approval_events order by event_seq", col / APPROVALS_PARQUET)
    con.execute("drop table approval_events")
    return len(rows)


def _measures_select(code: str, source: str) -> list[str]:
    stype = SUBMISSION_TYPES[code]
    names = {c.name for c in stype.columns}
    quarter = "cast(quarter as integer)" if "quarter" in names else "cast(null as integer)"
    out = []
    for m in stype.measures:
        denominator = "null" if m.denominator is None else m.denominator
        out.append(
            f"select submission_id, {_q(code)} as submission_type, "
            f"{_q(m.indicator_code)} as indicator_code, org_unit_code, "
            f"cast(year as integer) as year, {quarter} as quarter, "
            f"cast({m.numerator} as bigint) as numerator, "
            f"cast({denominator} as bigint) as denominator from {source}"
        )
    return out


def _read_csvs(code: str, paths: list[str]) -> str:
    files = "[" + ", ".join(_q(p) for p in paths) + "]"
    return (
        f"select * exclude (filename), regexp_extract(filename, '([^/]+)\\.csv$', 1) "
        f"as submission_id from read_csv({files}, header = true, filename = true, "
        f"auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
        f"columns = {_struct({k: v.upper() for k, v in type_columns(code).items()})})"
    )


def _part_schema_ok(con: duckdb.DuckDBPyConnection, path: Path, kind: str) -> bool:
    cols = con.execute(
        f"select name from parquet_schema({_q(path)}) where num_children is null"
    ).fetchall()
    return [c for (c,) in cols] == list(_schema(kind))


def sync(root: Path | None = None, progress=None) -> SyncResult:
    """Bring `<root>/columnar/` in step with the manifest (see the module docstring)."""
    root = Path(root or submissions_dir())
    col = root / COLUMNAR
    say = progress or (lambda _m: None)
    # Row order inside a part means nothing (compaction sorts by submission_id explicitly), and
    # keeping it made DuckDB buffer the whole union of measures: the national store's
    # 34.6M-row measures part peaked at 8.9 GB; without it, 0.3 GB and faster (benchmarks/README.md).
    # The memory limit is the build's (duckdb_memory_limit in weibao.toml).
    con = duckdb.connect(
        config={
            "preserve_insertion_order": False,
            "memory_limit": settings().duckdb_memory_limit,
        }
    )
    try:
        return _sync(con, root, col, say)
    finally:
        con.close()


def _sync(con, root: Path, col: Path, say) -> SyncResult:
    col.mkdir(parents=True, exist_ok=True)
    select, problems = _manifest_select(con, root)
    _atomic_copy(con, select, col / MANIFEST_PARQUET)
    con.unregister("manifest_frame")
    write_approvals(con, root, col)
    con.execute(
        f"create temp table accepted as select submission_id, submission_type, stored_path "
        f"from read_parquet({_q(col / MANIFEST_PARQUET)}) where status = 'accepted'"
    )
    index_path = col / INDEX
    rebuilt = False
    if index_path.exists():
        con.execute(f"create temp table idx as select * from read_parquet({_q(index_path)})")
        live = {(k, p) for k, p in con.execute("select distinct kind, part from idx").fetchall()}
        # a part the index names must exist and have today's columns; otherwise start over
        if any(
            not (col / k / p).exists() or not _part_schema_ok(con, col / k / p, k) for k, p in live
        ) or {k for k, _ in live} != set(_kinds()):
            rebuilt = True
    else:
        rebuilt = True
    if rebuilt:
        for kind in _kinds():
            shutil.rmtree(col / kind, ignore_errors=True)
        con.execute(
            "create or replace temp table idx (submission_id varchar, kind varchar, part varchar)"
        )
    # parts no index row names are leftovers of an interrupted sync
    live = {(k, p) for k, p in con.execute("select distinct kind, part from idx").fetchall()}
    for kind in _kinds():
        for f in (col / kind).glob("*.parquet") if (col / kind).exists() else []:
            if (kind, f.name) not in live:
                f.unlink()
        for f in (col / kind).glob(".*.tmp") if (col / kind).exists() else []:
            f.unlink()
    seq = 1 + max([int(p.removeprefix("part-").removesuffix(".parquet")) for _k, p in live] or [0])

    new = con.execute(
        "select submission_type, submission_id, stored_path from accepted "
        "where submission_id not in (select submission_id from idx where submission_id is not null) "
        "order by submission_type, submission_id"
    ).fetchall()
    by_type: dict[str, list[tuple[str, str]]] = {}
    for code, sid, path in new:
        if code in SUBMISSION_TYPES:
            by_type.setdefault(code, []).append((sid, path))
    index_rows: list[tuple[str | None, str, str]] = []
    measure_sources: list[str] = []
    for code, items in by_type.items():
        missing = [p for _s, p in items if not (root / p).exists()]
        if missing:
            raise FileNotFoundError(
                "清单中登记的已接收文件不存在 / accepted file listed in the manifest is missing: "
                f"{root / missing[0]}"
            )
        for start in range(0, len(items), BATCH_FILES):
            batch = items[start : start + BATCH_FILES]
            part = f"part-{seq:06d}.parquet"
            seq += 1
            select = _read_csvs(code, [(root / p).as_posix() for _s, p in batch])
            # one thread: with two, COPY's order-preserving merge of many small files grows
            # faster than the files (14,890 CSVs: 60 s with two threads, 8 s with one)
            con.execute("set threads = 1")
            try:
                _atomic_copy(con, select, col / code / part)
            finally:
                con.execute("reset threads")
            index_rows += [(s, code, part) for s, _p in batch]
            if SUBMISSION_TYPES[code].measures:
                measure_sources += _measures_select(code, f"read_parquet({_q(col / code / part)})")
        say(f"    {code}: +{len(items)}")
    if measure_sources:
        part = f"part-{seq:06d}.parquet"
        seq += 1
        _atomic_copy(con, " union all ".join(measure_sources), col / MEASURES / part)
        index_rows += [
            (s, MEASURES, part)
            for code, items in by_type.items()
            if SUBMISSION_TYPES[code].measures
            for s, _p in items
        ]
    # every kind keeps at least one part, so readers always find its columns
    for kind in _kinds():
        has = con.execute("select count(*) from idx where kind = ?", [kind]).fetchall()[0][0]
        if not has and not any(k == kind for _s, k, _p in index_rows):
            part = f"part-{seq:06d}.parquet"
            seq += 1
            _atomic_copy(con, _empty(kind), col / kind / part)
            index_rows.append((None, kind, part))
    if index_rows:
        # one Arrow table, not executemany (which runs one insert per row: 11 minutes for
        # the 800k index rows of a national store)
        added = pd.DataFrame(index_rows, columns=["submission_id", "kind", "part"], dtype=object)
        con.register("added_rows", added)
        con.execute("insert into idx select * from added_rows")
        con.unregister("added_rows")
    # compact kinds with too many parts into one
    dropped: list[Path] = []
    for kind in _kinds():
        parts = [
            p
            for (p,) in con.execute(
                "select distinct part from idx where kind = ? order by part", [kind]
            ).fetchall()
        ]
        if len(parts) <= MAX_PARTS:
            continue
        part = f"part-{seq:06d}.parquet"
        seq += 1
        files = "[" + ", ".join(_q(col / kind / p) for p in parts) + "]"
        _atomic_copy(
            con, f"select * from read_parquet({files}) order by submission_id", col / kind / part
        )
        con.execute("update idx set part = ? where kind = ?", [part, kind])
        # keep one marker row per kind without submissions so the part stays live
        dropped += [col / kind / p for p in parts]
        say(f"    {kind}: {len(parts)} parts compacted into 1")
    if index_rows or dropped or rebuilt:
        _atomic_copy(
            con, "select distinct * from idx order by kind, part, submission_id", index_path
        )
    for f in dropped:
        f.unlink(missing_ok=True)
    rows = {
        kind: con.execute(
            f"select count(*) from read_parquet({_q(col / kind / '*.parquet')})"
        ).fetchone()[0]
        for kind in _kinds()
    }
    n = con.execute("select count(*) from accepted").fetchone()[0]
    return SyncResult(submissions=n, added=len(new), rows=rows, rebuilt=rebuilt, problems=problems)
