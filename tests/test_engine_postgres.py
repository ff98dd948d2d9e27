"""The same warehouse on a real PostgreSQL server (issue 10).

A throwaway cluster (Debian `postgresql`: initdb + pg_ctl on a free loopback port) is started
for this module and stopped even when a test fails. The demo store is built on it with
`weibao.engines.postgres.build` and, with the same pinned "today" (WEIBAO_AS_OF_DATE), into a
DuckDB file; every published mart must then agree in row count and in a checksum of all values.
Skipped where PostgreSQL is not installed (`make test` installs it).
"""

from __future__ import annotations

import hashlib
import os
import time
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest

from weibao.engines import pgcluster

pytestmark = pytest.mark.skipif(not pgcluster.available(), reason="PostgreSQL not installed")

AS_OF = "2025-09-30"  # a fixed "today": reporting statuses depend on it


@pytest.fixture(scope="module")
def pg(tmp_path_factory: pytest.TempPathFactory):
    """A running cluster with PG* pointing at it; stopped and removed afterwards."""
    saved = dict(os.environ)
    with pgcluster.Cluster() as cluster:
        os.environ.update(cluster.env())
        try:
            yield cluster
        finally:
            os.environ.clear()
            os.environ.update(saved)


def _settings_reset() -> None:
    from weibao.settings import settings

    settings.cache_clear()


# The five document jurisdictions' counties (福建 and 三明 roll up from 350404): the marts hold
# every level and kind of row, at a twentieth of the full demo's size.
COUNTIES = ["330483", "640121", "150525", "350404"]


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from weibao import demo

    root = tmp_path_factory.mktemp("engine-store")
    demo.generate(root, counties=COUNTIES)
    return root


@pytest.fixture(scope="module")
def builds(pg, small_store: Path, tmp_path_factory: pytest.TempPathFactory):
    """(DuckDB file, PostgreSQL build result), both of the same store, as of AS_OF."""
    from weibao.build import build
    from weibao.engines import postgres

    demo_store = small_store
    os.environ["WEIBAO_AS_OF_DATE"] = AS_OF
    os.environ["WEIBAO_PG_SCHEMA"] = "weibao"
    _settings_reset()
    try:
        duck = build(tmp_path_factory.mktemp("pinned") / "weibao.duckdb", submissions=demo_store)
        started = time.perf_counter()
        result = postgres.build(submissions=demo_store)
        print(f"PostgreSQL build of the demo: {time.perf_counter() - started:.1f} s")
    finally:
        os.environ.pop("WEIBAO_AS_OF_DATE", None)
    return duck.published, result


def _pg_rows(sql: str) -> list[tuple]:
    import psycopg2

    con = psycopg2.connect("")
    try:
        with con.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()
    finally:
        con.close()


def _canonical(value: object) -> str:
    """One spelling per value, whichever driver returned it: numbers to 2 decimals."""
    if value is None:
        return "∅"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _checksum(rows: list[tuple]) -> str:
    lines = sorted("\x1f".join(_canonical(v) for v in row) for row in rows)
    return hashlib.sha256("\x1e".join(lines).encode()).hexdigest()


def test_every_published_mart_equals_duckdb(builds) -> None:
    duck_path, _ = builds
    con = duckdb.connect(str(duck_path), read_only=True)
    try:
        marts = [
            t
            for (t,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'main' order by table_name"
            ).fetchall()
        ]
        pg_marts = [
            t
            for (t,) in _pg_rows(
                "select tablename from pg_tables where schemaname = 'weibao' order by tablename"
            )
        ]
        assert marts == pg_marts
        assert "fct_indicator_values" in marts and len(marts) >= 10
        for table in marts:
            columns = [
                c
                for (c,) in con.execute(
                    "select column_name from information_schema.columns where table_schema = "
                    "'main' and table_name = ? order by ordinal_position",
                    [table],
                ).fetchall()
            ]
            select = f"select {', '.join(columns)} from {{}}.{table}"
            on_duck = con.execute(select.format("main")).fetchall()
            on_pg = _pg_rows(select.format("weibao"))
            assert len(on_pg) == len(on_duck), table
            if _checksum(on_pg) != _checksum(on_duck):
                only_duck = {tuple(map(_canonical, r)) for r in on_duck} - {
                    tuple(map(_canonical, r)) for r in on_pg
                }
                only_pg = {tuple(map(_canonical, r)) for r in on_pg} - {
                    tuple(map(_canonical, r)) for r in on_duck
                }
                pytest.fail(
                    f"{table} differs ({columns}): DuckDB only {sorted(only_duck)[:3]}, "
                    f"PostgreSQL only {sorted(only_pg)[:3]}"
                )
    finally:
        con.close()


def test_build_leaves_one_published_family_and_records_its_id(builds) -> None:
    _, result = builds
    schemas = {s for (s,) in _pg_rows("select nspname from pg_namespace")}
    assert {"weibao", "weibao_staging", "weibao_intermediate", "weibao_reference"} <= schemas
    assert not [s for s in schemas if "_build_" in s]
    (comment,) = _pg_rows(
        "select obj_description(oid, 'pg_namespace') from pg_namespace where nspname = 'weibao'"
    )[0]
    assert comment and comment[:8].isdigit()
    assert result.nodes > 50
