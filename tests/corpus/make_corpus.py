"""Generate the bad-file corpus: one defect per file, bytes as an agency would produce them.

    python tests/corpus/make_corpus.py        # (re)writes tests/corpus/files/

Two good base files for 桐乡市 (330483), period 2024, are derived from
the shipped division table (reference/divisions/) only (no random numbers, no clock), so the output is
byte-identical on every run; tests/test_intake_corpus.py checks the committed files against
`generate()`:

- child_directors (民政局): one row per village/community of 桐乡市, CRLF line endings;
- staff_checks (教育局): twelve institutions with agency-assigned codes in 桐乡市 townships.

Each `Case` names the file, how it is submitted (type, unit, jurisdiction, period) and what
the receipt must say: status, the issue code, the row (line as the agency sees it, header = 1)
and the column (header as written). `other_codes` lists the codes the same defect is allowed
to cause as well (a merged cell also leaves empty cells, a 姓名 column also holds names).
"""

from __future__ import annotations

import csv
import io
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
ORG_UNITS = HERE.parent.parent / "reference" / "divisions" / "divisions_2023.parquet"

COUNTY = "330483"  # 桐乡市
PERIOD = "2024"
CD_HEADER = ["村(社区)代码", "年度", "儿童主任人数"]
SC_HEADER = [
    "机构编码",
    "所在乡镇(街道)代码",
    "行业",
    "年度",
    "新入职人数",
    "入职查询人数",
    "在岗人数",
    "年度查询人数",
]

# A made-up resident ID number: fake area code 110101, made-up birth date, valid checksum.
FAKE_ID_BODY = "11010119800307123"
FAKE_MOBILE = "13912345678"
# Made-up names (common surname + given name), as pasted from a roster.
GIVEN = [
    "伟",
    "芳",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def id_check_digit(body17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(body17, weights, strict=True))
    return "10X98765432"[total % 11]


FAKE_ID = FAKE_ID_BODY + id_check_digit(FAKE_ID_BODY)
TITLE = "桐乡市2024年度村(社区)儿童主任配备情况统计表"


def _village_count() -> int:
    import duckdb

    return (
        duckdb.connect()
        .execute(
            f"select count(*) from read_parquet('{ORG_UNITS.as_posix()}') "
            "where county_code = ? and level = 'village'",
            [COUNTY],
        )
        .fetchone()[0]
    )


TOTAL_LINE = _village_count() + 2  # header on line 1, one line per village, then the total


@dataclass(frozen=True)
class Case:
    file: str
    defect: str
    status: str  # accepted | accepted_with_warnings | rejected
    code: str | None  # the issue the defect must produce (None: a clean accept)
    row: int | None = None
    column: str | None = None
    value: str | None = None  # expected `value` of that issue, when it is worth pinning
    other_codes: tuple[str, ...] = ()
    type: str = "child_directors"
    unit: str = "civil_affairs"
    jurisdiction: str = COUNTY
    period: str = PERIOD
    encoding: str | None = None  # expected detected_encoding, when pinned
    secrets: tuple[str, ...] = ()  # strings the receipt must not echo


CASES: list[Case] = [
    # --- accepted: what Excel on Chinese Windows really writes -------------------------------
    Case(
        "cd_good_utf8.csv",
        "control: the base file, UTF-8, CRLF",
        "accepted",
        None,
        encoding="UTF-8",
    ),
    Case(
        "cd_gbk.csv",
        "saved by Excel as CSV (逗号分隔): GBK",
        "accepted",
        None,
        encoding="GBK/GB18030",
    ),
    Case(
        "cd_utf8_bom.csv",
        "saved by Excel as CSV UTF-8: BOM",
        "accepted",
        None,
        encoding="UTF-8 (BOM)",
    ),
    Case("cd_good.xlsx", "the xlsx template filled in", "accepted", None, encoding="xlsx"),
    Case("cd_english_headers.csv", "English header aliases", "accepted", None),
    Case(
        "sc_percent.csv",
        "85% typed in a count column",
        "accepted_with_warnings",
        "W_PERCENT_SIGN",
        4,
        "年度查询人数",
        "85%",
    ),
    Case(
        "sc_fullwidth.csv",
        "full-width digits (Chinese IME)",
        "accepted_with_warnings",
        "W_FULLWIDTH",
        3,
        "新入职人数",
        "１２",
    ),
    Case(
        "sc_thousands.csv",
        "thousands separator in a count",
        "accepted_with_warnings",
        "W_THOUSANDS_SEPARATOR",
        2,
        "在岗人数",
        "1,036",
    ),
    Case(
        "cd_trailing_empty_rows.csv",
        "three empty rows at the end (,,)",
        "accepted_with_warnings",
        "W_TRAILING_EMPTY_ROWS",
        None,
        None,
        "3",
    ),
    Case(
        "cd_empty_row_inside.csv",
        "an empty line between two villages",
        "accepted_with_warnings",
        "W_EMPTY_ROW",
        12,
        None,
    ),
    Case(
        "cd_spaces.csv",
        "spaces around a code",
        "accepted_with_warnings",
        "W_WHITESPACE",
        6,
        "村(社区)代码",
    ),
    Case(
        "cd_extra_column.csv",
        "an extra 备注 column",
        "accepted_with_warnings",
        "W_UNKNOWN_COLUMN",
        1,
        "备注",
    ),
    # --- rejected: reading the file -----------------------------------------------------------
    Case("cd_big5.csv", "traditional headers saved in Big5", "rejected", "E_ENCODING"),
    Case("cd_utf16le_nobom.csv", "UTF-16LE without a BOM", "rejected", "E_ENCODING"),
    Case("empty.csv", "zero bytes", "rejected", "E_EMPTY_FILE"),
    Case("cd_header_only.csv", "the template header, no rows", "rejected", "E_EMPTY_FILE"),
    Case("cd_truncated.xlsx", "xlsx cut off in transfer", "rejected", "E_UNREADABLE_FILE"),
    Case(
        "sc_merged.xlsx",
        "township cells merged over three institutions",
        "rejected",
        "E_MERGED_CELLS",
        2,
        "所在乡镇(街道)代码",
        "B2:B4",
        other_codes=("E_MISSING_VALUE",),
    ),
    Case(
        "cd_formula.xlsx",
        "a count computed by a formula",
        "rejected",
        "E_FORMULA",
        5,
        "儿童主任人数",
        "=1+1",
    ),
    # --- rejected: columns and cells ----------------------------------------------------------
    Case("cd_missing_column.csv", "年度 column deleted", "rejected", "E_MISSING_COLUMN", 1, "年度"),
    Case(
        "sc_duplicate_column.csv", "行业 column twice", "rejected", "E_DUPLICATE_COLUMN", 1, "行业"
    ),
    Case(
        "cd_merged_leftovers.csv",
        "year merged in Excel, then saved as CSV",
        "rejected",
        "E_MISSING_VALUE",
        3,
        "年度",
    ),
    Case(
        "cd_formula_text.csv",
        "formula text in a count cell",
        "rejected",
        "E_FORMULA",
        10,
        "儿童主任人数",
        "=SUM(B2:B5)",
    ),
    Case(
        "cd_not_a_number.csv",
        "count with its unit: 1人",
        "rejected",
        "E_NOT_A_NUMBER",
        7,
        "儿童主任人数",
        "1人",
    ),
    Case(
        "cd_decimal.csv", "1.5 directors", "rejected", "E_NOT_AN_INTEGER", 8, "儿童主任人数", "1.5"
    ),
    Case(
        "cd_out_of_range.csv",
        "120 directors in a village",
        "rejected",
        "E_OUT_OF_RANGE",
        9,
        "儿童主任人数",
        "120",
    ),
    Case(
        "sc_part_gt_whole.csv",
        "more staff checked than in post",
        "rejected",
        "E_NUMERATOR_GT_DENOMINATOR",
        5,
        "年度查询人数",
        "72",
    ),
    Case(
        "sc_invalid_sector.csv",
        "行业 小学 (not in the list)",
        "rejected",
        "E_INVALID_VALUE",
        6,
        "行业",
        "小学",
    ),
    Case(
        "sc_sector_other_agency.csv",
        "education reports a hospital",
        "rejected",
        "E_SECTOR_NOT_ALLOWED",
        7,
        "行业",
        "hospital",
    ),
    # --- rejected: divisions, keys, periods, who ----------------------------------------------
    Case(
        "cd_unknown_org_unit.csv",
        "a village code that does not exist",
        "rejected",
        "E_UNKNOWN_ORG_UNIT",
        11,
        "村(社区)代码",
        "330483001999",
    ),
    Case(
        "cd_scientific_code.csv",
        "code shown by Excel as 3.30483E+11",
        "rejected",
        "E_CODE_SCIENTIFIC",
        4,
        "村(社区)代码",
        "3.30483E+11",
    ),
    Case(
        "cd_outside_jurisdiction.csv",
        "a village of 福州市鼓楼区 in 桐乡市's file",
        "rejected",
        "E_ORG_UNIT_OUTSIDE_JURISDICTION",
        13,
        "村(社区)代码",
        "350102001001",
    ),
    Case(
        "cd_wrong_level.csv",
        "a township code in a village file",
        "rejected",
        "E_WRONG_LEVEL",
        14,
        "村(社区)代码",
        "330483001",
    ),
    Case(
        "cd_duplicate_key.csv",
        "a village listed twice",
        "rejected",
        "E_DUPLICATE_KEY",
        16,
        "村(社区)代码",
        "330483001004",
    ),
    Case(
        "cd_year_mismatch.csv",
        "one row still says 2023",
        "rejected",
        "E_PERIOD_MISMATCH",
        15,
        "年度",
        "2023",
    ),
    Case(
        "cd_future_period.csv",
        "a 2026 file submitted in January 2025",
        "rejected",
        "E_PERIOD_IN_FUTURE",
        value="2026",
        period="2026",
    ),
    Case(
        "cd_unit_not_allowed.csv",
        "妇联 submits child directors",
        "rejected",
        "E_UNIT_NOT_ALLOWED",
        value="womens_federation",
        unit="womens_federation",
    ),
    Case(
        "cd_unknown_jurisdiction.csv",
        "jurisdiction code mistyped",
        "rejected",
        "E_UNKNOWN_JURISDICTION",
        value="330499",
        jurisdiction="330499",
    ),
    # --- rejected: personal data --------------------------------------------------------------
    Case("cd_personal_name_column.csv", "a 姓名 column", "rejected", "E_PERSONAL_DATA", 1, "姓名"),
    Case(
        "cd_personal_id.csv",
        "an ID number in 备注",
        "rejected",
        "E_PERSONAL_DATA",
        6,
        "备注",
        other_codes=("W_UNKNOWN_COLUMN",),
        secrets=(FAKE_ID,),
    ),
    Case(
        "cd_personal_mobile.csv",
        "a mobile number in 备注",
        "rejected",
        "E_PERSONAL_DATA",
        9,
        "备注",
        other_codes=("W_UNKNOWN_COLUMN",),
        secrets=(FAKE_MOBILE,),
    ),
    Case(
        "cd_personal_names_pasted.csv",
        "a pasted list of directors' names",
        "rejected",
        "E_PERSONAL_DATA",
        2,
        "儿童主任",
        other_codes=("W_UNKNOWN_COLUMN",),
    ),
]
# --- habits of government spreadsheets (issue 11): made from the template, read right with a
# warning that says what was done, or refused naming the real cause ----------------------------
HABITS: list[Case] = [
    Case(
        "habit_title_row.csv",
        "a title row and a blank row above the template header",
        "accepted_with_warnings",
        "W_HEADER_BELOW_TITLE",
        3,
        None,
        "3",
    ),
    Case(
        "habit_blank_rows_above.csv",
        "two blank rows above the header",
        "accepted_with_warnings",
        "W_HEADER_BELOW_TITLE",
        3,
        None,
        "3",
    ),
    Case(
        "habit_total_row.csv",
        "a 合计 row at the bottom that equals the sum",
        "accepted_with_warnings",
        "W_TOTAL_ROW",
        TOTAL_LINE,
        None,
        "合计",
    ),
    Case(
        "habit_total_row_wrong.csv",
        "a 总计 row at the bottom that does not equal the sum",
        "accepted_with_warnings",
        "W_TOTAL_MISMATCH",
        TOTAL_LINE,
        "儿童主任人数",
        "999",
        other_codes=("W_TOTAL_ROW",),
    ),
    Case(
        "habit_subtotal_inside.csv",
        "a 小计 row between the villages of two townships",
        "rejected",
        "E_TOTAL_ROW_INSIDE",
        12,
        None,
        "12",
    ),
    Case(
        "habit_code_as_number.csv",
        "codes saved by Excel as numbers: 330483001001.0",
        "accepted_with_warnings",
        "W_CODE_AS_NUMBER",
        2,
        "村(社区)代码",
    ),
    Case(
        "habit_year_suffix.csv",
        "年度 written 2024年",
        "accepted_with_warnings",
        "W_YEAR_SUFFIX",
        2,
        "年度",
        "2024年",
    ),
    Case(
        "habit_notes_sheet_first.xlsx",
        "the 说明 sheet first; the data sheet renamed, with a merged title row",
        "accepted_with_warnings",
        "W_HEADER_BELOW_TITLE",
        2,
        None,
        "2",
        other_codes=("W_SHEET_CHOSEN",),
        encoding="xlsx",
    ),
    Case(
        "habit_numbers_as_text.xlsx",
        "counts stored as text in the template",
        "accepted_with_warnings",
        "W_NUMBER_AS_TEXT",
        2,
        "儿童主任人数",
        encoding="xlsx",
    ),
    Case(
        "habit_header_row_missing_column.csv",
        "a title row above a header that lacks 年度: the real cause is the column",
        "rejected",
        "E_MISSING_COLUMN",
        2,
        "年度",
        other_codes=("W_HEADER_BELOW_TITLE",),
    ),
]
CASES = CASES + HABITS
# staff_checks cases default to the education bureau's file.
CASES = [
    c
    if not c.file.startswith("sc_")
    else Case(**{**c.__dict__, "type": "staff_checks", "unit": "education"})
    for c in CASES
]


# --- base files -------------------------------------------------------------------------------


def villages() -> list[str]:
    return _villages_of(COUNTY)


def first_village(county: str) -> str:
    return min(_villages_of(county))


def cd_rows() -> list[list[str]]:
    """One row per village: mostly 1 director, every fifth 2, every 37th none yet."""
    rows = []
    for code in villages():
        n = int(code[-3:])
        count = 0 if n % 37 == 0 else 2 if n % 5 == 0 else 1
        rows.append([code, PERIOD, str(count)])
    return rows


def sc_rows() -> list[list[str]]:
    """Twelve institutions of the education bureau (Chinese sector names, as in the template).

    Line 2 is a large school group (1,036 staff), line 4 has 85 of 90 staff checked."""
    spec = [  # township, sector, new hires, checked, in post, checked
        ("330483001", "中小学校", 40, 40, 1036, 1036),
        ("330483001", "中小学校", 12, 12, 96, 96),
        ("330483001", "幼儿园", 6, 6, 90, 85),
        ("330483003", "中小学校", 9, 9, 70, 68),
        ("330483003", "幼儿园", 4, 4, 31, 31),
        ("330483004", "校外培训机构", 5, 3, 18, 12),
        ("330483100", "中小学校", 8, 8, 85, 85),
        ("330483101", "幼儿园", 3, 3, 27, 27),
        ("330483102", "中小学校", 6, 6, 64, 60),
        ("330483103", "校外培训机构", 2, 1, 9, 6),
        ("330483105", "幼儿园", 2, 2, 22, 22),
        ("330483107", "中小学校", 11, 11, 120, 118),
    ]
    return [
        [f"JY-{COUNTY}-{9001 + i}", t, s, PERIOD, str(a), str(b), str(c), str(d)]
        for i, (t, s, a, b, c, d) in enumerate(spec)
    ]


def to_csv(
    header: list[str] | None, rows: list[list[str]], encoding: str = "utf-8", bom: bool = False
) -> bytes:
    """As Excel writes it: CRLF, quotes only where needed."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    data = buf.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def with_cell(rows: list[list[str]], line: int, col: int, value: str) -> list[list[str]]:
    """Copy of rows with one cell replaced; `line` as in the file (header = 1)."""
    out = [list(r) for r in rows]
    out[line - 2][col] = value
    return out


_FIXED_ZIP_TIME = (2025, 1, 10, 9, 0, 0)
_CORE_TIME = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def to_xlsx(
    header: list[str], rows: list[list[object]], merges: tuple[str, ...] = (), sheet: str = "数据"
) -> bytes:
    """An xlsx as the template would be filled in; timestamps fixed so the bytes are stable."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
    for rng in merges:
        ws.merge_cells(rng)
    raw = io.BytesIO()
    wb.save(raw)
    return _stable(raw.getvalue())


def _stable(raw: bytes) -> bytes:
    """The same workbook bytes on every run: fixed zip times and document timestamps."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _CORE_TIME.sub(rb"\g<1>2025-01-10T09:00:00Z\g<2>", data)
            dst.writestr(
                zipfile.ZipInfo(info.filename, _FIXED_ZIP_TIME),
                data,
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return out.getvalue()


def from_template_xlsx(rows: list[list[object]], edit=None) -> bytes:
    """The child_directors xlsx template as weibao hands it out, filled in with `rows`;
    `edit(workbook)` then applies an office's habit."""
    from openpyxl import load_workbook

    from weibao.intake.templates import template_xlsx

    wb = load_workbook(io.BytesIO(template_xlsx("child_directors")))
    ws = wb["数据"]
    for i, row in enumerate(rows, start=2):
        for j, value in enumerate(row, start=1):
            ws.cell(row=i, column=j, value=value)
    if edit:
        edit(wb)
    raw = io.BytesIO()
    wb.save(raw)
    return _stable(raw.getvalue())


def habits(cd: list[list[str]]) -> dict[str, bytes]:
    from weibao.intake.templates import template_csv

    header = template_csv("child_directors").decode("utf-8-sig").strip().split(",")
    assert header == CD_HEADER
    total = sum(int(r[2]) for r in cd)
    files = {}
    files["habit_title_row.csv"] = to_csv(None, [[TITLE, "", ""], ["", "", ""], header] + cd, "gbk")
    files["habit_blank_rows_above.csv"] = to_csv(None, [["", "", ""], ["", "", ""], header] + cd)
    files["habit_total_row.csv"] = to_csv(header, cd + [["合计", "", str(total)]], "gbk")
    files["habit_total_row_wrong.csv"] = to_csv(header, cd + [["总 计", "", "999"]], "gbk")
    files["habit_subtotal_inside.csv"] = to_csv(
        header, cd[:10] + [["小计", "", str(sum(int(r[2]) for r in cd[:10]))]] + cd[10:], "gbk"
    )
    files["habit_code_as_number.csv"] = to_csv(header, [[r[0] + ".0", r[1], r[2]] for r in cd])
    files["habit_year_suffix.csv"] = to_csv(header, [[r[0], r[1] + "年", r[2]] for r in cd], "gbk")

    def notes_first(wb) -> None:
        ws = wb["数据"]
        ws.title = "儿童主任"
        ws.insert_rows(1)
        ws["A1"] = TITLE
        ws.merge_cells("A1:C1")
        wb.move_sheet("说明", offset=-1)

    files["habit_notes_sheet_first.xlsx"] = from_template_xlsx([_typed(r) for r in cd], notes_first)
    files["habit_numbers_as_text.xlsx"] = from_template_xlsx(
        [[r[0], int(r[1]), r[2]] for r in cd]  # the count typed into a cell formatted as text
    )
    files["habit_header_row_missing_column.csv"] = to_csv(
        None, [[TITLE, ""], ["村(社区)代码", "儿童主任人数"]] + [[r[0], r[2]] for r in cd], "gbk"
    )
    return files


def _typed(row: list[str]) -> list[object]:
    """Codes stay text (the template formats them as text); counts and years are numbers."""
    return [int(v) if v.isdigit() and len(v) <= 6 else v for v in row]


def generate() -> dict[str, bytes]:
    cd, sc = cd_rows(), sc_rows()
    files: dict[str, bytes] = {}
    files["cd_good_utf8.csv"] = to_csv(CD_HEADER, cd)
    files["cd_gbk.csv"] = to_csv(CD_HEADER, cd, "gbk")
    files["cd_utf8_bom.csv"] = to_csv(CD_HEADER, cd, bom=True)
    files["cd_good.xlsx"] = to_xlsx(CD_HEADER, [_typed(r) for r in cd])
    files["cd_english_headers.csv"] = to_csv(["Org unit code", "Year", "Child director count"], cd)
    files["sc_percent.csv"] = to_csv(SC_HEADER, with_cell(sc, 4, 7, "85%"), "gbk")
    files["sc_fullwidth.csv"] = to_csv(SC_HEADER, with_cell(sc, 3, 4, "１２"), "gbk")
    files["sc_thousands.csv"] = to_csv(SC_HEADER, with_cell(sc, 2, 6, "1,036"), "gbk")
    files["cd_trailing_empty_rows.csv"] = to_csv(CD_HEADER, cd + [["", "", ""]] * 3)
    files["cd_empty_row_inside.csv"] = to_csv(CD_HEADER, cd[:10] + [["", "", ""]] + cd[10:])
    files["cd_spaces.csv"] = to_csv(CD_HEADER, with_cell(cd, 6, 0, f" {cd[4][0]} "))
    files["cd_extra_column.csv"] = to_csv(
        CD_HEADER + ["备注"], [r + ["新任" if i == 3 else ""] for i, r in enumerate(cd)]
    )

    files["cd_big5.csv"] = to_csv(["村(社區)代碼", "年度", "兒童主任人數"], cd, "big5")
    files["cd_utf16le_nobom.csv"] = to_csv(CD_HEADER, cd, "utf-16-le")
    files["empty.csv"] = b""
    files["cd_header_only.csv"] = to_csv(CD_HEADER, [])
    good_xlsx = to_xlsx(CD_HEADER, [_typed(r) for r in cd])
    files["cd_truncated.xlsx"] = good_xlsx[: len(good_xlsx) // 2]
    merged = [_typed(r) for r in sc]
    merged[1][1] = merged[2][1] = None  # what Excel keeps under a merged cell
    files["sc_merged.xlsx"] = to_xlsx(SC_HEADER, merged, merges=("B2:B4",))
    files["cd_formula.xlsx"] = to_xlsx(CD_HEADER, [_typed(r) for r in with_cell(cd, 5, 2, "=1+1")])

    files["cd_missing_column.csv"] = to_csv(
        ["村(社区)代码", "儿童主任人数"], [[r[0], r[2]] for r in cd]
    )
    files["sc_duplicate_column.csv"] = to_csv(SC_HEADER + ["行业"], [r + [r[2]] for r in sc])
    leftovers = [list(r) for r in cd]
    for r in leftovers[1:5]:  # B2:B6 was merged: only the first cell keeps the year
        r[1] = ""
    files["cd_merged_leftovers.csv"] = to_csv(CD_HEADER, leftovers)
    files["cd_formula_text.csv"] = to_csv(CD_HEADER, with_cell(cd, 10, 2, "=SUM(B2:B5)"))
    files["cd_not_a_number.csv"] = to_csv(CD_HEADER, with_cell(cd, 7, 2, "1人"), "gbk")
    files["cd_decimal.csv"] = to_csv(CD_HEADER, with_cell(cd, 8, 2, "1.5"))
    files["cd_out_of_range.csv"] = to_csv(CD_HEADER, with_cell(cd, 9, 2, "120"))
    files["sc_part_gt_whole.csv"] = to_csv(SC_HEADER, with_cell(sc, 5, 7, "72"), "gbk")
    files["sc_invalid_sector.csv"] = to_csv(SC_HEADER, with_cell(sc, 6, 2, "小学"), "gbk")
    files["sc_sector_other_agency.csv"] = to_csv(SC_HEADER, with_cell(sc, 7, 2, "医院"), "gbk")

    files["cd_unknown_org_unit.csv"] = to_csv(CD_HEADER, with_cell(cd, 11, 0, "330483001999"))
    files["cd_scientific_code.csv"] = to_csv(CD_HEADER, with_cell(cd, 4, 0, "3.30483E+11"), "gbk")
    files["cd_outside_jurisdiction.csv"] = to_csv(
        CD_HEADER, with_cell(cd, 13, 0, first_village("350102"))
    )
    files["cd_wrong_level.csv"] = to_csv(CD_HEADER, with_cell(cd, 14, 0, "330483001"))
    files["cd_duplicate_key.csv"] = to_csv(CD_HEADER, with_cell(cd, 16, 0, cd[3][0]))
    files["cd_year_mismatch.csv"] = to_csv(CD_HEADER, with_cell(cd, 15, 1, "2023"))
    files["cd_future_period.csv"] = to_csv(CD_HEADER, [[r[0], "2026", r[2]] for r in cd])
    files["cd_unit_not_allowed.csv"] = to_csv(CD_HEADER, cd, "gbk")
    files["cd_unknown_jurisdiction.csv"] = to_csv(CD_HEADER, cd)

    names = [SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)] for i in range(len(cd))]
    files["cd_personal_name_column.csv"] = to_csv(
        CD_HEADER + ["姓名"], [r + [n] for r, n in zip(cd, names, strict=True)], "gbk"
    )
    files["cd_personal_id.csv"] = to_csv(
        CD_HEADER + ["备注"], [r + [FAKE_ID if i == 4 else ""] for i, r in enumerate(cd)]
    )
    files["cd_personal_mobile.csv"] = to_csv(
        CD_HEADER + ["备注"],
        [r + [f"联系人手机{FAKE_MOBILE}" if i == 7 else ""] for i, r in enumerate(cd)],
        "gbk",
    )
    files["cd_personal_names_pasted.csv"] = to_csv(
        CD_HEADER + ["儿童主任"], [r + [n] for r, n in zip(cd, names, strict=True)], "gbk"
    )
    files.update(habits(cd))
    missing = {c.file for c in CASES} ^ set(files)
    assert not missing, f"cases and files differ: {sorted(missing)}"
    return files


def main() -> int:
    FILES.mkdir(exist_ok=True)
    files = generate()
    for old in FILES.iterdir():
        if old.name not in files:
            old.unlink()
    for name, data in files.items():
        (FILES / name).write_bytes(data)
    print(f"{len(files)} files in {FILES}")
    return 0


def _villages_of(county: str) -> list[str]:
    import duckdb

    con = duckdb.connect()
    try:
        rows = con.execute(
            f"select code from read_parquet('{ORG_UNITS.as_posix()}') "
            "where county_code = ? and level = 'village' order by code",
            [county],
        ).fetchall()
    finally:
        con.close()
    return [c for (c,) in rows]


if __name__ == "__main__":
    sys.exit(main())
