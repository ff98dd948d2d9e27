"""Checks on a submitted table: headers, personal data, cell normalisation, value rules.

Everything here is column-at-a-time (pandas string methods), never cell-by-cell Python, so a
100k-row file is checked in about a second.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd

from weibao.divisions import served
from weibao.intake.names import mask_name, names_in
from weibao.intake.read import RawTable, norm_header
from weibao.intake.receipt import Issue
from weibao.paths import committees_file
from weibao.submission_types import SubmissionType, value_list

MAX_PER_GROUP = 200  # issues listed per (code, column); the rest are counted in one line

PERSONAL_HEADER = re.compile(
    r"姓名|名字|身份证|证件号|手机|电话|联系方式|住址|地址|出生|监护人|家长|联系人|"
    r"^name$|fullname|^姓$|phone|mobile|^tel|idcard|idno|address|birth|contact",
    re.IGNORECASE,
)
# Columns of place or organisation names (村(社区)名称, 单位名称): words by design, spared the
# name guard (the ID and mobile scan still applies).
PLACE_HEADER = re.compile(r"名称|村|社区|单位|机构|学校|医院|乡镇|街道|地区|地点|行政区|区划")
# Patterns run on the scan form of a cell (`scan_form`): NFKC, no separators, no +86/0086.
ID_CARD = re.compile(r"(?<![0-9])([1-9][0-9]{16}[0-9Xx])(?![0-9])")
ID_CARD_15 = re.compile(
    r"(?<![0-9])([1-8][0-9]{5}[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3})(?![0-9Xx])"
)
MOBILE = re.compile(r"(?<![0-9])(1[3-9][0-9]{9})(?![0-9])")
_SEPARATORS = r"[\s\-‐‑‒–—―﹣.·•]+"
_COUNTRY_CODE = r"(?:\+86|0086)(?=1[3-9][0-9]{9}(?![0-9]))"
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def valid_id_checksum(s: str) -> bool:
    total = sum(int(d) * w for d, w in zip(s[:17], _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == s[17].upper()


def mask(value: str) -> str:
    """Show enough of a personal value to find it in the file, not enough to use it."""
    if len(value) <= 7:
        return value[0] + "*" * (len(value) - 1)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


@dataclass
class Context:
    stype: SubmissionType
    agency_code: str
    jurisdiction_code: str
    period: str
    today: date
    issues: list[Issue] = field(default_factory=list)
    header_line: int = 1  # the header's row in the file (a title row above it moves it down)

    def add(
        self,
        code: str,
        rows: Iterable[int] = (),
        column: str | None = None,
        values: Iterable[object] = (),
        expected: object = "",
        detail: object = "",
        file_level: bool = False,
    ) -> None:
        """Record one issue per row, up to MAX_PER_GROUP, then a line counting the rest."""
        if file_level:
            self.issues.append(
                Issue.make(
                    code,
                    column=column,
                    value=next(iter(values), None),
                    expected=expected,
                    detail=detail,
                )
            )
            return
        rows, values = list(rows), list(values)
        for row, value in list(zip(rows, values, strict=True))[:MAX_PER_GROUP]:
            self.issues.append(
                Issue.make(
                    code, row=row, column=column, value=value, expected=expected, detail=detail
                )
            )
        if len(rows) > MAX_PER_GROUP:
            more = Issue.make(code, column=column, expected=expected, detail=detail)
            extra = len(rows) - MAX_PER_GROUP
            more.message_zh += f"(另有 {extra} 行同类问题未逐行列出)"
            more.message_en += f" ({extra} more rows with the same problem not listed)"
            self.issues.append(more)

    def note(self, code: str, rows: list[int], column: str, values: list[object]) -> None:
        """One warning per column for a normalisation, with how often it happened."""
        if not rows:
            return
        issue = Issue.make(code, row=rows[0], column=column, value=values[0])
        if len(rows) > 1:
            issue.message_zh += f"(共 {len(rows)} 处,首见第 {rows[0]} 行)"
            issue.message_en += f" ({len(rows)} cells, first on row {rows[0]})"
        self.issues.append(issue)


def org_units() -> pd.DataFrame:
    """Divisions served (under a committee of committees.csv, 2023 vintage), by code."""
    return _served(committees_file(), committees_file().stat().st_mtime_ns)


@lru_cache(maxsize=2)
def _served(path, mtime: int) -> pd.DataFrame:
    frame = served("code, name, level, province_code, city_code, county_code")
    return frame.fillna("").set_index("code")


def map_headers(table: RawTable, ctx: Context) -> dict[str, int] | None:
    """Canonical column -> position in the file. None when the file cannot be checked further."""
    wanted: dict[str, str] = {}
    for col in ctx.stype.columns:
        for alias in (col.header_zh, col.name, *col.aliases):
            wanted[norm_header(alias)] = col.name
    ctx.header_line = table.header_line
    positions: dict[str, int] = {}
    unknown: list[tuple[int, str]] = []
    for i, raw in enumerate(table.header):
        name = wanted.get(norm_header(raw))
        if name is None:
            if raw.strip():
                unknown.append((i, raw))
        elif name in positions:
            ctx.add("E_DUPLICATE_COLUMN", rows=[ctx.header_line], column=raw, values=[raw])
        else:
            positions[name] = i
    personal = [raw for _, raw in unknown if PERSONAL_HEADER.search(norm_header(raw))]
    if personal:
        for raw in personal:  # the column as written, so the agency knows which to delete
            ctx.add(
                "E_PERSONAL_DATA",
                rows=[ctx.header_line],
                column=raw,
                values=[raw],
                detail="列:" + raw,
            )
    if (
        not positions
        and table.encoding == "gb18030"
        and any(ord(c) > 127 for c in "".join(table.header))
    ):
        # Chinese-looking headers that match nothing: most likely another encoding (Big5...)
        ctx.add("E_ENCODING", file_level=True)
        return None
    for col in ctx.stype.columns:
        if col.name not in positions:
            ctx.add(
                "E_MISSING_COLUMN",
                rows=[ctx.header_line],
                column=col.header_zh,
                values=[None],
                expected=col.header_zh,
            )
    for _i, raw in unknown:
        if raw not in personal:
            ctx.issues.append(Issue.make("W_UNKNOWN_COLUMN", row=ctx.header_line, column=raw))
    return positions


def scan_form(values: pd.Series) -> pd.Series:
    """Cells as the ID and mobile patterns see them: NFKC (full-width digits become ASCII),
    spaces, dashes and dots removed, and a +86 / 0086 prefix dropped, so `138 1234 5678`,
    `+86-138-1234-5678` and `１３８１２３４５６７８` all read 13812345678. Only cells long enough
    to hold eleven digits are rewritten."""
    long_enough = values.str.len().ge(11)
    if not long_enough.any():
        return values
    part = values[long_enough].str.normalize("NFKC")
    part = part.str.replace(_SEPARATORS, "", regex=True)
    part = part.str.replace(_COUNTRY_CODE, "", regex=True)
    return values.where(~long_enough, part)


def scan_personal_values(
    frame: pd.DataFrame,
    headers: list[str],
    lines: np.ndarray,
    ctx: Context,
    worded: Iterable[int] = (),
) -> None:
    """ID-card numbers (18 digits with a valid checksum, or the old 15-digit form), mobile
    numbers and likely personal names, anywhere. The receipt shows each value masked.
    `worded` are positions of columns whose values are words by design (行业), spared the
    name guard, as are place-name columns (村(社区)名称, 单位名称)."""
    worded = set(worded)
    for pos, header in enumerate(headers):
        col = frame.iloc[:, pos]
        scanned = scan_form(col)
        ids = scanned.str.extract(ID_CARD, expand=False).dropna()
        ids = ids[ids.map(valid_id_checksum)]
        old_ids = scanned.str.extract(ID_CARD_15, expand=False).dropna()
        ids = pd.concat([ids, old_ids[~old_ids.index.isin(ids.index)]]).sort_index()
        phones = scanned.str.extract(MOBILE, expand=False).dropna()
        if pos not in worded and not PLACE_HEADER.search(norm_header(header)):
            names = names_in(col).dropna()
            ctx.add(
                "E_PERSONAL_DATA",
                rows=lines[names.index],
                column=header,
                values=[mask_name(v) for v in names],
                detail="疑似人名 / likely personal name",
            )
        ctx.add(
            "E_PERSONAL_DATA",
            rows=lines[ids.index],
            column=header,
            values=[mask(v) for v in ids],
            detail="身份证号 / ID-card number",
        )
        ctx.add(
            "E_PERSONAL_DATA",
            rows=lines[phones.index],
            column=header,
            values=[mask(v) for v in phones],
            detail="手机号 / mobile number",
        )


FORMULA_START = re.compile(r"[=+\-@\t\r]")
_PLAIN_NUMBER = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?%?"
_CODE_AS_NUMBER = r"\d+\.0+"
_SCIENTIFIC = r"\d+(?:\.\d+)?[eE][+]?\d+"
_YEAR_WORD = r"(\d{4})\s*年度?"
_QUARTER_WORD = r"(?:第\s*)?([1-4一二三四])\s*季度?|[Qq]([1-4])"
_CHINESE_DIGIT = {"一": "1", "二": "2", "三": "3", "四": "4"}


def column_kind(name: str, is_key: bool, is_number: bool) -> str:
    """How a column's cells are read: a code (kept as text), a year, a quarter, or plain."""
    if name in ("year", "quarter"):
        return name
    if not is_number and (is_key or name.endswith("_code")):
        return "code"
    return ""


def normalise_column(
    raw: pd.Series,
    header: str,
    is_number: bool,
    lines: np.ndarray,
    ctx: Context,
    kind: str = "",
    text_numbers: list[int] = (),
) -> pd.Series:
    """Clean one column the way a person would, warning about each kind of fix."""
    stripped = raw.str.strip()
    changed = stripped.ne(raw)
    ctx.note("W_WHITESPACE", list(lines[changed.to_numpy()]), header, list(raw[changed].map(repr)))
    halfwidth = stripped.map(lambda v: unicodedata.normalize("NFKC", v) if not v.isascii() else v)
    changed = halfwidth.ne(stripped)
    ctx.note(
        "W_FULLWIDTH",
        list(lines[changed.to_numpy()]),
        header,
        [_echo(v) for v in stripped[changed]],
    )
    values = halfwidth
    # A cell a spreadsheet would run as a formula: =, +, -, @, tab or CR first, and not a number.
    starts = raw.str.match(FORMULA_START) | values.str.match(FORMULA_START)
    formula = starts & ~values.str.fullmatch(_PLAIN_NUMBER).fillna(False) & values.ne("")
    ctx.add("E_FORMULA", rows=lines[formula.to_numpy()], column=header, values=values[formula])
    empty = values.eq("")
    ctx.add(
        "E_MISSING_VALUE",
        rows=lines[empty.to_numpy()],
        column=header,
        values=[None] * int(empty.sum()),
    )
    if kind == "code":
        as_number = values.str.fullmatch(_CODE_AS_NUMBER)
        ctx.note(
            "W_CODE_AS_NUMBER", list(lines[as_number.to_numpy()]), header, list(values[as_number])
        )
        values = values.where(~as_number, values.str.replace(r"\.0+$", "", regex=True))
        sci = values.str.fullmatch(_SCIENTIFIC)
        ctx.add("E_CODE_SCIENTIFIC", rows=lines[sci.to_numpy()], column=header, values=values[sci])
        formula = formula | sci
    if not is_number:
        return values.mask(formula | empty)
    if text_numbers:
        ctx.note("W_NUMBER_AS_TEXT", text_numbers, header, [None] * len(text_numbers))
    if kind in ("year", "quarter"):
        pattern = _YEAR_WORD if kind == "year" else _QUARTER_WORD
        parts = values.str.extract(f"^(?:{pattern})$")
        word = parts.notna().any(axis=1) & ~values.str.fullmatch(r"\d+")
        if word.any():
            plain = parts.bfill(axis=1).iloc[:, 0].map(lambda v: _CHINESE_DIGIT.get(v, v))
            rows = list(lines[word.to_numpy()])
            issue = Issue.make(
                "W_YEAR_SUFFIX",
                row=rows[0],
                column=header,
                value=values[word].iloc[0],
                expected=plain[word].iloc[0],
            )
            if len(rows) > 1:
                issue.message_zh += f"(共 {len(rows)} 处)"
                issue.message_en += f" ({len(rows)} cells)"
            ctx.issues.append(issue)
            values = values.where(~word, plain)
    percent = values.str.endswith("%")
    ctx.note("W_PERCENT_SIGN", list(lines[percent.to_numpy()]), header, list(values[percent]))
    values = values.str.rstrip("%").str.strip()
    thousands = values.str.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?")
    ctx.note(
        "W_THOUSANDS_SEPARATOR", list(lines[thousands.to_numpy()]), header, list(values[thousands])
    )
    values = values.where(~thousands, values.str.replace(",", "", regex=False))
    numbers = pd.to_numeric(values.mask(formula | empty), errors="coerce")
    bad = numbers.isna() & ~formula & ~empty
    ctx.add("E_NOT_A_NUMBER", rows=lines[bad.to_numpy()], column=header, values=values[bad])
    fractional = numbers.notna() & (numbers % 1 != 0)
    ctx.add(
        "E_NOT_AN_INTEGER",
        rows=lines[fractional.to_numpy()],
        column=header,
        values=values[fractional],
    )
    return numbers.where(~fractional).astype("Int64")


def _echo(value: str) -> str:
    """A value for a warning, with any run of seven or more digits masked: a full-width
    number shown back must never be a readable ID or phone number."""
    plain = unicodedata.normalize("NFKC", value)
    if not re.search(r"\d{7,}", plain):
        return value
    return re.sub(r"\d{7,}", lambda m: mask(m.group()), plain)


TOTAL_LABEL = re.compile(r"(?:全[\u4e00-\u9fa5]{0,6})?(?:合计|总计|小计|共计|汇总|总数)[::]?")


def drop_total_rows(
    raw: pd.DataFrame,
    headers: list[str],
    lines: np.ndarray,
    numbers: dict[int, str],
    ctx: Context,
) -> pd.DataFrame | None:
    """A 合计 / 总计 row at the bottom is dropped (with a warning, and a second warning for
    each column where it is not the sum of the rows); one in the middle is refused. `numbers`
    maps positions of count columns to their headers. None when refused."""
    label = pd.Series(False, index=raw.index)
    text = pd.Series("", index=raw.index)
    for pos in range(raw.shape[1]):
        cell = raw.iloc[:, pos].str.replace(r"\s+", "", regex=True).str.normalize("NFKC")
        hit = cell.str.fullmatch(TOTAL_LABEL) & ~label
        text = text.where(~hit, cell)
        label |= hit
    if not label.any():
        return raw
    flagged = np.flatnonzero(label.to_numpy())
    bottom = len(raw) - np.arange(len(flagged), 0, -1)
    if not np.array_equal(flagged, bottom) or len(flagged) == len(raw):
        inside = [i for i in flagged if i not in set(bottom)] or list(flagged)
        for i in inside[:MAX_PER_GROUP]:
            ctx.issues.append(
                Issue.make(
                    "E_TOTAL_ROW_INSIDE",
                    row=int(lines[i]),
                    value=int(lines[i]),
                    expected=text.iloc[i],
                )
            )
        return None
    body = raw.iloc[: flagged[0]]
    for i in flagged:
        ctx.issues.append(Issue.make("W_TOTAL_ROW", row=int(lines[i]), value=text.iloc[i]))
    total_row = flagged[-1]
    for pos, header in numbers.items():

        def parse(s: pd.Series) -> pd.Series:
            s = s.str.normalize("NFKC").str.strip().str.replace(",", "", regex=False)
            return pd.to_numeric(s, errors="coerce")

        stated = parse(raw.iloc[[total_row], pos]).iloc[0]
        summed = parse(body.iloc[:, pos]).sum()
        if pd.notna(stated) and stated != summed:
            ctx.issues.append(
                Issue.make(
                    "W_TOTAL_MISMATCH",
                    row=int(lines[total_row]),
                    column=header,
                    value=_plain(stated),
                    expected=_plain(summed),
                )
            )
    return body


def _plain(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,}"


def list_codes(values: pd.Series, list_name: str = "sectors") -> pd.Series:
    """Accept an entry's Chinese name (中小学校) as well as its code (school) in a column whose
    values come from a reference list (`values_from` in the type's definition)."""
    zh_to_code = {zh: code for code, (zh, _en, _agency) in value_list(list_name).items()}
    return values.map(lambda v: zh_to_code.get(v, v), na_action="ignore")


def check_context(ctx: Context) -> bool:
    """File-level checks on who submits what for when. False stops row checks."""
    ok = True
    if ctx.agency_code not in ctx.stype.submitters:
        ctx.add(
            "E_UNIT_NOT_ALLOWED",
            values=[ctx.agency_code],
            expected=ctx.stype.name_zh,
            detail="、".join(ctx.stype.submitters),
            file_level=True,
        )
        ok = False
    if ctx.jurisdiction_code not in org_units().index:
        ctx.add("E_UNKNOWN_JURISDICTION", values=[ctx.jurisdiction_code], file_level=True)
        ok = False
    quarterly = ctx.stype.period == "quarter"
    if not re.fullmatch(r"\d{4}Q[1-4]" if quarterly else r"\d{4}", ctx.period):
        ctx.add(
            "E_PERIOD_MISMATCH",
            values=[ctx.period],
            expected="YYYYQn" if quarterly else "YYYY",
            file_level=True,
        )
        ok = False
    elif ctx.stype.period_bounds(ctx.period)[0] > ctx.today:
        ctx.add("E_PERIOD_IN_FUTURE", values=[ctx.period], file_level=True)
        ok = False
    return ok


def check_org_units(
    frame: pd.DataFrame, headers: dict[str, str], lines: np.ndarray, ctx: Context
) -> None:
    codes = frame["org_unit_code"]
    present = codes.notna()
    units = org_units().reindex(codes[present].to_numpy())
    units.index = codes[present].index
    header = headers["org_unit_code"]
    unknown = units["level"].isna()
    ctx.add(
        "E_UNKNOWN_ORG_UNIT",
        rows=lines[unknown[unknown].index],
        column=header,
        values=codes[unknown[unknown].index],
    )
    known = units[~unknown]
    level = ctx.stype.org_unit_level
    wrong = known["level"].ne(level)
    if ctx.stype.jurisdiction_rows:  # e.g. a provincial office reporting its own meetings
        wrong &= codes[known.index].ne(ctx.jurisdiction_code)
    level_zh = {"village": "村(社区)", "township": "乡镇(街道)", "county": "县(市、区)"}[level]
    ctx.add(
        "E_WRONG_LEVEL",
        rows=lines[wrong[wrong].index],
        column=header,
        values=codes[wrong[wrong].index],
        expected=level_zh,
    )
    j = ctx.jurisdiction_code
    inside = known["county_code"].eq(j) | known["city_code"].eq(j) | known["province_code"].eq(j)
    outside = ~inside & ~wrong
    ctx.add(
        "E_ORG_UNIT_OUTSIDE_JURISDICTION",
        rows=lines[outside[outside].index],
        column=header,
        values=codes[outside[outside].index],
        expected=j,
    )


def check_rows(
    frame: pd.DataFrame, headers: dict[str, str], lines: np.ndarray, ctx: Context
) -> None:
    """Rules GX cannot express: divisions, duplicates, the period, sectors per agency."""
    if "org_unit_code" in frame:  # task progress has none: its jurisdiction is the file's
        check_org_units(frame, headers, lines, ctx)
    years = frame["year"]
    off = years.notna() & years.ne(int(ctx.period[:4]))
    ctx.add(
        "E_PERIOD_MISMATCH",
        rows=lines[off.to_numpy()],
        column=headers["year"],
        values=years[off],
        expected=ctx.period[:4],
    )
    if "quarter" in frame:  # quarterly: period YYYYQn
        quarters = frame["quarter"]
        off = quarters.notna() & quarters.ne(int(ctx.period[5:] or 0))
        ctx.add(
            "E_PERIOD_MISMATCH",
            rows=lines[off.to_numpy()],
            column=headers["quarter"],
            values=quarters[off],
            expected=ctx.period,
        )
    keys = ctx.stype.key_columns
    dup = frame.duplicated(keys, keep="first") & frame[keys].notna().all(axis=1)
    if dup.any():
        first = frame.reset_index().groupby(keys, dropna=True)["index"].transform("first")
        first_line = lines[first.to_numpy()]
        ctx.add(
            "E_DUPLICATE_KEY",
            rows=lines[dup.to_numpy()],
            column=headers[keys[0]],
            values=frame.loc[dup, keys[0]],
            expected=first_line[dup.to_numpy()][0],
        )
    for col in ctx.stype.columns:  # a reference list's entries are reported by their agency
        if not col.values_from or col.name not in frame:
            continue
        entries = value_list(col.values_from)
        mine = [code for code, (_zh, _en, agency) in entries.items() if agency == ctx.agency_code]
        foreign = frame[col.name].isin([c for c in entries if c not in mine])
        ctx.add(
            "E_SECTOR_NOT_ALLOWED",
            rows=lines[foreign.to_numpy()],
            column=headers[col.name],
            values=frame.loc[foreign, col.name],
            expected="、".join(mine),
        )


def check_outliers(
    frame: pd.DataFrame,
    previous: pd.DataFrame | None,
    headers: dict[str, str],
    lines: np.ndarray,
    ctx: Context,
) -> None:
    """Warn where a figure moved sharply since the unit's last accepted submission: by more
    than half (from a base of at least 10), or a robust z-score of the change above 3."""
    if previous is None or previous.empty:
        return
    keys = [k for k in ctx.stype.key_columns if k != "year"]
    measures = [c.name for c in ctx.stype.columns if c.is_number and not c.is_key]
    old = previous.drop_duplicates(keys).set_index(keys)
    joined = frame[keys].join(old[measures], on=keys)
    for col in measures:
        new_v = frame[col].astype("float64")
        old_v = joined[col].astype("float64")
        change = (new_v - old_v).to_numpy()
        rel = np.abs(change) / np.where(old_v >= 10, old_v, np.nan)
        flagged = rel > 0.5
        finite = change[np.isfinite(change)]
        if finite.size >= 10:
            med = np.median(finite)
            mad = np.median(np.abs(finite - med))
            if mad > 0:
                flagged |= np.abs(0.6745 * (change - med) / mad) > 3
        flagged &= np.isfinite(change)
        idx = np.flatnonzero(flagged)
        for i in idx[:MAX_PER_GROUP]:
            ctx.issues.append(
                Issue.make(
                    "W_OUTLIER",
                    row=int(lines[i]),
                    column=headers[col],
                    value=int(new_v.iloc[i]),
                    expected=int(old_v.iloc[i]),
                )
            )
