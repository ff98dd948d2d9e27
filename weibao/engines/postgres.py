"""PostgreSQL: write, audit, publish on a server.

The connection is libpq's: the standard PG* environment variables (PGHOST, PGPORT, PGUSER,
PGPASSWORD or ~/.pgpass, PGDATABASE, PGSSLMODE), the same ones the `postgres` target of
profiles.yml reads. The published schema is `pg_schema` in weibao.toml (WEIBAO_PG_SCHEMA).

A build, with P the published schema (default `weibao`) and B = `P_build_<id>`:

1. Load: the DuckDB load step fills the raw tables in a scratch in-memory DuckDB; each is
   copied into `B_raw` with `COPY … FROM STDIN` (CSV). Nothing else differs by engine.
2. `dbt build --target postgres` into schema B (marts) and B_staging, B_intermediate,
   B_reference: every model, contract and test runs there, away from the published schemas.
3. Audit, then publish in one transaction: lock P's tables (NOWAIT, retried), rename the family P* to
   `P_old_<time>*` and B* to P*, record the build id as P's comment (the publication id).
   A reader's query waits for the lock for milliseconds and then sees the new tables, or it
   ran before and saw the old ones; it never sees a missing table.
4. Retired families are dropped once older than `pg_grace_seconds`, at the next build.

Any failure drops B*; P is never touched before step 3.
"""

from __future__ import annotations

import io
import os
import random
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from weibao.engines import EngineError
from weibao.errors import WeibaoError

# Schemas of one build or publication: marts, then the layers generate_schema_name puts beside.
LAYERS = ("", "_staging", "_intermediate", "_reference", "_raw")
MART_TABLES = ("dim_org_units", "dim_indicators", "dim_targets", "fct_indicator_values")
_IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,29}$")
_STAMP = "%Y%m%dt%H%M%S"  # lower case: PostgreSQL folds unquoted names

# DuckDB type (information_schema.columns.data_type) -> PostgreSQL column type for raw tables.
_TYPES = {
    "VARCHAR": "varchar",
    "BOOLEAN": "boolean",
    "TINYINT": "smallint",
    "SMALLINT": "smallint",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "HUGEINT": "numeric(38, 0)",
    "DOUBLE": "double precision",
    "FLOAT": "real",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamp with time zone",
}


def published_schema() -> str:
    from weibao.settings import settings

    name = settings().pg_schema
    if not _IDENT.match(name):
        raise WeibaoError(
            f"PostgreSQL 模式名不合规: {name}",
            f"invalid PostgreSQL schema name: {name}",
            "pg_schema(WEIBAO_PG_SCHEMA)只用小写字母、数字和下划线,不超过 30 个字符",
        )
    return name


def connect(**kwargs: Any):
    """A libpq connection from the PG* variables; a clear message if the server is not there."""
    import psycopg2

    try:
        return psycopg2.connect("", connect_timeout=10, **kwargs)
    except psycopg2.Error as exc:
        where = f"{os.environ.get('PGHOST', 'localhost')}:{os.environ.get('PGPORT', '5432')}"
        raise WeibaoError(
            f"无法连接 PostgreSQL({where})",
            f"cannot connect to PostgreSQL at {where}",
            "检查 PGHOST、PGPORT、PGUSER、PGPASSWORD(或 ~/.pgpass)和 PGDATABASE",
            [str(exc).strip()],
        ) from exc


# ---- reading the publication ----------------------------------------------------------------


def describe() -> str:
    return (
        f"postgresql://{os.environ.get('PGHOST', 'localhost')}:{os.environ.get('PGPORT', '5432')}"
        f"/{os.environ.get('PGDATABASE', '')} schema {published_schema()}"
    )


def _read(sql: str, params: list[Any] | None = None) -> tuple[list[str], list[int], list[tuple]]:
    import psycopg2

    schema = published_schema()
    try:
        con = connect(options=f"-c search_path={schema} -c default_transaction_read_only=on")
    except WeibaoError as exc:
        raise EngineError(f"{exc.message_en}: {'; '.join(exc.details)}") from exc
    try:
        with con.cursor() as cur:
            cur.execute(qmark_to_format(sql), [_plain(p) for p in params or []])
            names = [d.name for d in cur.description]
            codes = [d.type_code for d in cur.description]
            return names, codes, cur.fetchall()
    except psycopg2.Error as exc:
        raise EngineError(str(exc).strip()) from exc
    finally:
        con.close()


def available() -> bool:
    try:
        return publication_id() != ""
    except EngineError:
        return False


def publication_id() -> str:
    """The build id recorded on the published schema when it was swapped in."""
    schema = published_schema()
    _, _, rows = _read(
        "select coalesce(obj_description(oid, 'pg_namespace'), '') from pg_namespace "
        "where nspname = ?",
        [schema],
    )
    if not rows:
        raise EngineError(f"no published schema {schema}")
    return f"{schema}@{rows[0][0]}"


# PostgreSQL type OIDs turned into the pandas dtypes DuckDB's .df() gives, so pages and tests see
# the same frame on either engine: decimals as float64, integers as int32/int64 (nullable Int32/
# Int64 when a value is missing), booleans as bool (nullable boolean), dates as datetime64.
_NUMERIC, _FLOATS = 1700, (700, 701)
_INTS = {20: "int64", 21: "int32", 23: "int32"}
_DATES = (1082, 1114, 1184)
_BOOL = 16


def query(sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    names, codes, rows = _read(sql, params)
    frame = (
        pd.DataFrame.from_records(rows, columns=names)
        if rows
        else pd.DataFrame({n: pd.Series(dtype=object) for n in names})
    )
    for name, code in zip(names, codes, strict=True):
        col = frame[name]
        if code == _NUMERIC or code in _FLOATS:
            frame[name] = pd.to_numeric(col.astype(object), errors="coerce").astype("float64")
        elif code in _INTS:
            kind = _INTS[code]
            frame[name] = col.astype(kind.capitalize() if col.isna().any() else kind)
        elif code in _DATES:
            frame[name] = pd.to_datetime(col).astype("datetime64[us]")
        elif code == _BOOL:
            frame[name] = col.astype("boolean" if col.isna().any() else bool)
    return frame


def qmark_to_format(sql: str) -> str:
    """`?` placeholders (PEP 249 qmark, as DuckDB takes them) to psycopg2's `%s`, leaving
    string literals alone; a literal % is doubled."""
    parts = re.split(r"('(?:[^']|'')*')", sql)
    for i in range(0, len(parts), 2):
        parts[i] = parts[i].replace("%", "%%").replace("?", "%s")
    return "".join(parts)


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value  # numpy scalars


# ---- load step ------------------------------------------------------------------------------


def load(con, raw_schema: str, submissions: Path):
    """Fill `raw_schema` with the raw tables the DuckDB load step produces, by COPY."""
    from weibao.engines.raw import scratch_raw
    from weibao.load import RAW_SCHEMA

    with scratch_raw(submissions) as (scratch, loaded, tables):
        with con.cursor() as cur:
            cur.execute(f"create schema {raw_schema}")
            for table in tables:
                columns = scratch.execute(
                    "select column_name, data_type from information_schema.columns "
                    "where table_schema = ? and table_name = ? order by ordinal_position",
                    [RAW_SCHEMA, table],
                ).fetchall()
                cur.execute(
                    f"create table {raw_schema}.{table} ("
                    + ", ".join(f"{c} {_pg_type(t)}" for c, t in columns)
                    + ")"
                )
                cur.copy_expert(
                    f"copy {raw_schema}.{table} from stdin with (format csv)",
                    _csv(scratch, f"{RAW_SCHEMA}.{table}"),
                )
                # Fresh tables have no statistics: without them the planner guesses a few
                # dozen rows and picks nested loops (a demo build ran for minutes).
                cur.execute(f"analyze {raw_schema}.{table}")
        con.commit()
        return loaded


def _pg_type(duck: str) -> str:
    duck = duck.upper()
    if duck.startswith("DECIMAL"):
        return duck.lower().replace("decimal", "numeric")
    if duck not in _TYPES:
        raise WeibaoError(
            f"原始表中有 PostgreSQL 加载步骤不认识的类型 {duck}",
            f"raw table has a type the PostgreSQL load step does not map: {duck}",
            "在 weibao/engines/postgres.py 的 _TYPES 中加入它",
        )
    return _TYPES[duck]


def _csv(scratch, relation: str) -> io.BytesIO:
    """The table as CSV in PostgreSQL's dialect: NULL unquoted-empty, '' quoted."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.csv"
        scratch.execute(f"copy {relation} to '{path.as_posix()}' (format csv, header false)")
        return io.BytesIO(path.read_bytes())


# ---- build and publish ----------------------------------------------------------------------


def _family(base: str) -> list[str]:
    return [base + layer for layer in LAYERS]


def _existing(cur, names: list[str]) -> list[str]:
    cur.execute("select nspname from pg_namespace where nspname = any(%s)", (names,))
    found = {r[0] for r in cur.fetchall()}
    return [n for n in names if n in found]


def drop_family(con, base: str) -> None:
    with con.cursor() as cur:
        for name in _existing(cur, _family(base)):
            cur.execute(f"drop schema {name} cascade")
    con.commit()


def publish(
    con,
    build_schema: str,
    build_id: str,
    now: datetime | None = None,
    wait_seconds: float | None = None,
) -> str | None:
    """Swap the build's schemas in for the published ones in one transaction; returns the
    retired base name (or None on the first publication).

    The publisher takes its table locks with NOWAIT and retries, so it never waits while holding
    a lock: a reader that holds one table and waits for another (a join) can then never be part
    of a deadlock with it. (Waiting locks deadlocked here: the reader, not the publisher, was
    chosen as the victim and the dashboard showed an error.) If readers hold the tables for
    longer than `pg_publish_wait_seconds`, the build is refused and the publication unchanged.
    """
    import psycopg2.errors

    from weibao.settings import settings

    published = published_schema()
    retired = f"{published}_old_{(now or datetime.now(UTC)).strftime(_STAMP)}"
    wait = settings().pg_publish_wait_seconds if wait_seconds is None else wait_seconds
    deadline = time.monotonic() + wait
    attempt = 0
    while True:
        with con.cursor() as cur:
            cur.execute(
                "select tablename from pg_tables where schemaname = %s order by tablename",
                (published,),
            )
            tables = [r[0] for r in cur.fetchall()]
            if tables:
                # Readers that already resolved a table finish first; later ones wait, then
                # resolve the name again and find the new table.
                try:
                    cur.execute(
                        "lock table "
                        + ", ".join(f"{published}.{t}" for t in tables)
                        + " in access exclusive mode nowait"
                    )
                except psycopg2.errors.LockNotAvailable:
                    con.rollback()
                    if time.monotonic() >= deadline:
                        raise WeibaoError(
                            f"已发布的数据在 {wait:g} 秒内一直被查询占用,本次构建未发布;"
                            "当前发布保持不变",
                            f"queries held the published tables for {wait:g} s; this build was "
                            "not published and the current publication is unchanged",
                            "稍后重新运行 weibao build;或在 pg_stat_activity 中查找长时间运行的"
                            "查询;或调大 weibao.toml 的 pg_publish_wait_seconds",
                        ) from None
                    attempt += 1
                    time.sleep(min(0.02, 0.001 * attempt) * (0.5 + random.random()))
                    continue
            old = _existing(cur, _family(published))
            for layer in LAYERS:
                if published + layer in old:
                    cur.execute(f"alter schema {published + layer} rename to {retired + layer}")
            for layer in LAYERS:
                if _existing(cur, [build_schema + layer]):
                    cur.execute(
                        f"alter schema {build_schema + layer} rename to {published + layer}"
                    )
            cur.execute(f"comment on schema {published} is %s", (build_id,))
        con.commit()
        return retired if old else None


# A build killed before it could clean up (kill -9, power cut) leaves its schemas behind; one
# that old cannot still be running.
STALE_BUILD = timedelta(days=1)


def drop_retired(con, grace_seconds: float, now: datetime | None = None) -> list[str]:
    """Drop retired publications older than the grace period (readers have moved on), and
    builds abandoned more than a day ago."""
    published = published_schema()
    now = now or datetime.now(UTC)
    retired = re.compile(rf"^{published}_old_(\d{{8}}t\d{{6}})$")
    abandoned = re.compile(rf"^{published}_build_(\d{{8}}t\d{{6}})_\d+$")
    dropped = []
    with con.cursor() as cur:
        cur.execute("select nspname from pg_namespace where nspname like %s", (published + "_%",))
        names = sorted(r[0] for r in cur.fetchall())
    for name in names:
        for pattern, age in ((retired, timedelta(seconds=grace_seconds)), (abandoned, STALE_BUILD)):
            m = pattern.match(name)
            if m and now - datetime.strptime(m.group(1), _STAMP).replace(tzinfo=UTC) >= age:
                drop_family(con, name)
                dropped.append(name)
    return dropped


def _audit(con, schema: str) -> None:
    with con.cursor() as cur:
        try:
            for table in MART_TABLES:
                cur.execute(f"select 1 from {schema}.{table} limit 1")
            cur.execute(f"select count(*) from {schema}.fct_indicator_values")
            rows = cur.fetchone()[0]
        except Exception as exc:
            con.rollback()
            raise WeibaoError(
                "发布前核验失败", "audit before publishing failed", "", [str(exc)]
            ) from exc
    con.rollback()
    if rows == 0:
        raise WeibaoError(
            "没有任何指标数据,未发布",
            "no indicator values were produced; nothing was published",
            "确认报送库中有已接收的报送文件,或运行 weibao demo 生成示例数据",
        )


def build(submissions: Path | None = None, progress=None, dbt_vars: dict | None = None):
    from weibao.engines.raw import one_build

    return one_build(_build, submissions, progress, dbt_vars)


def _build(root: Path, say, dbt_vars: dict):
    from weibao.build import BuildResult
    from weibao.divisions import read_committees
    from weibao.engines.raw import dbt_build_in
    from weibao.settings import settings

    read_committees()  # a clear error for a wrong committees file, before anything runs
    published = published_schema()
    now = datetime.now(UTC)
    build_id = f"{now.strftime(_STAMP)}_{os.getpid()}"
    schema = f"{published}_build_{build_id}"
    started = time.perf_counter()
    con = connect()
    try:
        drop_retired(con, settings().pg_grace_seconds)
        say(f"1/3 读取报送文件并复制到 PostgreSQL / loading submissions into {schema}_raw …")
        loaded = load(con, schema + "_raw", root)
        say(
            f"    {loaded.submissions} 份报送 / submissions, "
            + ", ".join(f"{k} {v} 行" for k, v in loaded.rows.items())
        )
        results, warnings = dbt_build_in("postgres", schema, dbt_vars, root, say)
        warnings = loaded.problems + warnings
        say(f"3/3 核验并发布 / auditing and publishing {schema} → {published} …")
        _audit(con, schema)
        publish(con, schema, build_id, now)
    except BaseException:
        con.rollback()
        drop_family(con, schema)
        raise
    finally:
        con.close()
    return BuildResult(
        describe(), time.perf_counter() - started, loaded.submissions, len(results), warnings
    )
