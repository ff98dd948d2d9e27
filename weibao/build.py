"""Build and publish: write, audit, publish.

0. `weibao check`: refuse to build on a broken definition file or reference table; write the
   submission schedule from the type definitions (target/definitions/submission_schedule.csv).
1. Load: bring the columnar copy of the submission store in step with the manifest
   (weibao.columnar.sync: only submissions not yet in it are read).
2. Run `dbt build` (seeds, models, contracts, data tests, unit tests) into a brand-new DuckDB
   file next to the published one; its sources read the columnar store and the division table.
3. Audit, and only if nothing of severity error failed, atomically `os.replace` it onto the
   published file.

Readers (the dashboard) open short-lived read-only connections, so they never hold a lock that
blocks this, and a failed build leaves the last good publication untouched.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from weibao.check import require_valid
from weibao.columnar import sync
from weibao.divisions import read_committees
from weibao.errors import WeibaoError, no_space_error, out_of_space
from weibao.load import SCHEDULE_FILE, write_schedule
from weibao.paths import ROOT, committees_file, submissions_dir, warehouse_path
from weibao.settings import settings
from weibao.storekeeping import clean_store_leftovers, clean_warehouse_leftovers

Progress = Callable[[str], None]

# Plain words for each kind of check, so a failure reads as what is wrong with the data.
_TEST_WORDS = {
    "unique": ("有重复值", "has duplicate values"),
    "not_null": ("有空值", "has empty values"),
    "relationships": ("有代码在参照表中不存在", "has codes not found in the reference table"),
    "accepted_values": ("有不在允许范围内的值", "has values outside the allowed set"),
    "non_negative": ("有负数", "has negative numbers"),
    "not_greater_than": ("部分数大于总数", "has a part larger than its whole"),
    "unique_combination": ("有重复的记录(同一单位同一年出现多次)", "has duplicate keys"),
}

_NOT_PUBLISHED_ZH = "构建中止,已发布的数据保持不变"
_NOT_PUBLISHED_EN = "build stopped, the published data is unchanged"

MART_TABLES = ("dim_org_units", "dim_indicators", "dim_targets", "fct_indicator_values")


@dataclass
class BuildResult:
    published: Path
    seconds: float
    submissions: int
    nodes: int
    warnings: list[str] = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)  # load, dbt, audit, publish: seconds


def _describe_failure(result) -> str:
    node = result.node
    kind = getattr(node, "resource_type", "")
    name = getattr(node, "name", "?")
    meta = getattr(node, "test_metadata", None)
    if kind == "test" and meta is not None:
        zh, en = _TEST_WORDS.get(meta.name, ("检查未通过", "check failed"))
        model = (getattr(node, "attached_node", None) or "").split(".")[-1]
        column = getattr(node, "column_name", None)
        where = f"{model}.{column}" if column else model
        count = getattr(result, "failures", None)
        rows = f",{count} 行 / {count} rows" if count else ""
        return f"{where}: {zh} / {en} ({meta.name}{rows})"
    if kind == "unit_test":
        return f"单元测试未通过 / unit test failed: {name}: {_essence(result.message or '')}"
    if kind == "test":
        return f"检查未通过 / check failed: {name} ({getattr(result, 'failures', '?')} 行 / rows)"
    label = {"model": "模型", "seed": "参照表"}.get(str(kind), str(kind))
    return f"{label} {name} 构建失败 / failed to build: {_essence(result.message or '')}"


def _essence(message: str) -> str:
    """dbt's error text without its boilerplate: the first line and any table of mismatches."""
    message = re.sub(r"\x1b\[[0-9;]*m", "", message)  # dbt colours its diffs
    lines = [ln.rstrip() for ln in message.strip().splitlines() if ln.strip()]
    keep = lines[:1] + [
        ln.strip()
        for ln in lines[1:]
        if ln.strip().startswith(("|", "→", "@@")) and "---" not in ln
    ]
    return "\n      ".join(keep[:12])


def dbt_env(submissions: Path | None = None) -> dict[str, str]:
    """Where dbt's file sources are: absolute, so dbt may run from any directory."""
    return {
        "WEIBAO_ROOT": ROOT.as_posix(),
        "WEIBAO_SUBMISSIONS": Path(submissions or submissions_dir()).resolve().as_posix(),
        "WEIBAO_COMMITTEES": committees_file().as_posix(),
    }


def run_dbt(
    args: list[str],
    db_path: Path,
    progress: Progress | None = None,
    submissions: Path | None = None,
):
    """Run dbt in-process against `db_path`. Returns the dbtRunnerResult."""
    os.environ["WEIBAO_DUCKDB_PATH"] = str(db_path)
    os.environ["WEIBAO_DUCKDB_MEMORY_LIMIT"] = settings().duckdb_memory_limit  # profiles.yml
    os.environ.update(dbt_env(submissions))
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
    from dbt.cli.main import dbtRunner  # imported here: dbt takes ~2 s to import

    done = {"n": 0}

    def on_event(event) -> None:
        # Tests are many and quick: show them only when they do not pass.
        if progress and event.info.name == "NodeFinished":
            done["n"] += 1
            node = event.data.node_info
            if node.resource_type not in ("test", "unit_test") or node.node_status != "pass":
                progress(
                    f"    [{done['n']}] {node.node_status:<7} {node.resource_type} {node.node_name}"
                )

    runner = dbtRunner(callbacks=[on_event])
    # On a full disk dbt's file log fails at every line, and the logging module prints a
    # traceback to stderr for each (450 in one measured build); the build's own error says it.
    raise_before, logging.raiseExceptions = logging.raiseExceptions, False
    try:
        return runner.invoke(
            [
                *args,
                "--project-dir",
                str(ROOT),
                "--profiles-dir",
                str(ROOT),
                "--target-path",
                str(ROOT / "target"),
                "--log-path",
                str(ROOT / "target" / "logs"),
                "--log-level",
                "none",
                "--log-level-file",
                "info",
            ]
        )
    finally:
        logging.raiseExceptions = raise_before
        _close_dbt_duckdb()


def _close_dbt_duckdb() -> None:
    """dbt-duckdb keeps its database open in-process after a run. Close it, so the file is
    checkpointed and unlocked before it is audited and moved onto the published path."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    env = DuckDBConnectionManager._ENV
    if env is not None and getattr(env, "conn", None) is not None:
        env.conn.close()
        env.conn = None
    DuckDBConnectionManager.close_all_connections()


@contextmanager
def _one_build_at_a_time(say: Progress):
    """dbt writes its manifest and compiled SQL under target/; two builds at once would mix
    them. A second build waits for the first instead."""
    lock_path = ROOT / "target" / ".weibao-build.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say("    另一个构建正在运行,等待 / another build is running, waiting …")
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def build(
    warehouse: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    submissions: Path | None = None,
) -> BuildResult:
    say = progress or (lambda _msg: None)
    say("0/3 检查定义文件 / checking definitions (weibao check) …")
    require_valid()  # a broken definition stops here, before anything is loaded or built
    with _one_build_at_a_time(say):
        return _build(warehouse, say, submissions)


def _build(
    warehouse: str | os.PathLike[str] | None, say: Progress, submissions: Path | None
) -> BuildResult:
    published = warehouse_path(warehouse)
    published.parent.mkdir(parents=True, exist_ok=True)
    root = Path(submissions or submissions_dir()).resolve()
    # What killed builds and submits left behind (their pid is no longer alive).
    removed = clean_warehouse_leftovers(published.parent) + clean_store_leftovers(root)
    if removed:
        say(
            f"    清理中断运行留下的 {len(removed)} 个文件 / removed {len(removed)} leftover file(s)"
        )
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    candidate = published.with_name(f".build-{stamp}-{os.getpid()}.duckdb")
    started = time.perf_counter()
    stages: dict[str, float] = {}
    read_committees()  # a clear error for a wrong committees file, before anything runs
    try:
        say("1/3 读取报送文件 / loading submission files …")
        t = time.perf_counter()
        loaded = sync(root, say)
        stages["load"] = time.perf_counter() - t
        say(
            f"    {loaded.submissions} 份报送 / submissions (+{loaded.added}), "
            + ", ".join(f"{k} {v} 行" for k, v in loaded.rows.items() if v)
        )
        write_schedule(SCHEDULE_FILE)
        say("2/3 dbt build(转换、契约、检查)/ transform, contracts, tests …")
        t = time.perf_counter()
        res = run_dbt(["build"], candidate, say, root)
        stages["dbt"] = time.perf_counter() - t
        _stop_if_out_of_space(res)
        results, warnings = check_dbt_result(res)
        warnings = loaded.problems + warnings
        say("3/3 核验并发布 / auditing and publishing …")
        t = time.perf_counter()
        _audit(candidate)
        stages["audit"] = time.perf_counter() - t
        t = time.perf_counter()
        os.replace(candidate, published)
        stages["publish"] = time.perf_counter() - t
    except (OSError, duckdb.Error) as exc:
        if not out_of_space(exc):
            raise
        raise no_space_error(_NOT_PUBLISHED_ZH, _NOT_PUBLISHED_EN, exc) from exc
    finally:
        candidate.unlink(missing_ok=True)
        Path(str(candidate) + ".wal").unlink(missing_ok=True)
    return BuildResult(
        published,
        time.perf_counter() - started,
        loaded.submissions,
        len(results),
        warnings,
        stages,
    )


def _stop_if_out_of_space(res) -> None:
    """A full disk shows up inside dbt as a failed node or an exception: name it as such,
    not as a failed check."""
    results = list(getattr(res.result, "results", []) or [])
    full = [
        m
        for m in [str(res.exception or "")] + [r.message or "" for r in results]
        if out_of_space(m)
    ]
    if full:
        raise no_space_error(_NOT_PUBLISHED_ZH, _NOT_PUBLISHED_EN, full[0])


def _audit(path: Path) -> None:
    """Last look before publishing: every contract mart exists and the fact table has rows."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        for table in MART_TABLES:
            con.execute(f"select 1 from main.{table} limit 1").fetchall()
        rows = con.execute("select count(*) from main.fct_indicator_values").fetchone()[0]
    except duckdb.Error as exc:
        raise WeibaoError(
            "发布前核验失败", "audit before publishing failed", "", [str(exc)]
        ) from exc
    finally:
        con.close()
    if rows == 0:
        raise WeibaoError(
            "没有任何指标数据,未发布",
            "no indicator values were produced; nothing was published",
            "确认 seeds/submissions/ 中有已接收的报送文件,或运行 weibao demo 生成示例数据",
        )


def check_dbt_result(res) -> tuple[list, list[str]]:
    """The results of a dbt invocation and its warnings, or a WeibaoError naming every failure
    in plain words. Shared by the engines' builds (weibao/engines/)."""
    if res.exception is not None:
        raise WeibaoError(
            "dbt 无法运行",
            "dbt could not run",
            "检查 models/ 和 seeds/ 中最近的修改",
            [str(res.exception)[:600]],
        )
    results = list(getattr(res.result, "results", []) or [])
    failed = [r for r in results if str(r.status) in ("error", "fail", "runtime error")]
    if failed or not res.success:
        raise WeibaoError(
            f"构建失败:{len(failed)} 项未通过,已发布的数据保持不变",
            f"build failed: {len(failed)} item(s) did not pass; the published data is unchanged",
            "按上面列出的问题修正报送文件或参照数据后重新运行 weibao build",
            [_describe_failure(r) for r in failed],
        )
    return results, [_describe_failure(r) for r in results if str(r.status) == "warn"]
