"""The same warehouse on Spark, through dbt-spark's session method (issue 10).

pyspark runs in this process on a local JVM (Java 17: `make system` installs it). The county
demo (桐乡市, every village) is built with `weibao.engines.spark.build` and, with the same pinned
"today", into a DuckDB file; every published mart must then agree in row count and in a
checksum of all values (numbers to 2 decimals), as on PostgreSQL. Skipped without Java.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import duckdb
import pytest
from engine_checks import assert_marts_equal

pytestmark = pytest.mark.skipif(
    shutil.which("java") is None and not os.environ.get("JAVA_HOME"), reason="no Java for Spark"
)

AS_OF = "2025-09-30"
COUNTY = "330483"


@pytest.fixture(scope="module")
def spark_env(tmp_path_factory: pytest.TempPathFactory):
    saved = dict(os.environ)
    os.environ["WEIBAO_SPARK_DIR"] = str(tmp_path_factory.mktemp("spark"))
    os.environ["WEIBAO_SPARK_SCHEMA"] = "weibao"
    os.environ["WEIBAO_AS_OF_DATE"] = AS_OF
    try:
        yield
    finally:
        from weibao.engines import spark

        spark.session().stop()
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture(scope="module")
def builds(spark_env, tmp_path_factory: pytest.TempPathFactory):
    """(DuckDB file, Spark build result) of the same county store, as of AS_OF."""
    from weibao import demo
    from weibao.build import build
    from weibao.engines import spark

    store = tmp_path_factory.mktemp("spark-store")
    demo.generate(store, counties=[COUNTY])
    duck = build(tmp_path_factory.mktemp("pinned") / "weibao.duckdb", submissions=store)
    started = time.perf_counter()
    result = spark.build(submissions=store)
    print(f"Spark build of the county demo: {time.perf_counter() - started:.1f} s")
    return Path(duck.published), result


def _spark_rows(sql: str) -> list[tuple]:
    from weibao.engines import spark

    return [tuple(r) for r in spark.session().sql(sql).collect()]


def test_every_spark_mart_equals_duckdb(builds) -> None:
    duck_path, result = builds
    assert result.nodes > 50
    on_spark = [r[1] for r in _spark_rows("show tables in weibao")]
    assert_marts_equal(duck_path, on_spark, _spark_rows, "weibao", "Spark")
    con = duckdb.connect(str(duck_path), read_only=True)
    try:
        assert con.execute("select count(*) from main.fct_indicator_values").fetchone()[0] > 1000
    finally:
        con.close()


def test_publication_records_the_build_and_leaves_no_other_build(builds) -> None:
    from weibao.engines import spark

    pid = spark.publication_id()
    assert pid.startswith("weibao@") and pid.split("@")[1][:8].isdigit()
    build = "weibao_build_" + pid.split("@")[1]
    builds_left = [d for (d,) in _spark_rows("show databases") if "_build_" in d]
    # the published build's family (its marts and layers) and no other build
    assert build in builds_left
    assert all(d == build or d[len(build) :] in spark.LAYERS for d in builds_left), builds_left
    # the dashboard's query interface works on the publication, with `?` parameters
    frame = spark.query(
        "select count(*) as n from fct_indicator_values where org_unit_code = ?", [COUNTY]
    )
    assert int(frame["n"].iloc[0]) > 0


def test_a_failed_publish_step_leaves_the_publication_untouched(builds) -> None:
    """Publishing is views over the build's marts: a build whose audit fails (no indicator
    values) is dropped, and the published views still answer from the previous build."""
    from weibao.engines import spark
    from weibao.errors import WeibaoError

    session = spark.session()
    before = spark.publication_id()
    rows_before = _spark_rows("select count(*) from weibao.fct_indicator_values")
    empty = "weibao_build_20000101t000000_1"
    session.sql(f"create database {empty}")
    for table in spark.MART_TABLES:
        session.sql(f"create table {empty}.{table} using parquet as select 1 as x where false")
    with pytest.raises(WeibaoError):
        spark._audit(session, empty)
    spark._drop_family(session, empty)
    assert spark.publication_id() == before
    assert _spark_rows("select count(*) from weibao.fct_indicator_values") == rows_before
    assert empty not in [d for (d,) in _spark_rows("show databases")]


def test_spark_that_cannot_start_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    """A JVM that refuses its settings (here a nonsense driver memory) used to end
    `weibao build --engine spark` in a Py4J traceback."""
    import subprocess
    import sys

    env = os.environ | {
        "WEIBAO_SPARK_DRIVER_MEMORY": "bogus",
        "WEIBAO_SPARK_DIR": str(tmp_path / "spark"),
    }
    out = subprocess.run(
        [sys.executable, "-m", "weibao", "build", "--engine", "spark"],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert out.returncode != 0
    assert "无法启动 Spark" in out.stderr and "Spark did not start" in out.stderr
    assert "Traceback" not in out.stderr
