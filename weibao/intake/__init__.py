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

from weibao import cells, store
from weibao.intake import gx
from weibao.intake.checks import (
    Context,
    check_context,
    check_outliers,
    check_rows,
    map_headers,
    normalise_column,
    scan_personal_values,
    sector_codes,
)
from weibao.intake.read import ENCODING_NAMES, read_table
from weibao.intake.receipt import Issue, Receipt
from weibao.paths import submissions_dir
from weibao.submission_types import SUBMISSION_TYPES

__all__ = ["Issue", "Receipt", "annotated_rows", "submit", "validate"]


def _gx_issues(
    frame: pd.DataFrame, headers: dict[str, str], lines: np.ndarray, ctx: Context
) -> bool:
    """Run the suite; False when a required column is missing (row checks cannot follow)."""
    complete = True
    for fail in gx.validate(ctx.stype.code, frame):
        kwargs, code = fail["kwargs"], fail["meta"].get("code", "E_INVALID_VALUE")
        if fail["type"] == "expect_column_to_exist":
            column = ctx.stype.column(kwargs["column"]).header_zh
            ctx.add("E_MISSING_COLUMN", rows=[1], column=column, values=[None], expected=column)
            complete = False
            continue
        if fail["raised"]:
            continue  # an expectation on a column that is missing, reported above
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
    m = store.read_manifest(root)
    if m.empty:
        return None
    m = m[
        (m.submission_type == ctx.stype.code)
        & (m.agency_code == ctx.agency_code)
        & (m.jurisdiction_code == ctx.jurisdiction_code)
        & (m.status == "accepted")
        & (m.period <= ctx.period)
    ]
    if m.empty:
        return None
    last = m.sort_values(["period", "received_at"]).iloc[-1]
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
    table = read_table(data, filename)
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
    if table.encoding and table.header and table.rows and check_context(ctx):
        normalized = _check_table(table, ctx, root or submissions_dir())
    elif table.encoding and table.header and stype.level == "institution":
        normalized = _nothing_to_report(table, ctx)
    receipt.issues = _dedupe(ctx.issues)
    if any(i.code == "E_ENCODING" for i in receipt.issues):
        receipt.detected_encoding = None  # decodable as GB18030 is not the same as GBK text
    if receipt.errors:
        return receipt, None
    receipt.status = "accepted_with_warnings" if receipt.warnings else "accepted"
    receipt.rows_accepted = len(normalized)
    return receipt, normalized


def _check_table(table, ctx: Context, root: Path) -> pd.DataFrame | None:
    positions = map_headers(table, ctx)
    if positions is None:
        return None
    width = max(len(table.header), *(len(r) for r in table.rows))
    raw = pd.DataFrame([r + [""] * (width - len(r)) for r in table.rows], dtype=str)
    lines = np.asarray(table.lines)
    headers = [table.header[i] if i < len(table.header) else "" for i in range(width)]
    scan_personal_values(
        raw, headers, lines, ctx, worded=[positions[c] for c in ("sector",) if c in positions]
    )
    if any(i.code == "E_PERSONAL_DATA" for i in ctx.issues):
        return None  # say only that: the file must not be kept or echoed back
    frame = pd.DataFrame(index=raw.index)
    names = {}
    for col in ctx.stype.columns:
        if col.name in positions:
            header = table.header[positions[col.name]]
            names[col.name] = header
            frame[col.name] = normalise_column(
                raw.iloc[:, positions[col.name]], header, col.is_number, lines, ctx
            )
    if "sector" in frame:
        frame["sector"] = sector_codes(frame["sector"])
    if not _gx_issues(frame, names, lines, ctx):
        return None
    check_rows(frame, names, lines, ctx)
    if any(i.severity == "error" for i in ctx.issues):
        return None
    check_outliers(frame, _previous(ctx, root), names, lines, ctx)
    return frame[[c.name for c in ctx.stype.columns]]


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
) -> Receipt:
    """Validate and store. Accepted files go to the store, rejected ones to quarantine; both
    get a manifest line and a submission id."""
    root = root or submissions_dir()
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
        receipt.submission_id = store.identify(
            submission_type, str(jurisdiction_code), agency_code, str(period), received, data
        ).submission_id
        store.reject(**common, receipt_json=receipt.to_json(), rows=receipt.rows_read)
    else:
        entry = store.accept(**common, normalized=normalized)
        receipt.submission_id = entry.submission_id
        receipt.supersedes = entry.supersedes or None
    return receipt


def annotated_rows(data: bytes, filename: str, receipt: Receipt) -> bytes:
    """The agency's own rows with a 问题 column, as a CSV that Excel opens (UTF-8 with BOM)."""
    table = read_table(data, filename)
    by_row: dict[int, list[str]] = {}
    for issue in receipt.issues:
        if issue.row:
            where = f"[{issue.column}] " if issue.column else ""
            by_row.setdefault(issue.row, []).append(f"{where}{issue.message_zh}")
    width = max([len(table.header), *(len(r) for r in table.rows)] or [0])
    frame = pd.DataFrame(
        [r + [""] * (width - len(r)) for r in table.rows],
        columns=(table.header + [""] * width)[:width] or None,
    )
    frame.insert(0, "行号", table.lines)
    frame["问题"] = ["; ".join(by_row.get(line, [])) for line in table.lines]
    return cells.csv_bytes(frame)  # the agency's own cells, echoed back: neutralised
