"""The meeting brief (weibao brief): the xlsx's sheets and counts against the marts, the PDF read
back (text on the first and every page, A4, the first page rendered to PNG), the CLI, and the
dashboard page."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import openpyxl
import pytest
import streamlit as st
from conftest import cjk_font_installed, require_tool
from streamlit.testing.v1 import AppTest

from weibao.brief import brief_pdf, brief_xlsx

ORG, NAME, YEAR = "330483", "桐乡市", 2022
HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE / "artifacts"
SHEETS = ["摘要", "指标", "督办清单", "报送情况"]
A4 = (595, 842)  # points


def achieved_in_mart(mart) -> int:
    sql = """select count(*) from fct_indicator_values
             where org_unit_code = ? and year = ? and status = 'achieved'"""
    return int(mart(sql, [ORG, YEAR]).iloc[0, 0])


def cells(ws) -> list[str]:
    return [str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None]


@pytest.fixture(scope="module")
def workbook(published_warehouse: Path, tmp_path_factory) -> openpyxl.Workbook:
    # no 督办单: open ones are listed under the supervision list (tests/test_cases.py), and
    # other tests' cases in the session's shared people folder must not lengthen it here
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WEIBAO_PEOPLE", str(tmp_path_factory.mktemp("no_people")))
        return openpyxl.load_workbook(io.BytesIO(brief_xlsx(published_warehouse, ORG, YEAR)))


def test_xlsx_sheets_counts_and_demo_banner(workbook, mart):
    assert workbook.sheetnames == SHEETS
    summary = {row[0]: row[1] for row in workbook["摘要"].iter_rows(values_only=True) if row[0]}
    assert summary["已达标"] == achieved_in_mart(mart)
    assert NAME in summary["辖区"] and summary["年度"] == YEAR
    # the demo build carries demo figures, so every sheet opens with the banner
    for ws in workbook:
        assert "示例数据" in str(ws["A1"].value), ws.title


def test_xlsx_lists_every_indicator_and_supervision_item(workbook, mart):
    indicators = workbook["指标"]
    assert indicators.freeze_panes is not None
    names = [row[0] for row in indicators.iter_rows(min_row=3, values_only=True) if row[0]]
    assert len(names) == int(mart("select count(*) from dim_indicators").iloc[0, 0])

    items = int(
        mart(
            # a county's brief leaves villages' own items out (the mart has them)
            """select count(*) from fct_supervision_items
               where jurisdiction_code = ? and year = ? and coalesce(level, '') <> 'village'""",
            [ORG, YEAR],
        ).iloc[0, 0]
    )
    rows = [r for r in workbook["督办清单"].iter_rows(min_row=3, values_only=True) if r[1]]
    assert len(rows) == items
    assert all(r[0] and r[7] for r in rows), "every item has an owner and a gap in words"


@pytest.fixture(scope="module")
def pdf_file(published_warehouse: Path) -> Path:
    require_tool(
        shutil.which("chromium") is not None and cjk_font_installed(),
        "Debian chromium or fonts-noto-cjk is not installed (make system); the PDF brief needs them",
    )
    started = time.perf_counter()
    data = brief_pdf(published_warehouse, ORG, YEAR)
    seconds = time.perf_counter() - started
    ARTIFACTS.mkdir(exist_ok=True)
    out = ARTIFACTS / f"brief_{ORG}_{YEAR}.pdf"
    out.write_bytes(data)
    print(f"PDF brief built in {seconds:.1f} s")
    return out


def page_texts(path: Path) -> list[str]:
    """Text per page. NFKC folds the Kangxi radicals some CJK glyphs extract as (⽰ → 示)."""
    from pypdf import PdfReader

    return [unicodedata.normalize("NFKC", p.extract_text()) for p in PdfReader(path).pages]


def test_pdf_first_page_and_every_page(pdf_file: Path, mart):
    from pypdf import PdfReader

    texts = page_texts(pdf_file)
    assert len(texts) >= 2
    first = texts[0]
    assert NAME in first and str(YEAR) in first
    achieved = achieved_in_mart(mart)
    assert re.search(rf"已达标\s*{achieved}\s*/\s*\d+", first), first[:400]
    for i, text in enumerate(texts, 1):
        assert "示例数据" in text, f"page {i} lacks 示例数据"
    for page in PdfReader(pdf_file).pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(w - A4[0]) <= 2 and abs(h - A4[1]) <= 2, (w, h)


def embedded_fonts(path: Path) -> dict[str, bool]:
    """Every font the PDF's pages use: its /BaseFont and whether its glyphs are embedded."""
    from pypdf import PdfReader

    fonts = {}
    for page in PdfReader(path).pages:
        resources = page["/Resources"].get_object()
        for ref in resources.get("/Font", {}).get_object().values():
            font = ref.get_object()
            holder = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = holder.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if font.get("/Subtype") == "/Type3":
                # Chromium may draw a subset as a Type 3 font: no /BaseFont, the glyphs are
                # embedded as drawing procedures (/CharProcs) in the PDF itself.
                fonts[f"Type3:{font.get('/Name')}"] = "/CharProcs" in font
                continue
            fonts[str(font.get("/BaseFont"))] = any(
                k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    return fonts


def test_pdf_embeds_a_noto_cjk_font(pdf_file: Path):
    """Boxes drawn for missing glyphs pass a dark-pixel count; the font itself does not lie
    (issue 11). Chromium subsets it: /BaseFont is like /ABCDEF+NotoSansCJKsc-Regular."""
    fonts = embedded_fonts(pdf_file)
    assert fonts and all(fonts.values()), fonts  # every font's glyphs are in the file
    cjk = {name: embedded for name, embedded in fonts.items() if "CJK" in name}
    if not all(name.startswith("Type3:") for name in fonts):
        assert any("Noto" in name for name in cjk), fonts


def test_pdf_first_page_renders(pdf_file: Path):
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf_file))
    try:
        image = doc[0].render(scale=1.5).to_pil()
    finally:
        doc.close()
    image.save(ARTIFACTS / f"brief_{ORG}_{YEAR}_p1.png")
    grey = image.convert("L")
    dark = sum(1 for px in grey.getdata() if px < 200)
    assert dark > 0.01 * grey.width * grey.height, "the first page is (nearly) blank"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "weibao", "brief", *args],
        capture_output=True,
        text=True,
        cwd=HERE.parent,
        timeout=300,
    )


def test_cli_writes_xlsx(published_warehouse: Path, tmp_path: Path):
    out = tmp_path / "brief.xlsx"
    done = run_cli(
        "--jurisdiction",
        ORG,
        "--year",
        str(YEAR),
        "-o",
        str(out),
        "--warehouse",
        str(published_warehouse),
    )
    assert done.returncode == 0, done.stderr
    assert out.is_file() and done.stdout.strip() == str(out)
    assert openpyxl.load_workbook(out).sheetnames == SHEETS


def test_cli_unknown_jurisdiction(published_warehouse: Path, tmp_path: Path):
    out = tmp_path / "brief.xlsx"
    done = run_cli(
        "--jurisdiction",
        "999999",
        "--year",
        str(YEAR),
        "-o",
        str(out),
        "--warehouse",
        str(published_warehouse),
    )
    assert done.returncode == 1
    assert "未知的辖区代码 999999" in done.stderr
    assert "Traceback" not in done.stderr and not out.exists()


def test_cli_year_without_data(published_warehouse: Path, tmp_path: Path):
    done = run_cli(
        "--jurisdiction",
        ORG,
        "--year",
        "1999",
        "-o",
        str(tmp_path / "b.pdf"),
        "--warehouse",
        str(published_warehouse),
    )
    assert done.returncode == 1 and "1999 年没有数据" in done.stderr
    assert "Traceback" not in done.stderr


PAGE_HARNESS = """
import runpy, sys
sys.path.insert(0, {dashboards!r})
import ui
ui.init_state()
runpy.run_path({page!r}, run_name="__main__")
"""


def test_brief_page(published_warehouse: Path):
    st.cache_data.clear()
    dashboards = HERE.parent / "dashboards"
    script = PAGE_HARNESS.format(
        dashboards=str(dashboards), page=str(dashboards / "views" / "brief.py")
    )
    at = AppTest.from_string(script, default_timeout=60).run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["会议简报"]
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["下载 Excel 简报", "下载 PDF 简报"]


def test_brief_reporting_counts_sum_the_quarters(published_warehouse, mart):
    # The brief and the Reporting page share one query; quarterly types must be one row a year.
    from weibao.brief import queries

    rows = queries.reporting_counts(published_warehouse, "330483", 2022)
    assert not rows.duplicated(["agency_code", "submission_type"]).any()
    quarters = mart(
        "select sum(expected_count) as n from fct_reporting_rates where org_unit_code = '330483' "
        "and year = 2022 and submission_type = 'committee_meetings'"
    ).n[0]
    meetings = rows[rows.submission_type == "committee_meetings"]
    assert len(meetings) == 1 and meetings.expected_count.iloc[0] == quarters == 4
