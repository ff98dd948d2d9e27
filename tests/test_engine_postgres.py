"""The same warehouse on a real PostgreSQL server (issue 10).

A throwaway cluster (Debian `postgresql`: initdb + pg_ctl on a free loopback port) is started
for this module and stopped even when a test fails. The demo store is built on it with
`weibao.engines.postgres.build` and, with the same pinned "today" (WEIBAO_AS_OF_DATE), into a
DuckDB file; every published mart must then agree in row count and in a checksum of all values.
Skipped where PostgreSQL is not installed (`make test` installs it).
"""

from __future__ import annotations

import os
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from engine_checks import assert_marts_equal

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


def test_every_published_mart_equals_duckdb(builds) -> None:
    duck_path, _ = builds
    pg_marts = [
        t
        for (t,) in _pg_rows(
            "select tablename from pg_tables where schemaname = 'weibao' order by tablename"
        )
    ]
    assert_marts_equal(duck_path, pg_marts, _pg_rows, "weibao", "PostgreSQL")


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


def test_failed_build_leaves_the_publication_untouched(
    builds, small_store: Path, tmp_path: Path
) -> None:
    """A store whose staff-check files report a negative count: dbt's non_negative test fails in
    the build schema, the build is refused and dropped, and the published schema is as it was."""
    import shutil

    from weibao.engines import postgres
    from weibao.errors import WeibaoError

    bad = tmp_path / "store"
    shutil.copytree(small_store, bad, ignore=shutil.ignore_patterns("columnar"))
    files = sorted((bad / "staff_checks").rglob("*.csv"))
    assert files
    for f in files:
        header, first, *rest = f.read_text(encoding="utf-8").splitlines()
        assert header.endswith(",staff_checked")
        f.write_text("\n".join([header, first.rsplit(",", 1)[0] + ",-1", *rest]) + "\n", "utf-8")
    before = postgres.publication_id()
    rows_before = _pg_rows("select count(*) from weibao.fct_indicator_values")
    with pytest.raises(WeibaoError) as failed:
        postgres.build(submissions=bad)
    assert "staff_checked" in "\n".join(failed.value.details)
    assert postgres.publication_id() == before
    assert _pg_rows("select count(*) from weibao.fct_indicator_values") == rows_before
    assert not [s for (s,) in _pg_rows("select nspname from pg_namespace") if "_build_" in s]


def test_queries_during_the_swap_see_old_or_new_never_an_error(builds) -> None:
    """Publish ten times while two readers query the published schema in a loop: each answer
    comes whole from one publication, and no query fails."""
    from weibao.engines import postgres

    os.environ["WEIBAO_PG_SCHEMA"] = "swaptest"
    _settings_reset()
    con = postgres.connect()
    try:

        def make_build(k: int) -> str:
            name = f"swaptest_build_{k}"
            with con.cursor() as cur:
                cur.execute(f"create schema {name}")
                for table in ("a", "b"):
                    cur.execute(
                        f"create table {name}.{table} as select {k} as v, g "
                        "from generate_series(1, 20000) as g"
                    )
            con.commit()
            return name

        postgres.publish(con, make_build(0), "0")
        stop = threading.Event()
        errors: list[BaseException] = []
        seen: set[int] = set()

        def reader() -> None:
            while not stop.is_set():
                try:
                    frame = postgres.query(
                        "select min(a.v) as lo, max(b.v) as hi, count(*) as n "
                        "from a join b on a.g = b.g where a.g > ?",
                        [0],
                    )
                    lo, hi, n = (int(x) for x in frame.iloc[0])
                    assert lo == hi and n == 20000, (lo, hi, n)
                    seen.add(lo)
                except BaseException as exc:  # noqa: BLE001 - collected and reported below
                    errors.append(exc)
                    return

        threads = [threading.Thread(target=reader) for _ in range(2)]
        for t in threads:
            t.start()
        for k in range(1, 11):
            time.sleep(0.05)
            # distinct retired names: one per second in real use, forced here
            postgres.publish(
                con, make_build(k), str(k), now=datetime(2026, 1, 1, 0, 0, k, tzinfo=UTC)
            )
        time.sleep(0.2)
        stop.set()
        for t in threads:
            t.join(30)
        assert not errors, errors[:3]
        assert 10 in seen and len(seen) >= 2
        assert postgres.publication_id() == "swaptest@10"
        # Retired publications go once past the grace period, not before.
        retired = [
            s
            for (s,) in _pg_rows(
                "select nspname from pg_namespace where nspname like 'swaptest_old_%'"
            )
        ]
        assert len(retired) == 10
        assert (
            postgres.drop_retired(con, 3600, now=datetime(2026, 1, 1, 0, 0, 30, tzinfo=UTC)) == []
        )
        dropped = postgres.drop_retired(con, 25, now=datetime(2026, 1, 1, 0, 0, 30, tzinfo=UTC))
        assert sorted(dropped) == [f"swaptest_old_20260101t0000{s:02d}" for s in range(1, 6)]
    finally:
        con.close()
        os.environ["WEIBAO_PG_SCHEMA"] = "weibao"
        _settings_reset()


def _two_table_build(con, name: str, k: int) -> str:
    with con.cursor() as cur:
        cur.execute(f"create schema {name}")
        for table in ("a", "z"):
            cur.execute(f"create table {name}.{table} as select {k} as v")
    con.commit()
    return name


def test_a_reader_holding_one_table_and_joining_another_is_never_deadlocked(pg) -> None:
    """The stop-12 CI failure: a reader held `z` and then asked for `a` while the publisher held
    `a` and waited for `z`; PostgreSQL broke the cycle by failing the reader's query. Here the
    cycle is forced: the reader must get its answer and the build must still publish."""
    import psycopg2

    from weibao.engines import postgres

    os.environ["WEIBAO_PG_SCHEMA"] = "locktest"
    _settings_reset()
    con = postgres.connect()
    reader = postgres.connect(options="-c search_path=locktest")
    try:
        postgres.publish(con, _two_table_build(con, "locktest_build_0", 0), "0")
        with reader.cursor() as cur:
            cur.execute("select v from z")  # holds z until commit
            outcome: dict[str, object] = {}

            def publisher() -> None:
                try:
                    outcome["retired"] = postgres.publish(
                        con,
                        _two_table_build(con, "locktest_build_1", 1),
                        "1",
                        now=datetime(2026, 1, 1, tzinfo=UTC),
                        wait_seconds=60,
                    )
                except BaseException as exc:  # noqa: BLE001 - asserted below
                    outcome["error"] = exc

            thread = threading.Thread(target=publisher)
            thread.start()
            time.sleep(0.5)  # the publisher now wants z (held) and, with waiting locks, held a
            try:
                cur.execute("select v from a")
                first = cur.fetchone()
            except psycopg2.Error as exc:
                first = exc
            reader.commit()
        thread.join(60)
        assert first == (0,), first  # the old publication, read whole
        assert "error" not in outcome, outcome
        assert postgres.publication_id() == "locktest@1"
    finally:
        reader.close()
        con.close()
        os.environ["WEIBAO_PG_SCHEMA"] = "weibao"
        _settings_reset()


def test_readers_holding_the_publication_too_long_refuse_the_build_and_change_nothing(
    pg,
) -> None:
    from weibao.engines import postgres
    from weibao.errors import WeibaoError

    os.environ["WEIBAO_PG_SCHEMA"] = "holdtest"
    _settings_reset()
    con = postgres.connect()
    reader = postgres.connect(options="-c search_path=holdtest")
    try:
        postgres.publish(con, _two_table_build(con, "holdtest_build_0", 0), "0")
        with reader.cursor() as cur:
            cur.execute("select v from z")
            started = time.monotonic()
            with pytest.raises(WeibaoError) as refused:
                postgres.publish(
                    con, _two_table_build(con, "holdtest_build_1", 1), "1", wait_seconds=1
                )
            assert 1 <= time.monotonic() - started < 30
        reader.commit()
        assert "pg_publish_wait_seconds" in refused.value.hint_zh
        assert postgres.publication_id() == "holdtest@0"
        assert _pg_rows("select v from holdtest.a") == [(0,)]
        # Once the reader lets go, the same build publishes.
        postgres.publish(con, "holdtest_build_1", "1")
        assert postgres.publication_id() == "holdtest@1"
    finally:
        reader.close()
        con.close()
        os.environ["WEIBAO_PG_SCHEMA"] = "weibao"
        _settings_reset()


def _rendered(
    monkeypatch: pytest.MonkeyPatch,
    page: str | None = None,
    org: str | None = None,
    search: str | None = None,
) -> dict[str, object]:
    """What a page shows for a jurisdiction (default: the first committee), after a search in
    the jurisdiction picker if given: metrics (label → value), markdown, captions, tables,
    select box options."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_data.clear()  # the cache outlives AppTest instances in one process
    at = AppTest.from_file("../dashboards/app.py", default_timeout=90)
    if org:
        at.session_state["org_unit_code"] = org
        at.session_state["indicator_code"] = "child_director_coverage"
    at.run()
    if page:
        at.switch_page(page).run()
    if search:
        at.text_input(key="_w_unit_search").input(search).run()
    assert not at.exception, at.exception
    return {
        "metrics": [(m.label, m.value) for m in at.metric],
        "markdown": [m.value for m in at.markdown],
        "captions": [c.value for c in at.caption],
        "tables": [d.value.astype(str).values.tolist() for d in at.dataframe],
        "options": [[str(o) for o in s.options] for s in at.selectbox],
        "errors": [e.value for e in at.error],
    }


# Units chosen by what they are, from the DuckDB file.
_UNITS = {
    "village": "select min(org_unit_code) from dim_org_units where level = 'village' "
    "and county_code = '330483'",
    "township": "select parent_code from dim_org_units where level = 'village' "
    "and county_code = '330483' group by 1 order by count(*) desc, 1 limit 1",
}


def _unit(duck_path: Path, kind: str) -> str:
    con = duckdb.connect(str(duck_path), read_only=True)
    try:
        return con.execute(_UNITS[kind]).fetchone()[0]
    finally:
        con.close()


@pytest.mark.parametrize(
    ("page", "org", "search"),
    [
        (None, None, None),
        ("views/supervision.py", None, None),
        ("views/reporting.py", None, None),
        # issue 7: many areas paged, supervision grouped above the county, a village's own
        # value, the search picker with each match's path
        ("views/regions.py", "township", None),
        ("views/supervision.py", "35", None),
        ("views/regions.py", "village", None),
        (None, None, "乌镇"),
        (None, None, "3304"),
    ],
)
def test_dashboard_on_postgres_shows_what_it_shows_on_duckdb(
    builds, monkeypatch: pytest.MonkeyPatch, page: str | None, org: str | None, search: str | None
) -> None:
    duck_path, _ = builds
    if org in _UNITS:
        org = _unit(duck_path, org)
    monkeypatch.setenv("WEIBAO_WAREHOUSE", str(duck_path))
    monkeypatch.setenv("WEIBAO_ENGINE", "duckdb")
    on_duck = _rendered(monkeypatch, page, org, search)
    monkeypatch.setenv("WEIBAO_ENGINE", "postgres")
    monkeypatch.setenv("WEIBAO_WAREHOUSE", "/nonexistent/not-read-on-postgres.duckdb")
    on_pg = _rendered(monkeypatch, page, org, search)
    if search:  # the picker lists matches, each with its path
        assert any(" › " in o for opts in on_duck["options"] for o in opts), on_duck["options"]
    if page == "views/regions.py":  # the table of areas below, or the village's own value
        assert on_duck["tables"] or on_duck["metrics"], on_duck
    if page is None:  # the overview: 已达标 X / 共 Y 项, then one card per indicator
        assert on_duck["metrics"][0][0] == "已达标" and len(on_duck["metrics"]) > 5
    assert not on_duck["errors"]
    assert on_pg == on_duck


def test_brief_reads_postgres(builds, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`weibao brief --engine postgres` writes the same workbook as from the DuckDB file."""
    from openpyxl import load_workbook

    from weibao.cli import main

    duck_path, _ = builds
    out_duck, out_pg = tmp_path / "duck.xlsx", tmp_path / "pg.xlsx"
    args = ["brief", "--jurisdiction", "330483", "--year", "2022", "-o"]
    monkeypatch.setenv("WEIBAO_ENGINE", "duckdb")
    assert main([*args, str(out_duck), "--warehouse", str(duck_path)]) == 0
    assert main([*args, str(out_pg), "--engine", "postgres"]) == 0

    def cells(path: Path) -> dict[str, list[tuple]]:
        book = load_workbook(path, read_only=True)
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}

    on_duck, on_pg = cells(out_duck), cells(out_pg)
    assert len(on_duck["指标"]) > 5
    assert on_pg == on_duck
