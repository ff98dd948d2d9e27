"""The brief as an Excel workbook: 摘要, 指标, 督办清单, 报送情况.

Each sheet opens with a 示例数据 banner row when demo figures are present, has a frozen header
row, set widths and wrapped text, and prints with 示例数据 in its page header.
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from weibao.brief.content import (
    REPORTING_STATUSES,
    Brief,
    case_rows,
    domain_rows,
    indicator_rows,
    overdue_rows,
    reporting_rows,
    status_counts,
    supervision_rows,
)
from weibao.cells import neutralise_workbook
from weibao.i18n import fmt_date, status, submission_status, t

BANNER = PatternFill("solid", fgColor="FFE0B2")
HEAD = PatternFill("solid", fgColor="ECEFF1")
THIN = Side(style="thin", color="B0BEC5")
BORDER = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
NUMBER_FORMATS = {"rate": '0.0"%"', "standard": "#,##0", "count": "#,##0", "per_thousand": "0.00"}


def _banner(ws: Worksheet, b: Brief, width: int) -> int:
    """The demo banner in row 1 (merged across the table); returns the next free row. An
    internal brief says 内部 in every sheet's printed header and footer."""
    if b.internal:
        ws.oddHeader.left.text = t("internal_badge", b.lang)
        ws.oddFooter.left.text = t("internal_badge", b.lang)
    if b.is_demo:
        ws.oddHeader.right.text = t("demo_badge", b.lang)
        ws.oddFooter.right.text = t("demo_badge", b.lang)
    ws.oddFooter.center.text = "&P / &N"
    if not b.is_demo:
        return 1
    ws.cell(1, 1, t("brief_demo_banner", b.lang))
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(width, 2))
    cell = ws.cell(1, 1)
    cell.fill, cell.font = BANNER, Font(bold=True, color="E65100")
    cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[1].height = 30
    return 2


def _table(
    ws: Worksheet, top: int, headers: list[str], rows: list[list[Any]], widths: list[int]
) -> int:
    """Header at row `top`, rows below; returns the row after the table."""
    for col, (head, width) in enumerate(zip(headers, widths, strict=True), 1):
        cell = ws.cell(top, col, head)
        cell.font, cell.fill, cell.border, cell.alignment = Font(bold=True), HEAD, BORDER, WRAP
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 0, width)
    for r, row in enumerate(rows, top + 1):
        for col, value in enumerate(row, 1):
            cell = ws.cell(r, col, value)
            cell.border, cell.alignment = BORDER, WRAP
    return top + 1 + len(rows)


def _sheet_summary(ws: Worksheet, b: Brief) -> None:
    lg = b.lang
    row = _banner(ws, b, 6)
    ws.cell(row, 1, b.title()).font = Font(bold=True, size=16)
    row += 1
    ws.freeze_panes = ws.cell(row, 1)  # banner and title stay in view
    achieved, total = b.achieved, len(b.with_target)
    facts = [
        (t("jurisdiction", lg), f"{b.name}({b.code})" if lg == "zh" else f"{b.name} ({b.code})"),
        (t("year", lg), b.year),
        (t("achieved_label", lg), achieved),
        (t("brief_with_target", lg), total),
        (t("brief_lagging_items", lg), len(b.supervision)),
        (t("brief_overdue_count", lg), len(b.overdue)),
        (t("data_kind", lg), t("demo_badge" if b.is_demo else "real_data", lg)),
        (t("brief_generated", lg), fmt_date(b.generated, lg)),
    ]
    for key, value in facts:
        ws.cell(row, 1, key).font = Font(bold=True)
        ws.cell(row, 2, value).alignment = Alignment(horizontal="left")
        row += 1
    ws.cell(row, 1, t("brief_total_note", lg)).font = Font(italic=True, color="616161")
    row += 2

    ws.cell(row, 1, t("brief_by_status", lg)).font = Font(bold=True, size=12)
    counts = [[status(s).label(lg), n] for s, n in status_counts(b)]
    row = _table(ws, row + 1, [t("status", lg), t("brief_count", lg)], counts, [22, 16]) + 1

    ws.cell(row, 1, t("brief_by_domain", lg)).font = Font(bold=True, size=12)
    heads = [
        t("brief_domain", lg),
        t("brief_with_target", lg),
        status("achieved").label(lg),
        status("not_achieved").label(lg),
        status("no_data").label(lg),
        status("no_target").label(lg),
    ]
    rows = [
        [
            d["label"],
            d["with_target"],
            d["achieved"],
            d["not_achieved"],
            d["no_data"],
            d["no_target"],
        ]
        for d in domain_rows(b)
    ]
    _table(ws, row + 1, heads, rows, [22, 16, 12, 12, 12, 12])
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 26


def _sheet_indicators(ws: Worksheet, b: Brief) -> None:
    lg = b.lang
    heads = [
        t(k, lg)
        for k in (
            "indicator",
            "brief_domain",
            "value",
            "unit",
            "target",
            "status",
            "brief_gap_words",
            "responsible_units",
            "brief_doc",
            "brief_clause",
            "derivation",
            "data_kind",
        )
    ]
    widths = [30, 10, 12, 10, 18, 12, 30, 24, 30, 46, 40, 10]
    top = _banner(ws, b, len(heads))
    rows = []
    for r in indicator_rows(b):
        value = r["value_text"] if r["suppressed"] or r["value"] is None else float(r["value"])
        kind = t("demo_badge" if r["is_demo"] else "real_data", lg)
        if r["approval_mark"]:
            kind += f" · {r['approval_mark']}"
        rows.append(
            [
                r["name"],
                r["domain"],
                value,
                r["unit"],
                r["target_text"],
                r["status_text"],
                r["gap"],
                r["responsible"],
                r["doc"],
                r["clause"],
                r["derivation"],
                kind,
            ]
        )
    end = _table(ws, top, heads, rows, widths)
    for i, r in enumerate(indicator_rows(b), top + 1):
        if isinstance(ws.cell(i, 3).value, float):
            ws.cell(i, 3).number_format = NUMBER_FORMATS.get(r["value_kind"], "#,##0.00")
    ws.freeze_panes = ws.cell(top + 1, 2)
    ws.auto_filter.ref = f"A{top}:{get_column_letter(len(heads))}{max(end - 1, top)}"


def _sheet_supervision(ws: Worksheet, b: Brief) -> None:
    lg = b.lang
    heads = [
        t(k, lg)
        for k in (
            "brief_owner",
            "brief_item",
            "brief_area",
            "brief_level",
            "status",
            "value",
            "target",
            "brief_gap_words",
            "brief_since",
            "brief_doc",
            "brief_clause",
            "derivation",
        )
    ]
    widths = [30, 30, 16, 10, 18, 12, 20, 32, 10, 30, 46, 40]
    top = _banner(ws, b, len(heads))
    rows = [
        [
            r["owners"],
            r["item"],
            r["area"],
            r["level"],
            r["status_text"],
            r["value_text"],
            r["target"],
            r["gap"],
            r["since"],
            r["doc"],
            r["clause"],
            r["derivation"],
        ]
        for r in supervision_rows(b)
    ]
    if not rows:
        rows = [[t("brief_none_lagging", lg)] + [None] * (len(heads) - 1)]
    end = _table(ws, top, heads, rows, widths)
    ws.freeze_panes = ws.cell(top + 1, 1)
    ws.auto_filter.ref = f"A{top}:{get_column_letter(len(heads))}{max(end - 1, top)}"
    cases = case_rows(b)
    if cases:  # open and overdue 督办单 under the list
        ws.cell(end + 1, 1, t("cases", lg)).font = Font(bold=True, size=12)
        heads = [t(k, lg) for k in ("case_id", "status", "case_due", "brief_owner", "brief_item")]
        heads.append(t("case_instruction", lg))
        rows = [
            [c["case_id"], c["status_text"], c["due"], c["owners"], c["item"], c["instruction"]]
            for c in cases
        ]
        _table(ws, end + 2, heads, rows, [14, 14, 16, 30, 30, 46])


def _sheet_reporting(ws: Worksheet, b: Brief) -> None:
    lg = b.lang
    words = [submission_status(s).label(lg) for s in REPORTING_STATUSES]
    heads = [
        t("member_unit", lg),
        t("brief_types", lg),
        t("expected_count", lg),
        *words,
        t("reporting_rate", lg),
    ]
    widths = [24, 40, 8, 12, 12, 12, 12, 12]
    top = _banner(ws, b, len(heads))
    ws.cell(top, 1, t("brief_reporting_area", lg, name=b.area_name)).font = Font(italic=True)
    top += 1
    rows = [
        [u["unit"], u["types"], u["expected"], *(u[s] for s in REPORTING_STATUSES), u["rate"]]
        for u in reporting_rows(b)
    ]
    if not rows:
        rows = [[t("no_schedule", lg)] + [None] * (len(heads) - 1)]
    end = _table(ws, top, heads, rows, widths)
    ws.freeze_panes = ws.cell(top + 1, 1)

    row = end + 1
    ws.cell(row, 1, t("overdue_heading", lg)).font = Font(bold=True, size=12)
    heads = [
        t("county", lg),
        t("member_unit", lg),
        t("submission_type", lg),
        t("deadline", lg),
        t("status", lg),
        t("days_late", lg),
    ]
    rows = [
        [o["county"], o["unit"], o["type"], o["deadline"], o["status_text"], o["days"]]
        for o in overdue_rows(b)
    ]
    if not rows:
        rows = [[t("overdue_none", lg)] + [None] * (len(heads) - 1)]
    _table(ws, row + 1, heads, rows, [16, 24, 40, 14, 12, 10])


def brief_workbook(b: Brief) -> bytes:
    wb = Workbook()
    sheets = (
        ("brief_sheet_summary", _sheet_summary),
        ("brief_sheet_indicators", _sheet_indicators),
        ("brief_sheet_supervision", _sheet_supervision),
        ("brief_sheet_reporting", _sheet_reporting),
    )
    for i, (key, fill) in enumerate(sheets):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = t(key, b.lang)
        if b.internal:
            ws.title = f"{t('internal_badge', b.lang)}-{ws.title}"[:31]
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        fill(ws, b)
    wb.properties.title = b.title()
    wb.properties.creator = "weibao"
    wb.properties.keywords = " ".join(
        t(k, b.lang) for k, on in (("internal_badge", b.internal), ("demo_badge", b.is_demo)) if on
    )
    neutralise_workbook(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
