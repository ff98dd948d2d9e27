"""Agency submissions: one code path for the CLI and the dashboard's Submit page.

    receipt = submit(data, "桐乡市_民政局_2024.csv", submission_type="child_directors",
                     agency_code="civil_affairs", jurisdiction_code="330483", period="2024")

reads the bytes (CSV in UTF-8/BOM/GBK, or xlsx), maps the headers, refuses personal data,
normalises what a person would (spaces, full-width digits, "%", thousands separators), runs the
type's GX suite and the checks GX cannot express, then stores the file: accepted files with a
normalised copy for the build, rejected ones in quarantine with their receipt. Nothing is ever
half-loaded: the build reads only the normalised copy of an accepted file.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from weibao import audit, cells, store
from weibao.access import Actor, local_cli, require_submit, require_withdraw
from weibao.errors import WeibaoError, out_of_space
from weibao.intake import gx
from weibao.intake.checks import (
    Context,
    check_context,
    check_outliers,
    check_rows,
    column_kind,
    drop_total_rows,
    list_codes,
    map_headers,
    normalise_column,
    org_units,
    scan_personal_values,
)
from weibao.intake.read import ENCODING_NAMES, Limits, read_table
from weibao.intake.receipt import Issue, Receipt
from weibao.paths import people_dir, submissions_dir
from weibao.submission_types import SUBMISSION_TYPES

__all__ = ["Issue", "Receipt", "annotated_rows", "submit", "validate", "withdraw"]


def _gx_issues(
    frame: pd.DataFrame, headers: dict[str, str], lines: np.ndarray, ctx: Context
) -> bool:
    """Run the suite; False when a required column is missing (row checks cannot follow)."""
    complete = True
    raised: list[str] = []
    for fail in gx.validate(ctx.stype.code, frame):
        kwargs, code = fail["kwargs"], fail["meta"].get("code", "E_INVALID_VALUE")
        if fail["type"] == "expect_column_to_exist":
            column = ctx.stype.column(kwargs["column"]).header_zh
            ctx.add(
                "E_MISSING_COLUMN",
                rows=[ctx.header_line],
                column=column,
                values=[None],
                expected=column,
            )
            complete = False
            continue
        if fail["raised"]:
            raised.append(f"{fail['type']}({fail['kwargs'].get('column', '')})")
            continue
        rows = fail["rows"]
        if fail["type"] == "expect_column_pair_values_a_to_be_greater_than_b":
            part, whole = fail["meta"]["part"], fail["meta"]["whole"]
            ctx.add(
                code,
                rows=lines[rows],
                column=headers[part],
                values=frame.loc[rows, part].tolist(),
                expected=headers[whole],
            )
            continue
        column = kwargs["column"]
        if fail["type"] == "expect_column_values_to_be_between":
            expected = f"{_number(kwargs['min_value'])}–{_number(kwargs['max_value'])}"
        elif fail["type"] == "expect_column_values_to_be_in_set":
            expected = "、".join(kwargs["value_set"])
        else:
            expected = ""
        ctx.add(
            code,
            rows=lines[rows],
            column=headers[column],
            values=[None if pd.isna(v) else v for v in frame.loc[rows, column]],
            expected=expected,
        )
    if complete:
        # Every column is there, so an expectation that raised checked nothing: never let
        # the file through unchecked (issue 11). With a column missing, that is the report.
        for what in raised:
            ctx.issues.append(Issue.make("E_CHECK_FAILED", detail=what))
    return complete


def _number(value: float) -> str:
    """GX hands bounds back as floats: show 0–20, not 0.0–20.0."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"


def _dedupe(issues: list[Issue]) -> list[Issue]:
    """One report per problem: an empty cell is not also reported as missing by GX, etc."""
    errors_at = {
        (i.row, i.column)
        for i in issues
        if i.severity == "error" and i.code != "E_MISSING_VALUE" and i.row
    }
    seen, out = set(), []
    for issue in issues:
        key = (issue.code, issue.row, issue.column)
        if key in seen or (
            issue.code == "E_MISSING_VALUE" and (issue.row, issue.column) in errors_at
        ):
            continue
        seen.add(key)
        out.append(issue)
    return sorted(out, key=lambda i: (i.severity != "error", i.row or 0))


def _previous(ctx: Context, root: Path) -> pd.DataFrame | None:
    """The same unit's last accepted submission of this type, for the outlier check."""
    m = store.in_force(store.read_manifest(root))
    if m.empty:
        return None
    m = m[
        (m.submission_type == ctx.stype.code)
        & (m.agency_code == ctx.agency_code)
        & (m.jurisdiction_code == ctx.jurisdiction_code)
        & (m.period <= ctx.period)
    ]
    if m.empty:
        return None
    last = m.assign(seq=m.seq.astype(int)).sort_values(["period", "seq"]).iloc[-1]
    types = {c.name: ("Int64" if c.is_number else str) for c in ctx.stype.columns}
    return pd.read_csv(root / last.stored_path, dtype=types)


def validate(
    data: bytes,
    filename: str,
    *,
    submission_type: str,
    agency_code: str,
    jurisdiction_code: str,
    period: str,
    today: date | None = None,
    root: Path | None = None,
) -> tuple[Receipt, pd.DataFrame | None]:
    """Check a file without storing it. Returns the receipt and, if accepted, the normalised
    frame with the type's canonical columns in registry order."""
    stype = SUBMISSION_TYPES[submission_type]
    ctx = Context(
        stype, agency_code, str(jurisdiction_code), str(period), today or datetime.now(UTC).date()
    )
    limits = upload_limits(submission_type, str(jurisdiction_code))
    headers = [h for c in stype.columns for h in (c.header_zh, c.name, *c.aliases)]
    table = read_table(data, filename, limits=limits, headers=headers)
    ctx.issues.extend(table.issues)
    receipt = Receipt(
        status="rejected",
        submission_id=None,
        detected_encoding=ENCODING_NAMES.get(table.encoding or "", None),
        rows_read=len(table.rows),
        rows_accepted=0,
        submission_type=submission_type,
        agency_code=agency_code,
        jurisdiction_code=str(jurisdiction_code),
        period=str(period),
        file_name=Path(filename).name,
    )
    normalized = None
    locked = _locked(ctx, root)
    if locked:
        ctx.issues.append(locked)
    elif table.encoding and table.header and table.rows and check_context(ctx):
        normalized = _check_table(table, ctx, root or submissions_dir())
    elif table.encoding and table.header and stype.level == "institution":
        normalized = _nothing_to_report(table, ctx)
    receipt.issues = _dedupe(ctx.issues)
    if any(i.code == "E_ENCODING" for i in receipt.issues):
        receipt.detected_encoding = None  # decodable as GB18030 is not the same as GBK text
    if receipt.errors:
        return receipt, None
    lost = _rows_lost(normalized, ctx, root or submissions_dir())
    if lost:
        receipt.issues.append(lost)
    receipt.status = "accepted_with_warnings" if receipt.warnings else "accepted"
    receipt.rows_accepted = len(normalized)
    return receipt, normalized


def _locked(ctx: Context, root: Path | None) -> Issue | None:
    """E_PERIOD_LOCKED when an approval is in force for this key, naming who and when."""
    from weibao.approval import in_force

    event = in_force(
        ctx.stype.code, ctx.jurisdiction_code, ctx.period, people_dir(root or submissions_dir())
    )
    if event is None:
        return None
    from weibao.access import role_zh

    role = role_zh(event.role)
    return Issue.make(
        "E_PERIOD_LOCKED",
        value=ctx.period,
        detail=f"{event.when_zh()}(北京时间)由 {event.who}({role})",
        expected=f"by {event.who} ({event.role}) at {event.at}",
    )


def upload_limits(submission_type: str, jurisdiction_code: str) -> Limits:
    """The limits of weibao.toml for one upload. Rows: institution-level types (and types whose
    rows are not org units) take max_rows_institution; the others max_rows_other, or when that
    is 0 the number of units of the type's level in the jurisdiction (plus the jurisdiction's
    own row where the type allows one), so a village-level file cannot have more rows than the
    jurisdiction has villages."""
    from weibao.settings import settings

    s = settings()
    stype = SUBMISSION_TYPES[submission_type]
    units = org_units()
    by_units = stype.level != "institution" and "org_unit_code" in {c.name for c in stype.columns}
    if by_units and s.max_rows_other:
        n = s.max_rows_other
        return Limits.from_settings(n, f"每个文件最多 {n:,} 行", f"at most {n:,} rows per file")
    if by_units and jurisdiction_code in units.index:
        j, level = jurisdiction_code, stype.org_unit_level
        inside = (
            units["county_code"].eq(j) | units["city_code"].eq(j) | units["province_code"].eq(j)
        )
        n = int((inside & units["level"].eq(level)).sum()) + int(stype.jurisdiction_rows)
        level_zh = {"village": "村(社区)", "township": "乡镇(街道)", "county": "县(市、区)"}[level]
        return Limits.from_settings(
            max(n, 1),
            f"辖区 {j} 共有 {n:,} 个{level_zh},每个一行",
            f"jurisdiction {j} has {n:,} units of level {level}, one row each",
        )
    n = s.max_rows_institution
    return Limits.from_settings(n, f"每个文件最多 {n:,} 行", f"at most {n:,} rows per file")


def _rows_lost(frame: pd.DataFrame, ctx: Context, root: Path) -> Issue | None:
    """A file replacing this period's accepted submission with more than 10 % fewer rows: say
    how many and which units disappeared (a 1-row file once replaced 221 villages unremarked)."""
    try:
        m = store.in_force(store.read_manifest(root))
    except Exception:  # noqa: BLE001 - a damaged manifest is the store's to report, not intake's
        return None
    if m.empty:
        return None
    m = m[
        (m.submission_type == ctx.stype.code)
        & (m.agency_code == ctx.agency_code)
        & (m.jurisdiction_code.astype(str) == ctx.jurisdiction_code)
        & (m.period.astype(str) == ctx.period)
    ]
    if m.empty:
        return None
    last = m.iloc[-1]  # the manifest is append-only: its last line is the latest arrival
    try:
        before = pd.read_csv(root / last.stored_path, dtype=str, keep_default_na=False)
    except (OSError, ValueError):
        return None
    if len(before) == 0 or (len(before) - len(frame)) <= 0.1 * len(before):
        return None
    keys = [k for k in ctx.stype.key_columns if k not in ("year", "quarter")] or ["org_unit_code"]
    keys = [k for k in keys if k in before and k in frame]
    gone: list[str] = []
    if keys:
        now = set(frame[keys].astype(str).agg("|".join, axis=1))
        was = before[keys].astype(str).agg("|".join, axis=1)
        gone = [k for k in was if k not in now]
    names = org_units()["name"] if "name" in org_units() else None
    shown = [
        f"{k}{'(' + names[k] + ')' if names is not None and k in names.index else ''}"
        for k in gone[:20]
    ]
    listed = "、".join(shown) + (f" 等 {len(gone)} 个" if len(gone) > 20 else "")
    return Issue.make(
        "W_ROWS_LOST",
        value=f"{len(before) - len(frame):,}",
        expected=f"{len(before):,}",
        detail=listed or "—",
    )


def _check_table(table, ctx: Context, root: Path) -> pd.DataFrame | None:
    positions = map_headers(table, ctx)
    if positions is None:
        return None
    raw = pd.DataFrame(table.rows, dtype=str)
    table.rows = []  # the frame holds them now; keep one copy of a large file in memory
    lines = np.asarray(table.lines)
    headers = list(table.header)
    numbers = {
        positions[c.name]: table.header[positions[c.name]]
        for c in ctx.stype.columns
        if c.is_number and not c.is_key and c.name in positions
    }
    body = drop_total_rows(raw, headers, lines, numbers, ctx)
    if body is None:
        return None
    if len(body) < len(raw):
        raw, lines = body, lines[: len(body)]
    if len(raw) > table_limit(ctx):
        ctx.issues.append(_too_many_rows(ctx, int(lines[table_limit(ctx)])))
        return None
    scan_personal_values(
        raw,
        headers,
        lines,
        ctx,
        worded=[
            positions[c.name] for c in ctx.stype.columns if c.values_from and c.name in positions
        ],
    )
    if any(i.code == "E_PERSONAL_DATA" for i in ctx.issues):
        return None  # say only that: the file must not be kept or echoed back
    frame = pd.DataFrame(index=raw.index)
    names = {}
    for col in ctx.stype.columns:
        if col.name in positions:
            pos = positions[col.name]
            header = table.header[pos]
            names[col.name] = header
            frame[col.name] = normalise_column(
                raw.iloc[:, pos],
                header,
                col.is_number,
                lines,
                ctx,
                kind=column_kind(col.name, col.is_key, col.is_number),
                text_numbers=table.text_numbers.get(pos, []),
            )
    for col in ctx.stype.columns:
        if col.values_from and col.name in frame:
            frame[col.name] = list_codes(frame[col.name], col.values_from)
    if not _gx_issues(frame, names, lines, ctx):
        return None
    check_rows(frame, names, lines, ctx)
    if any(i.severity == "error" for i in ctx.issues):
        return None
    check_outliers(frame, _previous(ctx, root), names, lines, ctx)
    return frame[[c.name for c in ctx.stype.columns]]


def table_limit(ctx: Context) -> int:
    return upload_limits(ctx.stype.code, ctx.jurisdiction_code).max_rows


def _too_many_rows(ctx: Context, line: int) -> Issue:
    limits = upload_limits(ctx.stype.code, ctx.jurisdiction_code)
    return Issue.make(
        "E_TOO_MANY_ROWS",
        row=line,
        value=f"{limits.max_rows:,}",
        expected=limits.rows_zh,
        detail=limits.rows_en,
    )


def _nothing_to_report(table, ctx: Context) -> pd.DataFrame | None:
    """A header-only file of an institution-level type: the agency has no such institutions
    this period. Accepted (with a warning) so the reporting record shows it as received."""
    ctx.issues[:] = [i for i in ctx.issues if i.code != "E_EMPTY_FILE"]
    if not check_context(ctx) or map_headers(table, ctx) is None:
        return None
    if any(i.severity == "error" for i in ctx.issues):
        return None
    ctx.issues.append(Issue.make("W_NO_ROWS"))
    return pd.DataFrame(
        {c.name: pd.Series(dtype="Int64" if c.is_number else "object") for c in ctx.stype.columns}
    )


def submit(
    data: bytes,
    filename: str,
    *,
    submission_type: str,
    agency_code: str,
    jurisdiction_code: str,
    period: str,
    root: Path | None = None,
    now: datetime | None = None,
    actor: Actor | None = None,
) -> Receipt:
    """Validate and store. Accepted files go to the store, rejected ones to quarantine; both
    get a manifest line and a submission id.

    `actor` is who hands the file in (the signed-in user, or `--as NAME`); None is the local
    CLI, a statistician recorded as the OS user. An actor without the right to submit for this
    unit and jurisdiction is refused before the file is read (WeibaoError). Every outcome is
    in the audit log with who handed the file in."""
    root = root or submissions_dir()
    actor = actor or local_cli()
    people = people_dir(root)
    key = f"{submission_type}/{jurisdiction_code}/{agency_code}/{period}"
    try:
        require_submit(actor, agency_code, str(jurisdiction_code))
    except WeibaoError:
        audit.record(
            "submission_refused",
            who=actor.name,
            role=actor.role,
            object=key,
            detail={**actor.audit_detail(), "file": Path(filename).name},
            folder=people,
        )
        raise
    received = (now or datetime.now(UTC)).astimezone(UTC)
    receipt, normalized = validate(
        data,
        filename,
        submission_type=submission_type,
        agency_code=agency_code,
        jurisdiction_code=jurisdiction_code,
        period=period,
        today=received.date(),
        root=root,
    )
    common = dict(
        submission_type=submission_type,
        agency_code=agency_code,
        jurisdiction_code=str(jurisdiction_code),
        period=str(period),
        original=data,
        original_filename=Path(filename).name,
        root=root,
        received_at=received,
    )
    if normalized is None:

        def render(sid: str) -> str:
            receipt.submission_id = sid
            return receipt.to_json()

        # A file refused for personal data is not kept: only its hash, size and the
        # (masked) receipt. Other rejected files stay in quarantine for the retention period.
        personal = any(i.code == "E_PERSONAL_DATA" for i in receipt.issues)
        store.reject(
            **common,
            receipt_json=render,
            rows=receipt.rows_read,
            keep_original=not personal,
            submitted_by=actor.name,
        )
    else:
        entry = store.accept(**common, normalized=normalized, submitted_by=actor.name)
        receipt.submission_id = entry.submission_id
        receipt.supersedes = entry.supersedes or None
    try:
        audit.record(
            "submission_rejected" if normalized is None else "submission_accepted",
            who=actor.name,
            role=actor.role,
            object=receipt.submission_id or key,
            detail={
                **actor.audit_detail(),
                "key": key,
                "file": Path(filename).name,
                "errors": sorted({i.code for i in receipt.errors}),
            },
            folder=people,
        )
    except OSError as exc:
        if not out_of_space(exc):
            raise
        # The file is in the store already: say so, rather than "not done", which would send
        # the agency to submit it again.
        done_zh, done_en = (
            ("已接收", "accepted") if normalized is not None else ("已退回", "rejected")
        )
        raise WeibaoError(
            f"文件{done_zh}(报送编号 {receipt.submission_id}),但磁盘空间不足,审计日志未能记录",
            f"the file was {done_en} (submission {receipt.submission_id}), but the disk is "
            "full and the audit log could not record it",
            "无需重新报送;腾出磁盘空间后请管理员核对审计日志(weibao submissions 可查到这份报送)",
        ) from exc
    return receipt


def withdraw(
    submission_id: str, *, actor: Actor | None = None, root: Path | None = None
) -> store.ManifestEntry:
    """Withdraw an accepted submission (issue 9): an appended manifest line, the original kept;
    the key's latest submission falls back to the one before (or none) at the next build.

    Only who may submit for the unit may withdraw (an agency its own unit's); a period that is
    approved and locked refuses it with E_PERIOD_LOCKED. Audited either way."""
    from weibao.access import role_zh
    from weibao.approval import in_force

    root = root or submissions_dir()
    actor = actor or local_cli()
    people = people_dir(root)

    def check(row: dict[str, str]) -> None:
        require_withdraw(actor, row["agency_code"], row["jurisdiction_code"])
        event = in_force(row["submission_type"], row["jurisdiction_code"], row["period"], people)
        if event is not None:
            raise WeibaoError(
                f"E_PERIOD_LOCKED 报送期间 {row['period']} 已于 {event.when_zh()}(北京时间)由 "
                f"{event.who}({role_zh(event.role)})审核锁定,不能撤回 {submission_id}",
                f"E_PERIOD_LOCKED the period {row['period']} was approved and locked by "
                f"{event.who} ({event.role}) at {event.at}; {submission_id} cannot be withdrawn",
                "如需更正,请联系未保办统计员退回修改(weibao unlock,须写明原因)",
            )

    try:
        entry = store.withdraw(submission_id, submitted_by=actor.name, check=check, root=root)
    except LookupError:
        raise WeibaoError(
            f"没有可撤回的报送 {submission_id}(编号不存在、未被接收或已撤回)",
            f"no submission {submission_id} to withdraw (unknown, not accepted, or withdrawn)",
            "用 weibao submissions 查看报送编号",
        ) from None
    except WeibaoError:
        audit.record(
            "withdrawal_refused",
            who=actor.name,
            role=actor.role,
            object=submission_id,
            detail=actor.audit_detail(),
            folder=people,
        )
        raise
    key = f"{entry.submission_type}/{entry.jurisdiction_code}/{entry.agency_code}/{entry.period}"
    audit.record(
        "submission_withdrawn",
        who=actor.name,
        role=actor.role,
        object=submission_id,
        detail={**actor.audit_detail(), "key": key, "withdrawal": entry.submission_id},
        folder=people,
    )
    return entry


def annotated_rows(data: bytes, filename: str, receipt: Receipt) -> bytes:
    """The agency's own rows with a 问题 column, as a CSV that Excel opens (UTF-8 with BOM)."""
    stype = SUBMISSION_TYPES.get(receipt.submission_type)
    headers = [h for c in stype.columns for h in (c.header_zh, c.name, *c.aliases)] if stype else []
    limits = upload_limits(stype.code, receipt.jurisdiction_code) if stype else None
    table = read_table(data, filename, limits=limits, headers=headers)
    by_row: dict[int, list[str]] = {}
    for issue in receipt.issues:
        if issue.row:
            where = f"[{issue.column}] " if issue.column else ""
            by_row.setdefault(issue.row, []).append(f"{where}{issue.message_zh}")
    frame = pd.DataFrame(table.rows, columns=table.header or None, dtype=str)
    frame.insert(0, "行号", table.lines)
    frame["问题"] = ["; ".join(by_row.get(line, [])) for line in table.lines]
    return cells.csv_bytes(frame)  # the agency's own cells, echoed back: neutralised
