"""The `weibao` command line: demo, build, serve."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import traceback
from datetime import datetime
from pathlib import Path

from weibao.errors import WeibaoError
from weibao.paths import ROOT

DESCRIPTION = """未保 weibao — 未成年人保护工作指标数据仓库与看板
minors-protection indicator warehouse and dashboard"""


def _progress(msg: str) -> None:
    sys.stderr.write(msg + "\n")  # one write per line: dbt reports from several threads
    sys.stderr.flush()


def cmd_build(args: argparse.Namespace) -> int:
    from weibao.build import build

    result = build(args.warehouse, progress=_progress)
    for w in result.warnings:
        print(f"警告 / warning: {w}", file=sys.stderr)
    _progress(f"完成 / done: {result.nodes} 个节点 / nodes, {result.seconds:.1f} s")
    print(result.published)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from weibao import demo

    if demo.has_demo_data():
        _progress("示例报送已存在,跳过生成 / demo submissions exist, not regenerating")
    else:
        _progress("生成示例报送(示例数据)/ generating demo submissions …")
        n = demo.generate(progress=_progress)
        _progress(f"    {n} 份示例报送 / demo submissions written")
    code = cmd_build(args)
    if code or args.no_serve:
        return code
    return cmd_serve(args)


def cmd_serve(args: argparse.Namespace) -> int:
    from weibao.paths import warehouse_path

    published = warehouse_path(args.warehouse)
    if not published.exists():
        raise WeibaoError(
            f"找不到已发布的数据文件 {published}", f"no published warehouse at {published}",
            "先运行 weibao build(或 weibao demo 生成示例数据)",
        )
    env = os.environ | {"WEIBAO_WAREHOUSE": str(published)}
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboards" / "app.py"),
           "--server.address", args.host, "--server.port", str(args.port),
           "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    _progress(f"看板 / dashboard: http://{args.host}:{args.port}  (Ctrl+C 退出 / to stop)")
    try:
        return subprocess.call(cmd, env=env, cwd=ROOT)
    except KeyboardInterrupt:
        return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="weibao", description=DESCRIPTION,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def with_warehouse(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--warehouse", metavar="PATH",
                        help="已发布的 DuckDB 文件 / published DuckDB file "
                             "(默认 default: warehouse/weibao.duckdb, 或 or $WEIBAO_WAREHOUSE)")

    def with_server(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--host", default="127.0.0.1")
        sp.add_argument("--port", type=int, default=8501)

    b = sub.add_parser("build", help="读取报送文件、运行 dbt build 并发布 / load, dbt build, publish",
                       description="读取已接收的报送文件,运行 dbt build;全部检查通过后才替换已发布文件。"
                                   " Loads accepted submissions, runs dbt build, publishes only if "
                                   "every error-severity test passes.")
    with_warehouse(b)
    b.set_defaults(func=cmd_build)

    d = sub.add_parser("demo", help="生成示例数据、构建并打开看板 / demo data, build, serve",
                       description="如无示例报送则生成(固定随机种子),构建、发布,然后打开看板。"
                                   " Generates demo submissions if missing, builds, publishes, "
                                   "then serves the dashboard.")
    with_warehouse(d)
    with_server(d)
    d.add_argument("--no-serve", action="store_true", help="只构建不打开看板 / build only")
    d.set_defaults(func=cmd_demo)

    s = sub.add_parser("serve", help="在 127.0.0.1:8501 打开看板 / serve the dashboard",
                       description="用 Streamlit 打开看板,读取已发布的 DuckDB 文件。"
                                   " Serves the Streamlit dashboard over the published file.")
    with_warehouse(s)
    with_server(s)
    s.set_defaults(func=cmd_serve)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except WeibaoError as exc:
        print(exc.render(), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the one place that turns surprises into a message
        log = ROOT / "target" / "logs" / "weibao-error.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"--- {datetime.now().isoformat()} {sys.argv}\n{traceback.format_exc()}\n")
        print(f"错误 / Error: 内部错误 / internal error: {exc}\n  详细信息已写入 / details in {log}",
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
