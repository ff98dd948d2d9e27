"""Exports cannot execute (issue 11): every CSV and xlsx weibao writes gives a text cell that
starts with = + - @ tab or CR a leading apostrophe, and leaves numbers (-5, "-5") alone; the
table toolbar's own download, which writes cells verbatim, is off; the brief's HTML and CSS
escape a hostile jurisdiction name and its page runs no script.
"""

from __future__ import annotations

import ast
import csv
import dataclasses
import io
import shutil
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from weibao.cells import is_formula_text, neutralise

ROOT = Path(__file__).resolve().parents[1]
APP = "../dashboards/app.py"
ORG, YEAR = "330483", 2022
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
HOSTILE = [
    '=HYPERLINK("http://evil.example/","x")',
    '+HYPERLINK("http://evil.example/")',
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
# A jurisdiction name that is a formula, ends the <style> element and runs a script.
EVIL_NAME = (
    '=HYPERLINK("http://evil.example/")桐乡市</style>'
    '<script>document.body.innerHTML = "PWNED"</script>'
)


def unsafe(value: object) -> bool:
    """A text cell a spreadsheet would run (written independently of weibao.cells)."""
    if not isinstance(value, str) or not value or value[0] not in DANGEROUS:
        return False
    try:
        float(value.replace(",", "").rstrip("%"))
        return False
    except ValueError:
        return True


def unsafe_csv_cells(data: bytes) -> list[str]:
    rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    return [cell for row in rows for cell in row if unsafe(cell)]


def unsafe_xlsx_cells(data: bytes) -> list[str]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    bad = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" or unsafe(cell.value):
                    bad.append(f"{ws.title}!{cell.coordinate}={cell.value!r}")
    return bad


# ---- the rule ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_text_gets_an_apostrophe(text: str):
    assert is_formula_text(text)
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize(
    "value", [-5, 3.5, "-5", "+3.5", "-1,200", "-12.5%", "1e3", "总计", "", None, "a=b"]
)
def test_numbers_and_plain_text_are_left_alone(value):
    assert not is_formula_text(value)
    assert neutralise(value) == value


# ---- every writer --------------------------------------------------------------------------


def test_dashboard_exports_csv_and_xlsx(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "dashboards"))
    import exports

    table = pd.DataFrame({"=列": HOSTILE, "n": [-5, 0, 5, -1, 2, 3], "s": ["-5"] * 6})
    files = exports.files(table, "t", "=标题", "督办清单", demo=False, lang="zh")
    for name, data in files.items():
        bad = unsafe_csv_cells(data) if name.endswith(".csv") else unsafe_xlsx_cells(data)
        assert bad == [], (name, bad)
    rows = list(csv.reader(io.StringIO(files["t.csv"].decode("utf-8-sig"), newline="")))
    assert rows[0] == ["'=列", "n", "s"]
    assert [r[0] for r in rows[1:]] == ["'" + h for h in HOSTILE]
    assert [r[1] for r in rows[1:]] == ["-5", "0", "5", "-1", "2", "3"]  # numbers untouched
    assert {r[2] for r in rows[1:]} == {"-5"}
    ws = openpyxl.load_workbook(io.BytesIO(files["t.xlsx"])).active
    assert [ws.cell(r, 2).value for r in range(4, 10)] == [-5, 0, 5, -1, 2, 3]


def test_templates(monkeypatch):
    from weibao import submission_types
    from weibao.intake import templates

    stype = submission_types.SUBMISSION_TYPES["child_directors"]
    columns = list(stype.columns)
    columns[0] = dataclasses.replace(columns[0], header_zh=HOSTILE[0], description_zh=HOSTILE[3])
    hostile = dataclasses.replace(stype, columns=tuple(columns), name_zh=HOSTILE[1])
    monkeypatch.setitem(submission_types.SUBMISSION_TYPES, "child_directors", hostile)
    assert unsafe_csv_cells(templates.template_csv("child_directors")) == []
    assert unsafe_xlsx_cells(templates.template_xlsx("child_directors")) == []
    header = templates.template_csv("child_directors").decode("utf-8-sig").splitlines()[0]
    assert header.startswith("'=HYPERLINK")


def test_annotated_rows_of_a_refused_file():
    """The receipt's download echoes the agency's own cells: they cannot run either."""
    from weibao.intake import annotated_rows
    from weibao.intake.receipt import Issue, Receipt

    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\r\n")
    out.writerow(["村(社区)代码", "备注", "数量"])
    out.writerows([f"330483001{i:03d}", h, "-5"] for i, h in enumerate(HOSTILE))
    body = buf.getvalue()
    issue = Issue("error", "E_X", 2, "备注", None, "=问题", "problem", "hint")
    receipt = Receipt("rejected", None, "utf-8", len(HOSTILE), 0, issues=[issue])
    out = annotated_rows(body.encode("utf-8"), "f.csv", receipt)
    assert unsafe_csv_cells(out) == []
    rows = list(csv.reader(io.StringIO(out.decode("utf-8-sig"), newline="")))
    assert rows[1][2] == "'" + HOSTILE[0] and rows[1][3] == "-5"


@pytest.fixture(scope="module")
def hostile_warehouse(published_warehouse: Path, tmp_path_factory) -> Path:
    """The published file with the county's name, a member unit's name and a task's title set
    to text that would run in a spreadsheet, a <style> or a browser."""
    path = tmp_path_factory.mktemp("hostile") / "weibao.duckdb"
    shutil.copy(published_warehouse, path)
    con = duckdb.connect(str(path))
    try:
        con.execute(
            "update dim_org_units set org_unit_name = ? where org_unit_code = ?", [EVIL_NAME, ORG]
        )
        con.execute(
            "update dim_member_units set name_zh = ? where member_unit_id = "
            "(select min(member_unit_id) from dim_member_units where jurisdiction_code = ?)",
            [HOSTILE[3], ORG],
        )
        con.execute(
            "update dim_tasks set title_zh = ? where jurisdiction_code = ?", [HOSTILE[1], ORG]
        )
    finally:
        con.close()
    return path


def test_brief_xlsx(hostile_warehouse: Path):
    from weibao.brief import brief_xlsx

    data = brief_xlsx(hostile_warehouse, ORG, YEAR)
    assert unsafe_xlsx_cells(data) == []
    wb = openpyxl.load_workbook(io.BytesIO(data))
    texts = [c for ws in wb.worksheets for r in ws.iter_rows(values_only=True) for c in r]
    assert any(isinstance(c, str) and c.startswith("'=HYPERLINK") for c in texts)


@pytest.mark.parametrize(
    "page", ["views/supervision.py", "views/reporting.py", "views/regions.py", "views/indicator.py"]
)
def test_page_exports(hostile_warehouse: Path, monkeypatch, downloads, page: str):
    """Every download a page offers, over a warehouse whose names are formulas."""
    monkeypatch.setenv("WEIBAO_WAREHOUSE", str(hostile_warehouse))
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    files = [(d, n) for d, n in downloads if n and n.endswith((".csv", ".xlsx"))]
    assert files, f"{page} offers no export"
    for data, name in files:
        bad = unsafe_csv_cells(data) if name.endswith(".csv") else unsafe_xlsx_cells(data)
        assert bad == [], (page, name, bad)


def test_every_file_writer_is_a_neutralising_one():
    """A new CSV or xlsx writer must go through weibao.cells: each call that writes a table
    (to_csv, to_excel, csv.writer, Workbook.save) is listed here with why it is safe."""
    allowed = {
        ("weibao/cells.py", "to_csv"): "neutralise_frame first",
        ("dashboards/exports.py", "to_excel"): "neutralise_workbook before the writer closes",
        ("weibao/brief/xlsx.py", "save"): "neutralise_workbook first",
        ("weibao/intake/templates.py", "save"): "neutralise_workbook first",
        ("weibao/store.py", "to_csv"): "the store's normalised copy, read by DuckDB, not people",
        ("weibao/demo.py", "writer"): "demo agency files (the input side), made from our words",
        ("weibao/bench.py", "to_csv"): "a synthetic agency file for the benchmark (input side)",
        ("weibao/divisions.py", "writer"): "a committee row appended to a reference CSV (input)",
    }
    found = set()
    for path in [*(ROOT / "weibao").rglob("*.py"), *(ROOT / "dashboards").rglob("*.py")]:
        rel = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                name = node.func.attr
                if name in ("to_csv", "to_excel", "writer", "save", "to_clipboard"):
                    if name == "save" and "wb" not in ast.unparse(node.func.value):
                        continue
                    found.add((rel, name))
    assert found == set(allowed), found ^ set(allowed)
    for rel, name in allowed:
        if name in ("save", "to_excel"):
            assert "neutralise_workbook(" in (ROOT / rel).read_text(encoding="utf-8"), rel


# ---- the table toolbar ---------------------------------------------------------------------


def test_table_toolbar_download_is_off(published_warehouse: Path):
    """st.dataframe's toolbar CSV writes cells verbatim, so the app switches it off (and the
    pages offer their own, neutralised exports: test_page_exports)."""
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True
    st.set_option("client.disableDataExport", False)
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception, at.exception
    assert st.get_option("client.disableDataExport") is True
    at.switch_page("views/regions.py").run()
    assert at.dataframe and st.get_option("client.disableDataExport") is True


# ---- the brief's HTML ----------------------------------------------------------------------


class _Parts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style += data


def test_brief_html_escapes_a_hostile_name(hostile_warehouse: Path):
    from weibao.brief import load
    from weibao.brief.pdf import brief_html

    b = load(hostile_warehouse, ORG, YEAR)
    assert b.name == EVIL_NAME
    page = brief_html(b, b"")
    parts = _Parts()
    parts.feed(page)
    assert "script" not in parts.tags
    assert parts.tags.count("style") == 1
    assert "@bottom-right" in parts.style and ".first" in parts.style  # the sheet is whole
    assert "<" not in parts.style and page.count("</style>") == 1
    head = page.split("<head>")[1]
    assert head.lstrip().startswith('<meta charset="utf-8">')
    assert "Content-Security-Policy" in head.split("<title>")[0]


def test_brief_pdf_runs_no_script(hostile_warehouse: Path, tmp_path: Path):
    """Chromium prints the page with script forbidden: a script in it changes nothing."""
    if shutil.which("chromium") is None:
        pytest.skip("Debian chromium is not installed (make system); the PDF brief needs it")
    from pypdf import PdfReader

    from weibao.brief import brief_pdf, load
    from weibao.brief.pdf import brief_html, chromium_path, print_pdf

    page = brief_html(load(hostile_warehouse, ORG, YEAR), b"")
    page = page.replace(
        "</body>", "<script>document.body.innerHTML = '<h1>SCRIPT RAN</h1>';</script></body>"
    )
    printed = print_pdf(page, chromium_path())
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(printed)).pages)
    assert "SCRIPT RAN" not in text
    # The brief as made: the name's script would replace the body with PWNED; it prints inert
    pages = PdfReader(io.BytesIO(brief_pdf(hostile_warehouse, ORG, YEAR))).pages
    text = "".join(p.extract_text() for p in pages)
    text = unicodedata.normalize("NFKC", text)  # CJK radicals as the brief test reads them
    assert len(pages) >= 2 and "PWNED" in text and "已达标" in text
