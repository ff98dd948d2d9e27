"""Tables as files a leader can forward: CSV (UTF-8 with BOM, so Excel on Chinese Windows
opens it correctly) and xlsx (a title row, with the 示例数据 marker when demo, above the table)."""

from __future__ import annotations

import io

import pandas as pd
import streamlit as st
from openpyxl.styles import Font

from weibao import cells
from weibao.i18n import t


def csv_bytes(table: pd.DataFrame) -> bytes:
    """Formula-looking text cells get a leading ' (weibao.cells), as in every file we write."""
    return cells.csv_bytes(table)


def xlsx_bytes(table: pd.DataFrame, title: str, sheet: str) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name=sheet[:31], index=False, startrow=2)
        ws = writer.sheets[sheet[:31]]
        ws["A1"] = title
        ws["A1"].font = Font(bold=True, size=14)
        for cell in ws[3]:
            cell.font = Font(bold=True)
        for col in ws.columns:
            longest = max(len(str(c.value or "")) for c in col[2:]) if len(col) > 2 else 8
            ws.column_dimensions[col[0].column_letter].width = min(60, max(8, 2 * longest))
        ws.freeze_panes = "A4"
        cells.neutralise_workbook(writer.book)
    return buffer.getvalue()


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def files(
    table: pd.DataFrame, stem: str, title: str, sheet: str, demo: bool, lang: str
) -> dict[str, bytes]:
    """{file name: bytes} for the CSV and the xlsx; demo files say so in name and title."""
    if demo:
        stem, title = f"{stem}_示例数据", f"{title} · {t('demo_badge', lang)}"
    return {f"{stem}.csv": csv_bytes(table), f"{stem}.xlsx": xlsx_bytes(table, title, sheet)}


def buttons(table: pd.DataFrame, stem: str, title: str, sheet: str, demo: bool, lang: str) -> None:
    """CSV and xlsx download buttons side by side."""
    (csv_name, csv), (xlsx_name, xlsx) = files(table, stem, title, sheet, demo, lang).items()
    left, right, _ = st.columns([1, 1, 3])
    left.download_button(
        t("export_csv", lang),
        csv,
        file_name=csv_name,
        mime="text/csv",
        icon=":material/download:",
        key=f"csv_{stem}",
    )
    right.download_button(
        t("export_xlsx", lang),
        xlsx,
        file_name=xlsx_name,
        mime=XLSX_MIME,
        icon=":material/table_view:",
        key=f"xlsx_{stem}",
    )
