"""Turn uploaded bytes into a table of strings, keeping each row's line number in the file.

Accepts CSV in UTF-8, UTF-8 with BOM, UTF-16 with BOM and GBK/GB18030 (what Excel on Chinese
Windows writes), and .xlsx. A file in any other encoding is refused with E_ENCODING rather than
read as garbage: DuckDB's `ignore_errors` would silently drop every row of such a file.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from weibao.intake.receipt import Issue

ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (BOM)",
    "utf-16": "UTF-16",
    "gb18030": "GBK/GB18030",
    "xlsx": "xlsx",
}
TEMPLATE_SHEET = "数据"


@dataclass
class RawTable:
    header: list[str]
    rows: list[list[str]]
    lines: list[int]  # the line (CSV) or sheet row (xlsx) of each data row; header = 1
    encoding: str | None
    issues: list[Issue] = field(default_factory=list)


def detect_encoding(data: bytes) -> str | None:
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if b"\x00" in data:  # UTF-16 without a BOM, or a binary file
        return None
    for encoding in ("utf-8", "gb18030"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    return None


def _looks_garbled(text: str) -> bool:
    """Decoded, but not plausibly a table a person typed: control characters or private-use
    code points, which is what another encoding read as GB18030 tends to produce."""
    sample = text[:20000]
    odd = sum(
        1
        for ch in sample
        if (ord(ch) < 32 and ch not in "\r\n\t") or 0xE000 <= ord(ch) <= 0xF8FF or ord(ch) > 0x2FFFF
    )
    return odd > max(2, len(sample) // 500)


def _from_rows(records: list[tuple[int, list[str]]], encoding: str) -> RawTable:
    issues: list[Issue] = []
    trailing = 0
    while records and not any(c.strip() for c in records[-1][1]):
        records.pop()
        trailing += 1
    if trailing:
        issues.append(Issue.make("W_TRAILING_EMPTY_ROWS", value=trailing))
    if not records:
        return RawTable([], [], [], encoding, issues + [Issue.make("E_EMPTY_FILE")])
    (_, header), body = records[0], records[1:]
    rows, lines = [], []
    for line, cells in body:
        if not any(c.strip() for c in cells):
            issues.append(Issue.make("W_EMPTY_ROW", row=line))
            continue
        rows.append(cells)
        lines.append(line)
    if not rows:
        issues.append(Issue.make("E_EMPTY_FILE"))
    return RawTable(header, rows, lines, encoding, issues)


def read_csv_bytes(data: bytes) -> RawTable:
    encoding = detect_encoding(data)
    text = data.decode(encoding) if encoding else ""
    if encoding is None or _looks_garbled(text):
        return RawTable([], [], [], None, [Issue.make("E_ENCODING")])
    text = text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            records.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        return RawTable(
            [], [], [], encoding, [Issue.make("E_UNREADABLE_FILE", row=start, detail=str(exc))]
        )
    return _from_rows(records, encoding)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def read_xlsx_bytes(data: bytes, sheet_name: str | None = None) -> RawTable:
    from openpyxl import load_workbook  # only needed for Excel uploads

    try:
        wb = load_workbook(io.BytesIO(data), data_only=False, read_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        return RawTable(
            [], [], [], "xlsx", [Issue.make("E_UNREADABLE_FILE", detail=str(exc)[:200])]
        )
    wanted = sheet_name or TEMPLATE_SHEET
    ws = wb[wanted] if wanted in wb.sheetnames else wb.worksheets[0]
    header = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
    issues = [
        Issue.make(
            "E_MERGED_CELLS",
            row=rng.min_row,
            value=str(rng),
            column=_cell_text(header[rng.min_col - 1]) if rng.min_col <= len(header) else None,
        )
        for rng in ws.merged_cells.ranges
    ]
    records = [
        (i, [_cell_text(v) for v in row])
        for i, row in enumerate(ws.iter_rows(values_only=True), start=1)
    ]
    while records and not any(c.strip() for c in records[-1][1]):
        records.pop()  # formatted but empty (the template formats 5,000 rows): not a warning
    table = _from_rows(records, "xlsx")
    table.issues[:0] = issues
    return table


def read_table(data: bytes, filename: str, sheet_name: str | None = None) -> RawTable:
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm")):
        return read_xlsx_bytes(data, sheet_name)
    return read_csv_bytes(data)
