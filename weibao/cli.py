"""The `weibao` command line: demo, build, serve."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import traceback
from datetime import datetime
from pathlib import Path

from weibao.errors import WeibaoError, no_space_error, out_of_space
from weibao.paths import ROOT

DESCRIPTION = """未保 weibao — 未成年人保护工作指标数据仓库与看板
minors-protection indicator warehouse and dashboard"""


def _progress(msg: str) -> None:
    sys.stderr.write(msg + "\n")  # one write per line: dbt reports from several threads
    sys.stderr.flush()


def _engine(args: argparse.Namespace, read: bool = False) -> str:
    """--engine, else WEIBAO_ENGINE; exported so dbt, the dashboard and the brief agree."""
    from weibao import engines

    name = engines.engine_name(getattr(args, "engine", None))
    if read and name == "spark":
        raise WeibaoError(
            "仪表板和简报读取 DuckDB 或 PostgreSQL;Spark 上的发布供省级或国家平台的 BI 工具读取",
            "the dashboard and the brief read DuckDB or PostgreSQL; a Spark publication is for "
            "the BI tools of a provincial or national platform",
            "用 --engine duckdb 或 --engine postgres(见 README 的 On Spark 一节)",
        )
    os.environ["WEIBAO_ENGINE"] = name
    return name


def _no_publication(where: str, file: bool = True) -> WeibaoError:
    return WeibaoError(
        f"找不到已发布的数据{'文件' if file else ''} {where}",
        f"no published warehouse at {where}",
        "先运行 weibao build(或 weibao demo 生成示例数据)",
    )


def cmd_check(args: argparse.Namespace) -> int:
    from weibao.check import main as check_main

    return check_main()


def cmd_build(args: argparse.Namespace) -> int:
    from weibao.check import require_valid

    require_valid()  # before importing the build, which reads the type definitions
    from weibao import engines
    from weibao.build import build

    if _engine(args) == "duckdb":
        result = build(args.warehouse, progress=_progress)
    else:
        result = engines.get().build(progress=_progress)
    for w in result.warnings:
        print(f"警告 / warning: {w}", file=sys.stderr)
    _progress(f"完成 / done: {result.nodes} 个节点 / nodes, {result.seconds:.1f} s")
    _audit("publish", str(result.published), {"nodes": result.nodes, "engine": _engine(args)})
    print(result.published)
    return 0


def _actor(args: argparse.Namespace):
    """Who the CLI acts as: --as NAME (that user's rights), else the local statistician."""
    from weibao.access import as_user, local_cli

    name = getattr(args, "as_user", None)
    return as_user(name) if name else local_cli()


def _audit(action: str, obj: str, detail: dict | None = None, actor=None) -> None:
    from weibao import audit
    from weibao.access import local_cli

    actor = actor or local_cli()
    audit.record(
        action,
        who=actor.name,
        role=actor.role,
        object=obj,
        detail={**actor.audit_detail(), **(detail or {})},
    )


def cmd_demo(args: argparse.Namespace) -> int:
    from weibao import demo

    jurisdictions = demo.scale_jurisdictions(args.scale, args.jurisdiction, progress=_progress)
    _progress(
        "生成示例报送(示例数据,已有的跳过)/ generating demo submissions (existing ones are kept) "
        f"for {', '.join(jurisdictions) or '-'} …"
    )
    n = demo.generate(jurisdictions=jurisdictions, progress=_progress)
    _progress(f"    {n} 份新的示例报送 / new demo submissions written")
    _demo_users(args.jurisdiction or (jurisdictions[0] if jurisdictions else "330483"))
    code = cmd_build(args)
    if code or args.no_serve:
        return code
    return cmd_serve(args)


def _demo_users(jurisdiction: str) -> None:
    """One user per role for the tour (示例账号), with random passwords printed this once; users
    that already exist keep their passwords (weibao users reset NAME gives a new one)."""
    from weibao import users

    actor = _actor(argparse.Namespace())
    made = []
    for role in users.ROLES:
        name = f"demo_{role}"
        try:
            users.get(name)
            continue
        except WeibaoError:
            pass
        password = users.random_password()
        users.add(
            name,
            password,
            role=role,
            jurisdiction=jurisdiction,
            unit="civil_affairs" if role == "agency" else "",
            by=actor.name,
            by_role=actor.role,
        )
        made.append((name, role, password))
    if made:
        print("示例账号(密码只显示这一次,首次登录须修改)/ demo users (passwords shown once):")
        for name, role, password in made:
            print(f"  {name:<18} {role:<13} {jurisdiction}  {password}")


def cmd_committee(args: argparse.Namespace) -> int:
    from weibao.divisions import add_committee, read_committees

    if args.action == "list":
        frame = read_committees()
        print(frame.to_string(index=False))
        return 0
    if not args.code:
        raise WeibaoError("缺少区划代码", "missing division code", "weibao committee add CODE")
    added = add_committee(args.code, args.name)
    print(f"已添加 / added: {added.code} {added.name} ({added.level}) → {added.path}")
    _progress(
        "下一步 / next: weibao demo --jurisdiction "
        f"{added.code} --no-serve (示例数据 / demo data), 或为其添加目标 / or add its targets "
        "to seeds/reference/targets.csv"
    )
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    from weibao.check import require_valid
    from weibao.columnar import sync
    from weibao.load import SCHEDULE_FILE, write_schedule

    require_valid()
    write_schedule(SCHEDULE_FILE)  # the schedule dbt reads, from expectations/*.yml
    result = sync(progress=_progress)
    _progress(
        f"{result.submissions} 份已接收报送 / accepted submissions, +{result.added} "
        f"{'(重建 / rebuilt)' if result.rebuilt else ''}"
    )
    for problem in result.problems:
        _progress(f"    跳过 / skipped: {problem}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    import json

    from weibao.bench import run, table

    result = run(
        args.scale,
        jurisdiction=args.jurisdiction,
        workdir=Path(args.dir) if args.dir else None,
        regenerate=args.regenerate,
        progress=_progress,
        sample=args.sample,
    )
    print(
        json.dumps(result, ensure_ascii=False, indent=2) if args.format == "json" else table(result)
    )
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from weibao import engines
    from weibao.paths import warehouse_path
    from weibao.settings import settings

    published = warehouse_path(args.warehouse)
    if not settings().sign_in_required and args.host not in ("127.0.0.1", "localhost", "::1"):
        raise WeibaoError(
            f"未开启登录(sign_in_required = false)时不能在 {args.host} 上提供看板",
            f"without sign-in (sign_in_required = false) the dashboard is not served on {args.host}",
            "在 weibao.toml 中设 sign_in_required = true,或只在 127.0.0.1 上运行",
        )
    if _engine(args, read=True) != "duckdb":
        if not engines.get().available():
            raise _no_publication(engines.get().describe(), file=False)
    elif not published.exists():
        raise _no_publication(str(published))
    env = os.environ | {"WEIBAO_WAREHOUSE": str(published)}
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "dashboards" / "app.py"),
        "--server.address",
        args.host,
        "--server.port",
        str(args.port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.showErrorDetails",
        "none",
        "--server.maxUploadSize",
        str(settings().max_upload_mb),
        "--client.disableDataExport",  # the table toolbar's CSV is not neutralised
        "true",
    ]
    _progress(f"看板 / dashboard: http://{args.host}:{args.port}  (Ctrl+C 退出 / to stop)")
    try:
        return subprocess.call(cmd, env=env, cwd=ROOT)
    except KeyboardInterrupt:
        return 0


def cmd_submit(args: argparse.Namespace) -> int:
    from weibao.intake import submit
    from weibao.submission_types import SUBMISSION_TYPES

    path = Path(args.file)
    if args.type not in SUBMISSION_TYPES:
        raise WeibaoError(
            f"未知的报送类型 {args.type}",
            f"unknown submission type {args.type}",
            "可选: " + ", ".join(SUBMISSION_TYPES),
        )
    if not path.is_file():
        raise WeibaoError(f"找不到文件 {path}", f"file not found: {path}")
    from weibao.settings import settings

    limit = settings().max_upload_bytes
    if path.stat().st_size > limit:  # refused before a byte is read into memory
        size_mb, limit_mb = path.stat().st_size / 1024 / 1024, limit / 1024 / 1024
        raise WeibaoError(
            f"文件 {path.name} 大小 {size_mb:,.1f} MB,超过上限 {limit_mb:,.0f} MB(weibao.toml 的 max_upload_mb)",
            f"{path.name} is {size_mb:,.1f} MB, over the limit of {limit_mb:,.0f} MB (max_upload_mb in weibao.toml)",
            "按乡镇(街道)或机构类别拆分成几个文件分别上传",
        )
    receipt = submit(
        path.read_bytes(),
        path.name,
        submission_type=args.type,
        agency_code=args.unit,
        jurisdiction_code=args.jurisdiction,
        period=args.period,
        actor=_actor(args),
    )
    if args.format == "json":
        print(receipt.to_json())
    else:
        print(_receipt_text(receipt, args.lang))
    return 2 if receipt.status == "rejected" else 0


def cmd_withdraw(args: argparse.Namespace) -> int:
    from weibao.intake import withdraw

    entry = withdraw(args.submission_id, actor=_actor(args))
    print(
        f"已撤回 {entry.withdraws}(撤回记录 {entry.submission_id});下次构建起该期改用此前的报送"
        f"\nwithdrawn {entry.withdraws} (record {entry.submission_id}); from the next build the "
        "period uses the submission before it, if any"
    )
    return 0


def cmd_case(args: argparse.Namespace) -> int:
    from weibao import casecli

    if args.action == "open":
        _engine(args, read=True)  # the item is read from the publication
    return casecli.run(args, _actor(args))


def _receipt_text(receipt, lang: str) -> str:
    words = {
        "accepted": ("已接收", "accepted"),
        "accepted_with_warnings": ("已接收(有提示)", "accepted with warnings"),
        "rejected": ("已退回", "rejected"),
    }[receipt.status]
    zh = lang == "zh"
    lines = [
        f"{'回执' if zh else 'Receipt'}: {words[0 if zh else 1]}  {receipt.file_name}",
        f"  {'编号' if zh else 'id'}: {receipt.submission_id}",
        f"  {'编码' if zh else 'encoding'}: {receipt.detected_encoding or '-'}  "
        f"{'读取' if zh else 'rows read'} {receipt.rows_read}  "
        f"{'接收' if zh else 'accepted'} {receipt.rows_accepted}",
    ]
    for i in receipt.issues:
        where = f"{'第' if zh else 'row '}{i.row}{'行' if zh else ''} " if i.row else ""
        where += f"[{i.column}] " if i.column else ""
        mark = "错误" if i.severity == "error" else "提示"
        text = i.message_zh if zh else i.message_en
        hint = i.hint_zh if zh else i.hint_en
        hint = f" → {hint}" if hint else ""
        lines.append(f"  {mark if zh else i.severity} {i.code} {where}{text}{hint}")
    return "\n".join(lines)


def cmd_submissions(args: argparse.Namespace) -> int:
    import json

    from weibao.paths import submissions_dir
    from weibao.store import read_manifest

    m = read_manifest()
    problems = m.attrs.get("problems", [])
    if args.type:
        m = m[m.submission_type == args.type]
    root = submissions_dir()
    m = m.assign(
        path=[
            str(root / (p or q or f"quarantine/{s}/receipt.json"))
            for p, q, s in zip(m.stored_path, m.original_path, m.submission_id, strict=True)
        ]
    )
    for problem in problems:
        print(f"警告 / warning: {problem.describe()}", file=sys.stderr)
    cols = [
        "submission_id",
        "submission_type",
        "agency_code",
        "jurisdiction_code",
        "period",
        "status",
        "received_at",
        "rows",
        "supersedes",
        "withdraws",
        "submitted_by",
        "original_filename",
        "path",
    ]
    if args.format == "json":
        print(json.dumps(m[cols].to_dict(orient="records"), ensure_ascii=False, indent=2))
    else:
        print(m[cols].to_string(index=False) if len(m) else "(无报送 / no submissions)")
    return 0


def cmd_store(args: argparse.Namespace) -> int:
    from weibao import storekeeping
    from weibao.paths import submissions_dir
    from weibao.settings import settings

    root = submissions_dir()
    if args.action == "verify":
        report = storekeeping.verify(root)
        print(report.render())
        return 0 if report.ok else 3
    if args.action == "repair":
        done, report = storekeeping.repair(root)
        for line in done or ["没有需要修复的内容 / nothing to repair"]:
            print(line)
        print(report.render())
        return 0 if report.ok else 3
    days = args.days if args.days is not None else settings().rejected_retention_days
    removed = storekeeping.purge(root, days)
    for line in removed:
        print(f"删除 / removed {line}")
    print(
        f"保留期 {days} 天,删除 {len(removed)} 个已退回文件的原件(回执保留)/ "
        f"retention {days} days: {len(removed)} rejected original(s) removed (receipts kept)"
    )
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from weibao import storekeeping
    from weibao.paths import submissions_dir

    index = storekeeping.backup(Path(args.dir), submissions_dir())
    print(
        f"已备份 {len(index['files'])} 个文件 / {len(index['files'])} files backed up: {args.dir}"
    )
    print(
        "备份含用户密码哈希和审计日志:目录权限 0700、文件 0600,请存放在只有管理员可读的位置 / "
        "the backup holds password hashes and the audit log: folders 0700, files 0600; "
        "keep it where only administrators can read it"
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from weibao import storekeeping
    from weibao.paths import submissions_dir

    written = storekeeping.restore(Path(args.dir), submissions_dir(), force=args.force)
    print(f"已恢复 {len(written)} 个文件 / {len(written)} files restored into {submissions_dir()}")
    print("下一步 / next: weibao store verify && weibao audit --verify && weibao build")
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from weibao.intake.templates import template_csv, template_xlsx
    from weibao.submission_types import SUBMISSION_TYPES

    if args.type not in SUBMISSION_TYPES:
        raise WeibaoError(
            f"未知的报送类型 {args.type}",
            f"unknown submission type {args.type}",
            "可选: " + ", ".join(SUBMISSION_TYPES),
        )
    data = template_xlsx(args.type) if args.xlsx else template_csv(args.type)
    out = Path(args.output or f"{args.type}_模板.{'xlsx' if args.xlsx else 'csv'}")
    out.write_bytes(data)
    print(out)
    return 0


def cmd_brief(args: argparse.Namespace) -> int:
    from weibao.brief import FORMATS, brief_pdf, brief_xlsx
    from weibao.paths import warehouse_path

    out = Path(args.output)
    kind = out.suffix.lower().lstrip(".")
    if kind not in FORMATS:
        raise WeibaoError(
            f"无法识别的简报格式 {out.name}",
            f"unknown brief format: {out.name}",
            "输出文件名以 .xlsx 或 .pdf 结尾",
        )
    from weibao import engines

    published = warehouse_path(args.warehouse)
    if _engine(args, read=True) != "duckdb":
        if not engines.get().available():
            raise _no_publication(engines.get().describe(), file=False)
    elif not published.is_file():
        raise _no_publication(str(published))
    actor = _actor(args)
    if args.internal:
        from weibao.brief import internal_name, require_internal

        require_internal(actor)
        out = internal_name(out)
    make = brief_pdf if kind == "pdf" else brief_xlsx
    data = make(published, args.jurisdiction, args.year, lang=args.lang, internal=args.internal)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    _audit(
        "brief_export",
        f"{args.jurisdiction}/{args.year}",
        {"file": out.name, "internal": bool(args.internal)},
        actor=actor,
    )
    print(out)
    return 0


def _read_password(label: str) -> str:
    """From a prompt (typed twice) on a terminal, else the first line of standard input;
    never from an argument, where it would sit in the shell history and the process list."""
    import getpass

    if sys.stdin.isatty():
        first = getpass.getpass(f"{label}: ")
        if getpass.getpass("再输入一次 / again: ") != first:
            raise WeibaoError("两次输入的密码不一致", "the two passwords differ", "重新运行命令")
        return first
    line = sys.stdin.readline()
    if not line.strip():
        raise WeibaoError(
            "没有读到密码", "no password on standard input", "在提示符下输入,或用管道传入一行"
        )
    return line.rstrip("\r\n")


def cmd_users(args: argparse.Namespace) -> int:
    import json

    from weibao import users

    actor = _actor(args)
    if args.action != "list":
        from weibao.access import require_role

        require_role(actor, "statistician", what_zh="管理用户", what_en="manage users")
    if args.action == "list":
        rows = [
            {
                "name": u.name,
                "role": u.role,
                "jurisdiction": u.jurisdiction,
                "unit": u.unit,
                "disabled": u.disabled,
                "locked": u.locked(),
                "must_change_password": u.must_change_password,
            }
            for u in users.list_users()
        ]
        if args.format == "json":
            print(json.dumps(rows, ensure_ascii=False, indent=2))
        elif not rows:
            print(
                "(无用户 / no users) — weibao users add NAME --role statistician --jurisdiction CODE"
            )
        else:
            import pandas as pd

            print(pd.DataFrame(rows).to_string(index=False))
        return 0
    if not args.name:
        raise WeibaoError("缺少用户名", "missing user name", f"weibao users {args.action} NAME")
    if args.action == "add":
        if not args.role or not args.jurisdiction:
            raise WeibaoError(
                "新增用户须指定 --role 和 --jurisdiction",
                "add needs --role and --jurisdiction",
                "例如 weibao users add zhang --role statistician --jurisdiction 330483",
            )
        from weibao.access import covers

        if not covers(actor.jurisdiction, args.jurisdiction):
            raise WeibaoError(
                f"只能为本辖区 {actor.jurisdiction} 新增用户",
                f"users can be added for {actor.jurisdiction} only",
            )
        user = users.add(
            args.name,
            _read_password(f"{args.name} 的初始密码 / initial password"),
            role=args.role,
            jurisdiction=args.jurisdiction,
            unit=args.unit or "",
            by=actor.name,
            by_role=actor.role,
        )
        print(
            f"已添加 / added: {user.name} ({user.role}, {user.jurisdiction}"
            f"{', ' + user.unit if user.unit else ''});首次登录须修改密码 / "
            "must change the password at first sign-in"
        )
    elif args.action == "disable":
        users.set_disabled(args.name, True, by=actor.name, by_role=actor.role)
        print(f"已停用 / disabled: {args.name}")
    elif args.action == "enable":
        users.set_disabled(args.name, False, by=actor.name, by_role=actor.role)
        print(f"已启用 / enabled: {args.name}")
    elif args.action == "reset":
        users.get(args.name)
        users.reset(
            args.name,
            _read_password(f"{args.name} 的新密码 / new password"),
            by=actor.name,
            by_role=actor.role,
        )
        print(f"已重置 / reset: {args.name};下次登录须修改密码 / must change it at next sign-in")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    import json

    from weibao import audit

    if args.verify:
        result = audit.verify()
        print(result.text(), file=sys.stdout if result.ok else sys.stderr)
        return 0 if result.ok else 2
    entries = audit.read(since=args.since)
    if args.format == "json":
        print(json.dumps(entries, ensure_ascii=False, indent=2))
        return 0
    if not entries:
        print("(无审计记录 / no audit entries)")
        return 0
    for e in entries:
        detail = e.get("detail")
        detail = json.dumps(detail, ensure_ascii=False) if isinstance(detail, dict) else detail
        print(
            f"{e['seq']:>6} {e['at']} {e['who']} ({e['role'] or '-'}) {e['action']} "
            f"{e['object']} {detail or ''}".rstrip()
        )
    return 0


def cmd_approve(args: argparse.Namespace) -> int:
    from weibao import approval

    event = approval.approve(_actor(args), args.jurisdiction, args.period, args.type or "")
    print(
        f"已审核锁定 / approved and locked: {approval.key_text(event)}  "
        f"({event.who}, {event.when_zh()})"
    )
    return 0


def cmd_accept(args: argparse.Namespace) -> int:
    from weibao import approval

    event = approval.accept(_actor(args), args.jurisdiction, args.period, args.type or "")
    print(
        f"已接受下级审核 / accepted: {approval.key_text(event)}  ({event.who}, {event.when_zh()})"
    )
    return 0


def cmd_unlock(args: argparse.Namespace) -> int:
    from weibao import approval

    event = approval.unlock(
        _actor(args), args.jurisdiction, args.period, args.reason, args.type or ""
    )
    print(f"已退回修改 / unlocked: {approval.key_text(event)}  原因 / reason: {event.reason}")
    return 0


class _Parser(argparse.ArgumentParser):
    """Usage errors exit 1: exit code 2 means a submission was rejected (weibao submit)."""

    def error(self, message: str):  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(1, f"错误 / Error: {message}\n  ({self.prog} --help)\n")


def parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="weibao", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def with_warehouse(
        sp: argparse.ArgumentParser, engines: tuple[str, ...] = ("duckdb", "postgres")
    ) -> None:
        sp.add_argument(
            "--warehouse",
            metavar="PATH",
            help="已发布的 DuckDB 文件 / published DuckDB file "
            "(默认 default: warehouse/weibao.duckdb, 或 or $WEIBAO_WAREHOUSE)",
        )
        sp.add_argument(
            "--engine",
            choices=list(engines),
            help="数据库引擎 / engine (默认 default: duckdb, 或 or $WEIBAO_ENGINE); "
            "postgres 由 PG* 环境变量连接 / connects with the PG* variables"
            + ("; spark 在本进程内运行 / runs in this process" if "spark" in engines else ""),
        )

    def approval_key(sp: argparse.ArgumentParser) -> None:
        """The key that approve, accept and unlock act on, and --as."""
        sp.add_argument("--jurisdiction", required=True, metavar="CODE")
        sp.add_argument("--period", required=True, help="2024 或 or 2024Q1")
        sp.add_argument("--type", help=f"报送类型 / submission type: {types}")
        with_as(sp)

    def with_as(sp: argparse.ArgumentParser) -> None:
        sp.add_argument(
            "--as",
            dest="as_user",
            metavar="NAME",
            help="以该用户的权限操作并记录为该用户 / act with this user's rights, recorded as "
            "them (默认 default: 本机统计员, 记录操作系统用户 / local statistician, OS user recorded)",
        )

    def with_server(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--host", default="127.0.0.1")
        sp.add_argument("--port", type=int, default=8501)

    c = sub.add_parser(
        "check",
        help="检查定义文件和参照表 / validate definitions and reference tables",
        description="检查 expectations/(报送类型 yml 与 GX 规则集)、seeds/reference/ 参照表、"
        "引文和 locales/ 界面用语;每个问题一行:文件 | 键 | 问题 | 处理办法。"
        "退出码: 0 通过, 2 有问题。 Validates every definition file and reference table; "
        "one line per problem (file | key | problem | fix). Exit 0 if fine, 2 if broken.",
    )
    c.set_defaults(func=cmd_check)

    b = sub.add_parser(
        "build",
        help="读取报送文件、运行 dbt build 并发布 / load, dbt build, publish",
        description="读取已接收的报送文件,运行 dbt build;全部检查通过后才替换已发布文件。"
        " Loads accepted submissions, runs dbt build, publishes only if "
        "every error-severity test passes.",
    )
    with_warehouse(b, ("duckdb", "postgres", "spark"))
    b.set_defaults(func=cmd_build)

    d = sub.add_parser(
        "demo",
        help="生成示例数据、构建并打开看板 / demo data, build, serve",
        description="如无示例报送则生成(固定随机种子),构建、发布,然后打开看板。"
        " Generates demo submissions if missing, builds, publishes, "
        "then serves the dashboard.",
    )
    with_warehouse(d)
    with_server(d)
    d.add_argument("--no-serve", action="store_true", help="只构建不打开看板 / build only")
    d.add_argument(
        "--scale",
        choices=["county", "province", "national"],
        default=None,
        help="county: 桐乡市 或 --jurisdiction 指定的县; province(默认): 委员会文件中的辖区; "
        "national: 全国31个省(加入委员会文件) / county: one county; province (default): the "
        "committees file; national: all 31 provinces (added to the committees file)",
    )
    d.add_argument(
        "--jurisdiction",
        metavar="CODE",
        help="只为这个委员会生成示例数据(须先 weibao committee add)/ demo data for this "
        "committee only (add it first with weibao committee add)",
    )
    d.set_defaults(func=cmd_demo)

    ld = sub.add_parser(
        "load",
        help="把报送文件压缩进列式存储 / compact accepted files into the columnar store",
        description="使列式存储(<store>/columnar/)与清单一致;之后可直接运行 dbt build。"
        " Brings the columnar copy of the store in step with the manifest; plain dbt build "
        "reads it.",
    )
    ld.set_defaults(func=cmd_load)

    bn = sub.add_parser(
        "bench",
        help="规模基准测试 / benchmark the build at a scale",
        description="生成、读取、dbt、核验、发布各阶段耗时,与下限(一条 DuckDB 语句)对比;"
        "重新发布与看板查询耗时。 Times generate, load, dbt, audit, publish against the floor; "
        "republish after one resubmission; dashboard query p50/p95.",
    )
    bn.add_argument("--scale", choices=["county", "province", "national"], default="county")
    bn.add_argument("--jurisdiction", metavar="CODE", help="county scale: this county")
    bn.add_argument(
        "--dir", metavar="PATH", help="工作目录 / work folder (default target/bench/SCALE)"
    )
    bn.add_argument("--regenerate", action="store_true", help="重新生成示例报送 / generate again")
    bn.add_argument(
        "--sample", type=int, default=20, help="随机辖区数 / random jurisdictions per page query"
    )
    bn.add_argument("--format", choices=["text", "json"], default="text")
    bn.set_defaults(func=cmd_bench)

    cm = sub.add_parser(
        "committee",
        help="委员会文件:添加或列出 / the committees file: add or list",
        description="委员会只设在省、市、县级政府;代码须为2023年统计用区划代码。"
        " Committees exist for a province, city or county government; the code must be in the "
        "2023 NBS divisions.",
    )
    cm.add_argument("action", choices=["add", "list"])
    cm.add_argument("code", nargs="?", metavar="CODE", help="区划代码 / division code, e.g. 520102")
    cm.add_argument("--name", help="名称(默认取区划名称)/ name (default: the division's name)")
    cm.set_defaults(func=cmd_committee)

    s = sub.add_parser(
        "serve",
        help="在 127.0.0.1:8501 打开看板 / serve the dashboard",
        description="用 Streamlit 打开看板,读取已发布的 DuckDB 文件。"
        " Serves the Streamlit dashboard over the published file.",
    )
    with_warehouse(s)
    with_server(s)
    s.set_defaults(func=cmd_serve)

    from weibao import submission_types

    try:
        types = ", ".join(submission_types.SUBMISSION_TYPES)
    except WeibaoError:  # a broken definition: `weibao check` says what; help still works
        types = "(weibao check)"
    u = sub.add_parser(
        "submit",
        help="上报一个文件并取得回执 / submit a file, get a receipt",
        description="检查并保存一份报送文件。退出码: 0 已接收, 2 已退回, 1 用法或系统错误。"
        " Exit codes: 0 accepted, 2 rejected, 1 usage or system error.",
    )
    u.add_argument("file", metavar="FILE", help=".csv 或 .xlsx")
    u.add_argument("--type", required=True, help=f"报送类型 / submission type: {types}")
    u.add_argument("--unit", required=True, help="报送单位代码 / agency code, e.g. civil_affairs")
    u.add_argument("--jurisdiction", required=True, help="辖区区划代码 / jurisdiction code")
    u.add_argument("--period", required=True, help="报送期间 / period, e.g. 2024")
    u.add_argument("--format", choices=["text", "json"], default="text")
    u.add_argument("--lang", choices=["zh", "en"], default="zh")
    with_as(u)
    u.set_defaults(func=cmd_submit)

    wd = sub.add_parser(
        "withdraw",
        help="撤回一份已接收的报送 / withdraw an accepted submission",
        description="在清单中追加一条撤回记录(原文件保留);下次构建起该期改用此前的报送。"
        "审核锁定后不能撤回(E_PERIOD_LOCKED);成员单位只能撤回本单位的报送。"
        " Appends a withdrawal line (the file is kept); from the next build the period uses the "
        "submission before it. Refused once the period is locked, and for another unit's file.",
    )
    wd.add_argument("submission_id", metavar="SUBMISSION_ID", help="报送编号 / submission id")
    with_as(wd)
    wd.set_defaults(func=cmd_withdraw)

    cs = sub.add_parser(
        "case",
        help="挂牌督办:列出、交办、反馈、销号、退回 / 督办单: list, open, reply, close, return",
        description="list: 可见的督办单; open ITEM_ID --due DATE --instruction TEXT (督办清单中的"
        "事项,读已发布数据); reply CASE_ID --measures TEXT --expected DATE [--note TEXT]; "
        "close CASE_ID; return CASE_ID --reason TEXT. Same rules as the 挂牌督办 page.",
    )
    cs.add_argument("action", choices=["list", "open", "reply", "close", "return"])
    cs.add_argument("id", nargs="?", metavar="ID", help="ITEM_ID (open) 或 or CASE_ID")
    cs.add_argument("--due", metavar="DATE", help="整改期限 / due date, 2026-12-31")
    cs.add_argument("--instruction", metavar="TEXT", help="领导批示 / the instruction")
    cs.add_argument("--measures", metavar="TEXT", help="整改措施 / rectification measures")
    cs.add_argument("--expected", metavar="DATE", help="预计完成日期 / expected completion")
    cs.add_argument("--note", metavar="TEXT", default="", help="备注 / note")
    cs.add_argument("--reason", metavar="TEXT", default="", help="退回原因 / reason to return")
    cs.add_argument("--format", choices=["text", "json"], default="text")
    with_warehouse(cs)
    with_as(cs)
    cs.set_defaults(func=cmd_case)

    us = sub.add_parser(
        "users",
        help="用户:新增、列出、停用、重置密码 / users: add, list, disable, reset",
        description="用户文件在报送存储的 people/users.yml(不提交到代码库)。密码从提示符或标准输入读取,"
        "不从参数读取;至少8位,含大写、小写、数字、符号中的3类,首次登录须修改。"
        " The users file is <store>/people/users.yml (never committed). Passwords come from a "
        "prompt or standard input, never an argument.",
    )
    us.add_argument("action", choices=["add", "list", "disable", "enable", "reset"])
    us.add_argument("name", nargs="?", metavar="NAME")
    us.add_argument("--role", choices=["leader", "statistician", "agency", "inspector"])
    us.add_argument("--jurisdiction", metavar="CODE", help="辖区区划代码 / jurisdiction code")
    us.add_argument("--unit", metavar="AGENCY", help="agency 用户的单位 / agency code")
    us.add_argument("--format", choices=["text", "json"], default="text")
    with_as(us)
    us.set_defaults(func=cmd_users)

    au = sub.add_parser(
        "audit",
        help="审计日志 / the audit log (--verify checks the hash chain)",
        description="列出审计日志,或校验哈希链(--verify,退出码 0 完整,2 被改动)。"
        " Lists the audit log, or checks its hash chain (--verify: exit 0 intact, 2 broken).",
    )
    au.add_argument("--since", metavar="DATE", help="从此日期起 / from this date, e.g. 2026-12-01")
    au.add_argument("--format", choices=["text", "json"], default="text")
    au.add_argument("--verify", action="store_true", help="校验哈希链 / verify the chain")
    au.set_defaults(func=cmd_audit)

    ap = sub.add_parser(
        "approve",
        help="审核并锁定一个期间 / approve and lock a period",
        description="锁定辖区(及其下级)、期间和类型;不写 --type 锁定全部类型,年度同时锁定其各季度。"
        " Locks the jurisdiction (and below), period and type; without --type every type; a year "
        "also locks its quarters.",
    )
    approval_key(ap)
    ap.set_defaults(func=cmd_approve)

    ac = sub.add_parser(
        "accept",
        help="上级接受下级的审核 / accept a lower level's approval",
        description="市或省的统计员接受县(区)已审核锁定的数据(同 DHIS2 的接受);接受后只有上级能退回。"
        " A statistician of the city or province accepts what a county approved (as in DHIS2); "
        "after that only the level above can unlock it.",
    )
    approval_key(ac)
    ac.set_defaults(func=cmd_accept)

    ul = sub.add_parser(
        "unlock",
        help="退回修改(须写原因)/ unlock a period (reason required)",
        description="重新开放已锁定的期间,原因必填并记入审计日志。"
        " Reopens a locked period; the reason is required and recorded.",
    )
    approval_key(ul)
    ul.add_argument("--reason", required=True, metavar="TEXT", help="退回原因 / reason")
    ul.set_defaults(func=cmd_unlock)

    ls = sub.add_parser(
        "submissions",
        help="列出报送清单 / list the submission manifest",
        description="列出所有报送(已接收和已退回)。 Lists every submission, accepted and rejected.",
    )
    ls.add_argument("--type", help=f"只列此类型 / only this type: {types}")
    ls.add_argument("--format", choices=["text", "json"], default="text")
    ls.set_defaults(func=cmd_submissions)

    st = sub.add_parser(
        "store",
        help="核对、修复、清理报送库 / verify, repair or purge the submission store",
        description="verify: 核对清单每一行的文件存在且哈希一致,列出孤立文件和不完整的行;"
        "repair: 修复可安全修复的问题并说明做了什么;purge: 按保留期删除已退回文件的原件。"
        " verify checks every manifest line's files and hashes and lists orphans and torn "
        "lines; repair fixes what is safe and says what it did; purge applies the retention "
        "rule to rejected files. Exit codes: 0 no problems, 3 problems remain, 1 error.",
    )
    st.add_argument("action", choices=["verify", "repair", "purge"])
    st.add_argument(
        "--days",
        type=int,
        help="purge: 保留天数 / retention days (默认 default: weibao.toml rejected_retention_days)",
    )
    st.set_defaults(func=cmd_store)

    bk = sub.add_parser(
        "backup",
        help="备份报送库、用户、审计日志、督办单、定义和参照文件 / back up everything that "
        "cannot be rebuilt",
        description="把报送库(清单、原件、规范化文件、隔离区)、people/(用户及密码哈希、审计日志、"
        "审核锁定、督办单)、定义和参照文件复制到一个空目录,并记录每个文件的哈希;目录 0700、"
        "文件 0600。 Copies the store, its people/ folder (users with password hashes, the "
        "audit log, approvals, 督办单), the definitions and the reference files into an empty "
        "directory, with every file's hash in backup.json; folders 0700, files 0600.",
    )
    bk.add_argument("dir", metavar="DIR")
    bk.set_defaults(func=cmd_backup)

    rs = sub.add_parser(
        "restore",
        help="从备份恢复到空的报送库 / restore a backup into an empty store",
        description="先核对备份中每个文件的哈希,再恢复到空的报送库(WEIBAO_SUBMISSIONS)及其 "
        "people/;已有文件的报送库一律拒绝;与当前项目不同的定义文件只有加 --force 才覆盖。 "
        "Checks every hash first, then restores into an empty store and its people/ folder; "
        "a store that holds files is always refused; definitions that differ are replaced "
        "only with --force.",
    )
    rs.add_argument("dir", metavar="DIR")
    rs.add_argument("--force", action="store_true", help="覆盖不同的定义文件 / replace them")
    rs.set_defaults(func=cmd_restore)

    tp = sub.add_parser(
        "template",
        help="下载填报模板 / write a blank template",
        description="生成填报模板:CSV(中文表头)或 xlsx(数据表+说明表)。"
        " Writes a blank template, CSV or xlsx.",
    )
    tp.add_argument("type", metavar="TYPE", help=types)
    tp.add_argument("--xlsx", action="store_true", help="xlsx 模板 / xlsx template")
    tp.add_argument("-o", "--output", metavar="FILE")
    tp.set_defaults(func=cmd_template)

    br = sub.add_parser(
        "brief",
        help="生成会议简报 / write the meeting brief (xlsx or PDF)",
        description="为全体会议生成简报:Excel(摘要、指标、督办清单、报送情况)或 A4 PDF"
        "(需要 Chromium)。格式由输出文件后缀决定。 Writes the plenary "
        "meeting brief as xlsx or an A4 PDF (needs Chromium); the format "
        "follows the output file's suffix.",
    )
    br.add_argument(
        "--jurisdiction",
        required=True,
        metavar="CODE",
        help="辖区区划代码 / jurisdiction code, e.g. 330483",
    )
    br.add_argument("--year", required=True, type=int, help="年度 / year, e.g. 2022")
    br.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help="输出文件 / output file: FILE.xlsx 或 or FILE.pdf",
    )
    br.add_argument("--lang", choices=["zh", "en"], default="zh")
    br.add_argument(
        "--internal",
        action="store_true",
        help="统计员的内部版:全部数据(未审核的标注)、小数不抑制,每页标“内部”,文件名加 _内部 / "
        "a statistician's internal version: every figure (not yet approved ones marked), small "
        "counts shown, 内部 on every page and in the file name",
    )
    with_as(br)
    with_warehouse(br)
    br.set_defaults(func=cmd_brief)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except WeibaoError as exc:
        print(exc.render(), file=sys.stderr)
        return 1
    except SystemExit:
        raise
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        if not out_of_space(exc):
            return _internal_error(exc)
        print(no_space_error("未完成", "not done", exc).render(), file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - the one place that turns surprises into a message
        return _internal_error(exc)


def _internal_error(exc: BaseException) -> int:
    log = ROOT / "target" / "logs" / "weibao-error.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "a", encoding="utf-8") as fh:
        fh.write(f"--- {datetime.now().isoformat()} {sys.argv}\n{traceback.format_exc()}\n")
    print(
        f"错误 / Error: 内部错误 / internal error: {exc}\n  详细信息已写入 / details in {log}",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
