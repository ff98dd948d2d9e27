"""Turn uploaded bytes into a table of strings, keeping each row's line number in the file.

Accepts CSV in UTF-8, UTF-8 with BOM, UTF-16 with BOM and GBK/GB18030 (what Excel on Chinese
Windows writes), and .xlsx. A file in any other encoding is refused with E_ENCODING rather than
read as garbage: DuckDB's `ignore_errors` would silently drop every row of such a file.

Reading is bounded (weibao.toml, see `Limits`): the size is checked before anything is decoded,
an xlsx's uncompressed size before it is opened, and rows, columns and cell lengths while the
file is streamed, so a hostile or mistaken file stops at the limit instead of taking the shared
dashboard process down. The header row is found by the template's headers (a title row or blank
rows above it are skipped, with a warning), and cells to the right of the header are an error,
never dropped.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
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
HEADER_SEARCH_ROWS = 20  # a title block above the header is a few rows, never more
EXCEL_MAX_ROWS = 1_048_576
MAX_LISTED = 200  # issues listed one by one per kind; the rest are counted
_INTERN_MAX = 100_000  # distinct short cell values shared between rows (years, counts, codes)
_NUMBER_TEXT = re.compile(r"\s*[+-]?\d[\d,]*(\.\d+)?\s*%?\s*")


def norm_header(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip().lower()
    return re.sub(r"[\s_\-]+", "", text)


@dataclass(frozen=True)
class Limits:
    """What one upload may hold (weibao.toml). `rows_zh`/`rows_en` say where max_rows comes
    from, for the message."""

    max_bytes: int = 100 * 1024 * 1024
    max_rows: int = 1_000_000
    max_columns: int = 100
    max_xlsx_uncompressed: int = 1000 * 1024 * 1024
    max_cell_chars: int = 10_000
    rows_zh: str = ""
    rows_en: str = ""

    @classmethod
    def from_settings(cls, max_rows: int | None = None, rows_zh: str = "", rows_en: str = ""):
        from weibao.settings import settings

        s = settings()
        return cls(
            max_bytes=s.max_upload_bytes,
            max_rows=s.max_rows_institution if max_rows is None else max_rows,
            max_columns=s.max_columns,
            max_xlsx_uncompressed=s.max_xlsx_uncompressed_bytes,
            max_cell_chars=s.max_cell_chars,
            rows_zh=rows_zh,
            rows_en=rows_en,
        )


class _Stop(Exception):
    """A limit was hit while streaming: the issue says which; reading stops there."""

    def __init__(self, issue: Issue):
        super().__init__(issue.message_en)
        self.issue = issue


@dataclass
class RawTable:
    header: list[str]
    rows: list[list[str]]  # every row exactly as wide as the header
    lines: list[int]  # the line (CSV) or sheet row (xlsx) of each data row
    encoding: str | None
    issues: list[Issue] = field(default_factory=list)
    header_line: int = 1
    sheet: str | None = None
    # xlsx: column position -> sheet rows where a number was stored as text
    text_numbers: dict[int, list[int]] = field(default_factory=dict)


def column_letter(pos: int) -> str:
    """0 -> A, 26 -> AA: how Excel names the column at a position."""
    out, n = "", pos + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _refused(encoding: str | None, issue: Issue) -> RawTable:
    return RawTable([], [], [], encoding, [issue])


def detect_encoding(data: bytes) -> str | None:
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if b"\x00" in data:  # UTF-16 without a BOM, or a binary file
        return None
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:  # in slices, so a 100 MB file is never held twice as text
            for start in range(0, len(data), 1 << 20):
                decoder.decode(data[start : start + (1 << 20)])
            decoder.decode(b"", final=True)
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


def _is_empty(cells: list[str]) -> bool:
    return not any(c.strip() for c in cells)


def _header_score(cells: list[str], wanted: frozenset[str]) -> int:
    return sum(1 for c in cells if c.strip() and norm_header(c) in wanted)


def _collect(
    records: Iterator[tuple[int, list[str], list[int]]],
    encoding: str,
    limits: Limits,
    headers: Iterable[str] = (),
    warn_trailing: bool = True,
) -> RawTable:
    """Find the header, then stream the data rows within the limits.

    `records` yields (line, cells, positions of numbers stored as text)."""
    wanted = frozenset(norm_header(h) for h in headers)
    issues: list[Issue] = []
    table = RawTable([], [], [], encoding, issues)
    try:
        head: list[tuple[int, list[str], list[int]]] = []
        for rec in records:
            if len(rec[1]) > limits.max_columns:
                raise _Stop(_too_many_columns(rec[0], rec[1], limits))
            head.append(rec)
            if len(head) >= HEADER_SEARCH_ROWS:
                break
        filled = [r for r in head if not _is_empty(r[1])]
        if not filled:
            return RawTable([], [], [], encoding, [Issue.make("E_EMPTY_FILE")])
        header_rec = filled[0]
        if wanted and _header_score(header_rec[1], wanted) == 0:
            # a title row, a blank row or a note above the header: find the header itself
            best = max(filled, key=lambda r: _header_score(r[1], wanted))
            if _header_score(best[1], wanted) > 0:
                header_rec = best
        header_line, header = header_rec[0], [c.strip() for c in header_rec[1]]
        while header and not header[-1]:
            header.pop()
        above = [r[0] for r in head if r[0] < header_line]
        if above:
            issues.append(
                Issue.make(
                    "W_HEADER_BELOW_TITLE",
                    row=header_line,
                    value=header_line,
                    detail="、".join(map(str, above)),
                )
            )
        table.header, table.header_line = header, header_line
        rest = (r for r in head if r[0] > header_line)
        _stream_rows(_chain(rest, records), table, limits, warn_trailing)
    except _Stop as stop:
        issues.append(stop.issue)
        table.rows, table.lines = [], []
        return table
    if not table.rows:
        issues.append(Issue.make("E_EMPTY_FILE"))
    return table


def _chain(first: Iterable, then: Iterator) -> Iterator:
    yield from first
    yield from then


def _too_many_columns(line: int, cells: list[str], limits: Limits) -> Issue:
    return Issue.make(
        "E_TOO_MANY_COLUMNS", row=line, value=f"{len(cells):,}", expected=f"{limits.max_columns:,}"
    )


def _stream_rows(
    records: Iterator[tuple[int, list[str], list[int]]],
    table: RawTable,
    limits: Limits,
    warn_trailing: bool,
) -> None:
    header, issues = table.header, table.issues
    width = len(header)
    blank_header = [i for i, h in enumerate(header) if not h]
    intern: dict[str, str] = {}
    pending_empty: list[int] = []
    empty_inside: list[int] = []
    extra: list[tuple[int, int, str]] = []
    extra_count = 0
    rows, lines = table.rows, table.lines
    ceiling = limits.max_rows + 1  # one more: a 合计 row at the bottom is dropped later
    for line, cells, text_numbers in records:
        if len(cells) > limits.max_columns:
            raise _Stop(_too_many_columns(line, cells, limits))
        if _is_empty(cells):
            pending_empty.append(line)
            continue
        if pending_empty:
            empty_inside.extend(pending_empty)
            pending_empty = []
        if len(rows) >= ceiling:
            raise _Stop(
                Issue.make(
                    "E_TOO_MANY_ROWS",
                    row=line,
                    value=f"{limits.max_rows:,}",
                    expected=limits.rows_zh or "每个文件的行数上限",
                    detail=limits.rows_en or "the row limit per file",
                )
            )
        for pos in blank_header:
            if pos < len(cells) and cells[pos].strip():
                extra_count += 1
                if len(extra) < MAX_LISTED:
                    extra.append((line, pos, cells[pos]))
        if len(cells) > width:
            for pos in range(width, len(cells)):
                if cells[pos].strip():
                    extra_count += 1
                    if len(extra) < MAX_LISTED:
                        extra.append((line, pos, cells[pos]))
            cells = cells[:width]
        elif len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        for pos, cell in enumerate(cells):
            n = len(cell)
            if n > limits.max_cell_chars:
                raise _Stop(
                    Issue.make(
                        "E_CELL_TOO_LONG",
                        row=line,
                        column=header[pos] or column_letter(pos),
                        value=f"{n:,}",
                        expected=f"{limits.max_cell_chars:,}",
                    )
                )
            if n <= 12 and len(intern) < _INTERN_MAX:
                cells[pos] = intern.setdefault(cell, cell)
        for pos in text_numbers:
            if pos < width:
                table.text_numbers.setdefault(pos, []).append(line)
        rows.append(cells)
        lines.append(line)
    for line in empty_inside[:MAX_LISTED]:
        issues.append(Issue.make("W_EMPTY_ROW", row=line))
    if len(empty_inside) > MAX_LISTED:
        issues.append(Issue.make("W_EMPTY_ROW", value=len(empty_inside)))
    if pending_empty and warn_trailing:
        issues.append(Issue.make("W_TRAILING_EMPTY_ROWS", value=len(pending_empty)))
    for line, pos, value in extra:
        issues.append(
            Issue.make(
                "E_CELL_BEYOND_HEADER",
                row=line,
                column=f"{column_letter(pos)} 列",
                value=value[:50],
                expected=header[-1] if header else "",
            )
        )
    if extra_count > len(extra):
        more = Issue.make("E_CELL_BEYOND_HEADER", value="…")
        more.message_zh += f"(共 {extra_count:,} 个单元格)"
        more.message_en += f" ({extra_count:,} cells in all)"
        issues.append(more)


def _csv_lines(text: io.TextIOBase, limits: Limits, counter: list[int]) -> Iterator[str]:
    """Physical lines, refusing one CSV record longer than the widest a valid row can be
    (a 50 MB single-line file once grew past 10 GB while being split)."""
    bound = limits.max_columns * (limits.max_cell_chars + 3) + 2
    while chunk := text.readline(bound + 1):  # bounded: never one 50 MB string
        counter[0] += len(chunk)
        if counter[0] > bound:
            raise _Stop(
                Issue.make(
                    "E_CELL_TOO_LONG",
                    row=counter[1],
                    value=f"{counter[0]:,}",
                    expected=f"{limits.max_cell_chars:,}",
                )
            )
        yield chunk


def read_csv_bytes(
    data: bytes, limits: Limits | None = None, headers: Iterable[str] = ()
) -> RawTable:
    limits = limits or Limits()
    encoding = detect_encoding(data)
    if encoding is None:
        return _refused(None, Issue.make("E_ENCODING"))
    head = codecs.getincrementaldecoder(encoding)(errors="replace").decode(data[:65536])
    if _looks_garbled(head):
        return _refused(None, Issue.make("E_ENCODING"))
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    counter = [0, 1]  # characters in the current record, its first line
    reader = csv.reader(_csv_lines(text, limits, counter))

    def records() -> Iterator[tuple[int, list[str], list[int]]]:
        start = 1
        try:
            for cells in reader:
                if start == 1 and cells and cells[0].startswith("\ufeff"):
                    cells[0] = cells[0][1:]
                yield start, cells, ()
                start = reader.line_num + 1
                counter[0], counter[1] = 0, start
        except csv.Error as exc:
            raise _Stop(Issue.make("E_UNREADABLE_FILE", row=start, detail=str(exc))) from None

    try:
        return _collect(records(), encoding, limits, headers)
    except _Stop as stop:
        return _refused(encoding, stop.issue)


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


_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?ref=\"([A-Z]+)(\d+):([A-Z]+)(\d+)\"")
_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


def _merged_ranges(archive: zipfile.ZipFile, path: str) -> list[tuple[str, int, int, int]]:
    """(range, first row, first column, last row) of each merged range, read from the sheet's
    XML in slices: openpyxl's read-only mode streams rows and does not report merged cells."""
    found, tail = [], b""
    with archive.open(path) as src:
        while chunk := src.read(1 << 20):
            buf = tail + chunk
            if b"mergeCell" in buf:  # after <sheetData>: a plain find until then
                found.extend(_MERGE.finditer(buf))  # the overlap may repeat one: deduplicated
            tail = buf[-300:]
    out, seen = [], set()
    for m in found:
        c1, r1, c2, r2 = (g.decode() for g in m.groups())
        rng = f"{c1}{r1}:{c2}{r2}"
        if rng not in seen:
            seen.add(rng)
            col = 0
            for ch in c1:
                col = col * 26 + ord(ch) - 64
            out.append((rng, int(r1), col, int(r2)))
    return out


def _check_xlsx_archive(data: bytes, limits: Limits) -> Issue | None:
    """Refuse what openpyxl should never be asked to parse: a zip that expands beyond the
    limit, or XML with a DTD (entity expansion); Excel writes neither."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        return Issue.make(
            "E_UNREADABLE_FILE", detail=f"不是完整的 xlsx 文件 / not a complete xlsx ({exc})"[:200]
        )
    total = sum(i.file_size for i in infos)
    if total > limits.max_xlsx_uncompressed:
        return Issue.make(
            "E_XLSX_TOO_LARGE",
            value=f"{total / 1024 / 1024:,.0f}",
            expected=f"{limits.max_xlsx_uncompressed / 1024 / 1024:,.0f}",
        )
    for info in infos:
        if info.filename.endswith((".xml", ".rels", ".vml")):
            with archive.open(info) as src:
                if _DTD.search(src.read(65536)):
                    return Issue.make(
                        "E_UNREADABLE_FILE",
                        detail=f"{info.filename} 含有 XML 实体定义(DTD)/ has a DTD",
                    )
    return None


def _xlsx_records(ws) -> Iterator[tuple[int, list[str], list[int]]]:
    for line, values in enumerate(ws.iter_rows(values_only=True), start=1):
        cells, text_numbers = [], []
        for pos, v in enumerate(values):
            cells.append(_cell_text(v))
            if isinstance(v, str) and _NUMBER_TEXT.fullmatch(v):
                text_numbers.append(pos)
        yield line, cells, text_numbers
        if line > EXCEL_MAX_ROWS:
            raise _Stop(Issue.make("E_UNREADABLE_FILE", row=line, detail="行号超出 Excel 上限"))


def _pick_sheet(wb, sheet_name: str | None, wanted: frozenset[str]):
    """The template's 数据 sheet; else the sheet whose top rows best match the template's
    headers (a workbook that opens on a 说明 sheet, which lists one header per row); else the
    first sheet. Returns the sheet and, when it is not the first, the first sheet's name."""
    wanted_name = sheet_name or TEMPLATE_SHEET
    if wanted_name in wb.sheetnames:
        return wb[wanted_name], None
    first = wb.worksheets[0]
    if not wanted:
        return first, None
    best, best_score = first, 0
    for ws in wb.worksheets[:20]:
        ws.reset_dimensions()
        for values in ws.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True):
            score = _header_score([_cell_text(v) for v in values[:200]], wanted)
            if score > best_score:
                best, best_score = ws, score
    return best, (None if best is first else first.title)


def _dimensions_from_the_top(self) -> None:
    """Replaces openpyxl's ReadOnlyWorksheet._get_size, which looks for <dimension> among
    *end* events and so parses a whole sheet that lacks one (a 500 KB xlsx of 2M rows: over a
    minute, at load time, before a row is read). Reading start events stops at <sheetData>."""
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.cell import range_boundaries

    with self._get_source() as src:
        for _event, element in iterparse(src, events=("start",)):
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "dimension":
                ref = element.get("ref") or ""
                try:
                    bounds = range_boundaries(ref if ":" in ref else f"{ref}:{ref}")
                except (ValueError, TypeError):
                    return
                if None not in bounds:
                    self._min_column, self._min_row, self._max_column, self._max_row = bounds
                return
            if tag == "sheetData":
                return


def _patch_openpyxl() -> None:
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    ReadOnlyWorksheet._get_size = _dimensions_from_the_top


def read_xlsx_bytes(
    data: bytes,
    sheet_name: str | None = None,
    limits: Limits | None = None,
    headers: Iterable[str] = (),
) -> RawTable:
    """Read with openpyxl in read-only (streaming) mode. Any failure to parse is
    E_UNREADABLE_FILE with a receipt, never an internal error."""
    limits = limits or Limits()
    problem = _check_xlsx_archive(data, limits)
    if problem:
        return _refused("xlsx", problem)
    wanted = frozenset(norm_header(h) for h in headers)
    wb = None
    try:
        from openpyxl import load_workbook  # only needed for Excel uploads

        _patch_openpyxl()
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        ws, skipped = _pick_sheet(wb, sheet_name, wanted)
        ws.reset_dimensions()  # a stated dimension of A1:XFD1048576 would pad every row
        table = _collect(_xlsx_records(ws), "xlsx", limits, headers, warn_trailing=False)
        table.sheet = ws.title
        if skipped is not None:
            table.issues.insert(0, Issue.make("W_SHEET_CHOSEN", value=ws.title, detail=skipped))
        if table.rows:  # (a file refused for its size is not scanned again)
            # openpyxl keeps the archive and the sheet's path on private attributes
            for rng, row, col, last_row in _merged_ranges(wb._archive, ws._worksheet_path):
                if last_row < table.header_line:
                    continue  # a merged title above the header: harmless, skipped with it
                header = table.header
                table.issues.insert(
                    0,
                    Issue.make(
                        "E_MERGED_CELLS",
                        row=row,
                        value=rng,
                        column=header[col - 1] if 0 < col <= len(header) else None,
                    ),
                )
        return table
    except _Stop as stop:
        return _refused("xlsx", stop.issue)
    except Exception as exc:  # noqa: BLE001 - malformed XML, bad zip members, odd styles ...
        detail = f"{type(exc).__name__}: {exc}"[:200]
        return _refused("xlsx", Issue.make("E_UNREADABLE_FILE", detail=detail))
    finally:
        if wb is not None:
            wb.close()


def read_table(
    data: bytes,
    filename: str,
    sheet_name: str | None = None,
    *,
    limits: Limits | None = None,
    headers: Iterable[str] = (),
) -> RawTable:
    """`headers` are the template's headers (and aliases) used to find the header row."""
    limits = limits or Limits.from_settings()
    if len(data) > limits.max_bytes:
        return _refused(
            None,
            Issue.make(
                "E_FILE_TOO_LARGE",
                value=f"{len(data) / 1024 / 1024:,.1f}",
                expected=f"{limits.max_bytes / 1024 / 1024:,.0f}",
            ),
        )
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm")):
        return read_xlsx_bytes(data, sheet_name, limits, headers)
    return read_csv_bytes(data, limits, headers)
