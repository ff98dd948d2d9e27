"""The raw tables of the load step, for an engine that copies them (PostgreSQL, Spark).

On DuckDB the dbt sources read the columnar store and the reference files directly. A server
engine gets the same tables, filled by the same load step in a scratch in-memory DuckDB and
then copied by the engine's own means (COPY, Parquet)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def sql_path(path: Path) -> str:
    """A path as a single-quoted SQL string literal."""
    return "'" + Path(path).as_posix().replace("'", "''") + "'"


@contextmanager
def scratch_raw(submissions: Path, divisions: bool = True) -> Iterator[tuple]:
    """(scratch connection, LoadResult, raw table names in order), in schema load.RAW_SCHEMA.

    The `reference` sources are read exactly as their external_location reads them on DuckDB
    (models/staging/submissions/_submissions__sources.yml); `divisions=False` leaves out the
    665k-row division table for an engine that reads its Parquet file itself."""
    import duckdb

    from weibao.load import RAW_SCHEMA, load_submissions
    from weibao.paths import DIVISIONS_FILE, committees_file

    scratch = duckdb.connect()
    try:
        loaded = load_submissions(scratch, submissions)
        if divisions:
            scratch.execute(
                f"create table {RAW_SCHEMA}.divisions as "
                f"select * from read_parquet({sql_path(DIVISIONS_FILE)})"
            )
        scratch.execute(
            f"create table {RAW_SCHEMA}.committees as select * from "
            f"read_csv({sql_path(committees_file())}, header = true, all_varchar = true)"
        )
        tables = [
            t
            for (t,) in scratch.execute(
                "select table_name from information_schema.tables where table_schema = ? "
                "order by table_name",
                [RAW_SCHEMA],
            ).fetchall()
        ]
        yield scratch, loaded, tables
    finally:
        scratch.close()


def one_build(inner, submissions: Path | None, progress, dbt_vars: dict | None):
    """A server engine's build: one at a time (the same lock as DuckDB's), on the resolved
    store, with a progress callback that may be None."""
    from weibao.build import _one_build_at_a_time
    from weibao.paths import submissions_dir

    say = progress or (lambda _msg: None)
    with _one_build_at_a_time(say):
        return inner(Path(submissions or submissions_dir()).resolve(), say, dbt_vars or {})


def dbt_build_in(engine: str, schema: str, dbt_vars: dict, root: Path, say):
    """`dbt build --target <engine>` into build schema `schema`, reading raw `<schema>_raw`.

    The profile names the build schema through WEIBAO_<ENGINE>_BUILD_SCHEMA (profiles.yml), set
    only for this call. Returns (results, warnings) as build.check_dbt_result does; a failed
    node raises there, before anything is published."""
    import json
    import os

    from weibao.build import check_dbt_result, run_dbt

    env_var = f"WEIBAO_{engine.upper()}_BUILD_SCHEMA"
    say("2/3 dbt build(转换、契约、检查)/ transform, contracts, tests …")
    os.environ[env_var] = schema
    try:
        res = run_dbt(
            [
                "build",
                "--target",
                engine,
                "--vars",
                json.dumps({"raw_schema": schema + "_raw", **dbt_vars}),
            ],
            Path(os.devnull),
            say,
            root,
        )
        return check_dbt_result(res)
    finally:
        os.environ.pop(env_var, None)
