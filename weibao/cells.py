"""Cells that cannot execute: every CSV and xlsx weibao writes goes through this module.

A spreadsheet treats a cell that starts with = + - @ (or a tab or carriage return, which Excel
strips before looking again) as a formula, so a note such as `=HYPERLINK(...)` or `@SUM(...)`
would run when a leader opens an export (CSV/formula injection, OWASP). Such text cells get a
leading apostrophe. A number written as text ("-5", "+3.5", "-1,200", "-12.5%") is not a formula
and is left alone, and so is any real number.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][+-]?\d+)?%?")


def is_number_text(text: str) -> bool:
    """'-5', '+3.5', '-1,200', '1e3', '-12.5%': a number a spreadsheet reads as a number."""
    return any(c.isdigit() for c in text) and _NUMBER.fullmatch(text.strip()) is not None


def is_formula_text(value: Any) -> bool:
    """A text cell a spreadsheet could run: starts with = + - @ tab or CR and is not a number."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS) and not is_number_text(value)


def neutralise(value: Any) -> Any:
    """The value, with a leading ' if it is formula text; anything else unchanged."""
    return "'" + value if is_formula_text(value) else value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells and column names cannot execute; numeric columns untouched."""
    from pandas.api.types import is_datetime64_any_dtype, is_numeric_dtype

    out = frame.copy()
    out.columns = [neutralise(c) for c in out.columns]
    for i, dtype in enumerate(out.dtypes):
        if not (is_numeric_dtype(dtype) or is_datetime64_any_dtype(dtype)):
            out.isetitem(i, out.iloc[:, i].map(neutralise))
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The table as CSV, UTF-8 with BOM (Excel on Chinese Windows reads it), neutralised. Lines
    end in CRLF, so a cell holding a CR or LF is quoted: unquoted, "x\r=1+1" would break the
    row and start a new one with a formula."""
    buf = io.StringIO()
    neutralise_frame(frame).to_csv(buf, index=False, lineterminator="\r\n")
    return buf.getvalue().encode("utf-8-sig")


def neutralise_workbook(wb: Workbook) -> Workbook:
    """Every text cell of every sheet, in place; call it just before saving. openpyxl stores a
    str that starts with '=' as a formula: the apostrophe makes it a string again."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if is_formula_text(cell.value):
                    cell.value = "'" + cell.value
    return wb
