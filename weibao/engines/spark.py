"""Spark: the same dbt project on Spark through dbt-spark, for a province or a national platform.

`weibao build --engine spark` runs Spark in this process (dbt-spark's `session` method, pyspark
and a local JVM); a real cluster is reached through the `spark_thrift` target of profiles.yml
(see README). With P the published database (`spark_schema`, default `weibao`) and
B = `P_build_<id>`:

1. Load: the DuckDB load step fills the raw tables in a scratch in-memory DuckDB; each is
   written as Parquet under `<spark_dir>/raw/<id>/` and registered as table `B_raw.<table>`
   (`using parquet location …`). The division table is registered straight from
   reference/divisions/divisions_2023.parquet.
2. `dbt build --target spark` into database B (marts) and B_staging, B_intermediate,
   B_reference: every model, contract and test runs there.
3. Audit, then publish: P holds one view per mart (`create or replace view P.t as select * from
   B.t`) and records the build id in its properties. Spark's catalog has no transaction and no
   rename across databases, so the views are replaced one after the other: a reader may, for
   a few milliseconds, see two marts from two publications. The marts themselves are tables.
4. Retired builds are dropped once older than `spark_grace_seconds` (weibao.toml [spark]).

Any failure drops B*; P is never touched before step 3. The Hive metastore is an embedded
Derby database in `<spark_dir>/metastore`: one process at a time may use it.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from weibao.engines import EngineError
from weibao.errors import WeibaoError
from weibao.paths import ROOT
from weibao.settings import settings

LAYERS = ("", "_staging", "_intermediate", "_reference", "_raw")
MART_TABLES = ("dim_org_units", "dim_indicators", "dim_targets", "fct_indicator_values")
_IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,29}$")
_STAMP = "%Y%m%dt%H%M%S"
_PROPERTY = "weibao_publication"


def spark_dir() -> Path:
    """Where the warehouse, the metastore and the raw Parquet live (WEIBAO_SPARK_DIR)."""
    return Path(os.environ.get("WEIBAO_SPARK_DIR") or ROOT / "warehouse" / "spark").resolve()


def published_schema() -> str:
    name = settings().spark_schema
    if not _IDENT.match(name):
        raise WeibaoError(
            f"Spark 数据库名不合规: {name}",
            f"invalid Spark database name: {name}",
            "spark_schema(WEIBAO_SPARK_SCHEMA)只用小写字母、数字和下划线,不超过 30 个字符",
        )
    return name


def session_config(base: Path | None = None) -> dict[str, str]:
    """The session's settings; profiles.yml passes the same ones to dbt-spark."""
    base = base or spark_dir()
    return {
        "spark.sql.warehouse.dir": (base / "warehouse").as_posix(),
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={(base / 'metastore').as_posix()};create=true"
        ),
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={base.as_posix()}",
        "spark.driver.memory": settings().spark_driver_memory,
        "spark.sql.shuffle.partitions": "4",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.ansi.enabled": "false",  # what dbt-spark sets; the session must agree
        # `varchar(n)` in the portable models is a string, as on DuckDB (no length check)
        "spark.sql.legacy.charVarcharAsString": "true",
    }


def session():
    """The process's SparkSession (dbt-spark's session method reuses it: getOrCreate)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - pyspark is a dependency
        raise WeibaoError(
            "未安装 pyspark", "pyspark is not installed", "运行 make install"
        ) from exc
    if not os.environ.get("JAVA_HOME"):
        # pyspark 4.3 runs on Java 17 or 21; a newer default `java` (seen: Temurin 25) may not
        for home in sorted(Path("/usr/lib/jvm").glob("java-17-openjdk-*")):
            os.environ["JAVA_HOME"] = str(home)
            break
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise WeibaoError(
            "找不到 Java:Spark 需要 Java 17",
            "Java not found: Spark needs Java 17",
            "运行 make system(安装 openjdk-17-jre-headless)或设置 JAVA_HOME",
        )
    base = spark_dir()
    base.mkdir(parents=True, exist_ok=True)
    builder = SparkSession.builder.appName("weibao").master(settings().spark_master)
    for key, value in session_config(base).items():
        builder = builder.config(key, value)
    os.environ["WEIBAO_SPARK_DIR"] = base.as_posix()
    spark = builder.enableHiveSupport().getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def describe() -> str:
    return f"spark {settings().spark_master} database {published_schema()}"


def _databases(spark) -> list[str]:
    return [r[0] for r in spark.sql("show databases").collect()]


def _drop_family(spark, base: str) -> None:
    present = set(_databases(spark))
    for layer in LAYERS:
        if base + layer in present:
            spark.sql(f"drop database {base + layer} cascade")


def load(spark, raw_schema: str, submissions: Path, build_id: str):
    """Register the raw tables the DuckDB load step produces, written as Parquet."""
    from weibao.engines.raw import scratch_raw, sql_path
    from weibao.load import RAW_SCHEMA
    from weibao.paths import DIVISIONS_FILE

    out = spark_dir() / "raw" / build_id
    out.mkdir(parents=True, exist_ok=True)
    with scratch_raw(submissions, divisions=False) as (scratch, loaded, tables):
        spark.sql(f"create database {raw_schema}")
        for table in tables:
            path = out / f"{table}.parquet"
            scratch.execute(f"copy {RAW_SCHEMA}.{table} to {sql_path(path)} (format parquet)")
            spark.sql(f"create table {raw_schema}.{table} using parquet location {_literal(path)}")
        spark.sql(
            f"create table {raw_schema}.divisions using parquet location {_literal(DIVISIONS_FILE)}"
        )
        return loaded


def _literal(path: Path) -> str:
    """A path as a Spark string literal (backslash escapes)."""
    return "'" + Path(path).resolve().as_posix().replace("\\", "\\\\").replace("'", "\\'") + "'"


def _audit(spark, schema: str) -> None:
    try:
        for table in MART_TABLES:
            spark.sql(f"select 1 from {schema}.{table} limit 1").collect()
        rows = spark.sql(f"select count(*) from {schema}.fct_indicator_values").collect()[0][0]
    except Exception as exc:  # noqa: BLE001 - reported in words
        raise WeibaoError(
            "发布前核验失败", "audit before publishing failed", "", [str(exc)]
        ) from exc
    if rows == 0:
        raise WeibaoError(
            "没有任何指标数据,未发布", "no indicator values: nothing published", "检查报送文件"
        )


def publish(spark, build_schema: str, build_id: str) -> str | None:
    """Point the published database's views at the build's marts; returns the build replaced."""
    published = published_schema()
    spark.sql(f"create database if not exists {published}")
    previous = _publication(spark)
    tables = [r.tableName for r in spark.sql(f"show tables in {build_schema}").collect()]
    for table in sorted(tables):
        spark.sql(
            f"create or replace view {published}.{table} as select * from {build_schema}.{table}"
        )
    spark.sql(f"alter database {published} set dbproperties ('{_PROPERTY}' = '{build_id}')")
    return previous or None


def _publication(spark) -> str:
    published = published_schema()
    if published not in _databases(spark):
        return ""
    for row in spark.sql(f"describe database extended {published}").collect():
        if row[0] == "Properties" and _PROPERTY in row[1]:
            m = re.search(rf"\({_PROPERTY},([^)]*)\)", row[1])
            return m.group(1).strip() if m else ""
    return ""


def drop_retired(spark, grace_seconds: float, keep: str, now: datetime | None = None) -> list[str]:
    """Drop builds older than the grace period, except the one published (`keep`)."""
    published = published_schema()
    now = now or datetime.now(UTC)
    pattern = re.compile(rf"^{published}_build_(\d{{8}}t\d{{6}})_\d+$")
    dropped = []
    for name in sorted(_databases(spark)):
        m = pattern.match(name)
        if not m or name == f"{published}_build_{keep}":
            continue
        if now - datetime.strptime(m.group(1), _STAMP).replace(tzinfo=UTC) >= timedelta(
            seconds=grace_seconds
        ):
            _drop_family(spark, name)
            shutil.rmtree(spark_dir() / "raw" / name.removeprefix(f"{published}_build_"), True)
            dropped.append(name)
    return dropped


def build(submissions: Path | None = None, progress=None, dbt_vars: dict | None = None):
    from weibao.engines.raw import one_build

    return one_build(_build, submissions, progress, dbt_vars)


def _build(root: Path, say, dbt_vars: dict):

    from weibao.build import BuildResult
    from weibao.divisions import read_committees
    from weibao.engines.raw import dbt_build_in

    read_committees()
    published = published_schema()
    now = datetime.now(UTC)
    build_id = f"{now.strftime(_STAMP)}_{os.getpid()}"
    schema = f"{published}_build_{build_id}"
    started = time.perf_counter()
    say("0/3 启动 Spark / starting Spark …")
    try:
        spark = session()
    except WeibaoError:
        raise
    except Exception as exc:  # noqa: BLE001 - a JVM that will not start, a locked metastore
        raise WeibaoError(
            "无法启动 Spark,未构建",
            "Spark did not start; nothing was built",
            f"检查 Java 17 与内存(spark_driver_memory);另一个进程可能正在使用 {spark_dir()}/metastore",
            [str(exc).strip().splitlines()[0]],
        ) from exc
    try:
        say(f"1/3 读取报送文件并写成 Parquet / loading submissions into {schema}_raw …")
        loaded = load(spark, schema + "_raw", root, build_id)
        results, warnings = dbt_build_in("spark", schema, dbt_vars, root, say)
        say(f"3/3 核验并发布 / auditing and publishing {schema} → {published} …")
        _audit(spark, schema)
        previous = _publication(spark)
        publish(spark, schema, build_id)
        drop_retired(spark, settings().spark_grace_seconds, keep=build_id)
        del previous
    except BaseException:
        _drop_family(spark, schema)
        shutil.rmtree(spark_dir() / "raw" / build_id, True)
        raise
    return BuildResult(
        describe(), time.perf_counter() - started, loaded.submissions, len(results), warnings
    )


# ---- reading the publication (tests, the benchmark; the dashboard stays on DuckDB/PostgreSQL)


def available() -> bool:
    try:
        return publication_id() != ""
    except EngineError:
        return False


def publication_id() -> str:
    pid = _publication(session())
    if not pid:
        raise EngineError(f"no published database {published_schema()}")
    return f"{published_schema()}@{pid}"


def query(sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    spark = session()
    spark.catalog.setCurrentDatabase(published_schema())
    try:
        return spark.sql(sql, args=list(params or [])).toPandas()  # `?` markers: Spark >= 3.5
    except Exception as exc:  # noqa: BLE001 - the dashboard shows it in words
        raise EngineError(str(exc).splitlines()[0]) from exc
