"""Suppression, screen by screen (issue 11): a county whose foster-family counts (an indicator
that counts children) are all below 5, in every year. No page, chart, export, brief or page
payload may show the counts, the rate or the gap; "<5" and a hidden-gap sentence take their
place. The figures are set by hand in a copy of the published warehouse, so every expected
value below is written out here, not computed by the code under test.
"""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
import sys
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import numpy as np
import openpyxl
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from weibao.suppression import suppress_frame

APP = "../dashboards/app.py"
COUNTY, CITY, YEAR = "350424", "3504", 2022  # 宁化县 in 三明市 (a document jurisdiction)
COUNTY_NAME = "宁化县"
CODE = "foster_family_compliance"  # counts_children = true in the catalog
NAME = "寄养家庭合规率"
# year: numerator, denominator, value, gap. Every count is below 5; none reaches the target.
ROWS = {
    2021: (3, 4, 75.00, 1),
    2022: (0, 2, 0.00, 2),
    2023: (1, 3, 33.33, 2),
    2024: (2, 3, 66.67, 1),
    2025: (1, 4, 25.00, 3),
}
# What these figures look like when printed (one decimal and %, as DESIGN.md writes rates).
RATES = ("75.0%", "0.0%", "33.3%", "66.7%", "25.0%", "75.00", "33.33", "66.67", "25.00")
GAP_WORDS = "户寄养家庭不符合条件"  # the indicator's gap template, whatever number precedes it
HIDDEN_GAP = "涉及儿童不足 5 名,差距不予显示"
HIDDEN_GAP_EN = "Fewer than 5 children: the gap is not shown"


@pytest.fixture(scope="module")
def small_warehouse(published_warehouse: Path, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("small") / "weibao.duckdb"
    shutil.copy(published_warehouse, path)
    con = duckdb.connect(str(path))
    try:
        name, kids = con.execute(
            "select name_zh, counts_children from dim_indicators where indicator_code = ?", [CODE]
        ).fetchone()
        assert (name, kids) == (NAME, True)
        con.execute(
            "delete from fct_indicator_values where indicator_code = ? and org_unit_code = ?",
            [CODE, COUNTY],
        )
        template = con.execute(
            "select * from fct_indicator_values where indicator_code = ? and level = 'county' "
            "and year = ? and org_unit_code <> ? limit 1",
            [CODE, YEAR, COUNTY],
        ).df()
        for year, (num, den, value, gap) in ROWS.items():
            row = template.copy()
            row[["org_unit_code", "year", "numerator", "denominator", "value"]] = [
                COUNTY, year, num, den, value,
            ]  # fmt: skip
            row[["comparator", "target_value", "status", "gap"]] = [">=", 100, "not_achieved", gap]
            con.register("new_row", row)
            con.execute("insert into fct_indicator_values by name select * from new_row")
            con.unregister("new_row")
        con.execute(
            "delete from fct_supervision_items where indicator_code = ? and org_unit_code = ?",
            [CODE, COUNTY],
        )
        con.execute(
            """insert into fct_supervision_items by name
               select 'indicator:' || ? || ':' || ? || ':' || ? as item_id,
                   'indicator' as item_kind, ? as jurisdiction_code, ? as org_unit_code,
                   'county' as level, ? as year, indicator_code, 'not_achieved' as status,
                   0.00 as value, 100.00 as target_value, 2.00 as gap,
                   '市民政局' as responsible_units_zh,
                   ? || '.civil_affairs' as responsible_member_units, source_doc, source_clause,
                   2021 as lagging_since, true as is_demo
               from dim_indicators where indicator_code = ?""",
            [CODE, COUNTY, YEAR, CITY, COUNTY, YEAR, CITY, CODE],
        )
    finally:
        con.close()
    return path


@pytest.fixture
def app(small_warehouse: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv("WEIBAO_WAREHOUSE", str(small_warehouse))
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["year"] = YEAR
    at.session_state["indicator_code"] = CODE
    return at


def open_page(at: AppTest, org: str, page: str) -> AppTest:
    at.session_state["org_unit_code"] = org
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def page_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(parts)


def chart_specs(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def numbers(array) -> list[float | None]:
    """A Plotly JSON array: a list, or typed binary ({'dtype': 'f8', 'bdata': base64})."""
    if isinstance(array, dict):
        raw = np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
        return [None if np.isnan(v) else float(v) for v in raw.astype(float)]
    return [None if v is None else float(v) for v in array]


def no_rates(text: str, where: str) -> None:
    for rate in RATES:  # not preceded by a digit: 100.0% is the target, not 0.0%
        assert not re.search(rf"(?<![\d.]){re.escape(rate)}", text), f"{where} shows {rate}"
    assert GAP_WORDS not in text, f"{where} tells the gap"


# ---- the data layer ------------------------------------------------------------------------


def test_suppress_frame_clears_small_counts_and_what_follows_from_them():
    frame = pd.DataFrame(
        {
            "indicator_code": ["kids", "kids", "kids", "villages"],
            "counts_children": [True, True, True, False],
            "numerator": [3, 0, 5, 2],
            "denominator": [120, 2, 5, 3],
            "value": [2.5, 0.0, 100.0, 66.67],
            "gap": [117.0, 2.0, 0.0, 1.0],
        }
    )
    out = suppress_frame(frame)
    assert out["suppressed"].tolist() == [True, True, False, False]
    # 3 of 120: the 3, the rate and the gap go; 120 alone tells nothing and stays
    assert pd.isna(out.loc[0, "numerator"]) and out.loc[0, "denominator"] == 120
    assert pd.isna(out.loc[0, "value"]) and pd.isna(out.loc[0, "gap"])
    assert out.loc[1, ["numerator", "denominator", "value", "gap"]].isna().all()
    assert out.loc[2, ["numerator", "denominator", "value", "gap"]].tolist() == [5, 5, 100, 0]
    # a count of villages is not a count of children
    assert out.loc[3, ["numerator", "denominator", "value", "gap"]].tolist() == [2, 3, 66.67, 1]
    again = suppress_frame(out)  # a cleared row stays suppressed when passed through twice
    assert again["suppressed"].tolist() == [True, True, False, False]


def test_dashboard_loaders_hand_out_no_small_count(small_warehouse: Path, monkeypatch):
    """The frames the pages receive (and Streamlit serialises to the browser) hold no hidden
    figure, for every loader that reads indicator values."""
    monkeypatch.setenv("WEIBAO_WAREHOUSE", str(small_warehouse))
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[1] / "dashboards"))
    st.cache_data.clear()
    sys.modules.pop("data", None)
    import data

    frames = {
        "unit_values": data.unit_values(COUNTY, YEAR).query("indicator_code == @CODE"),
        "child_values": data.child_values(CITY, CODE, YEAR).query("org_unit_code == @COUNTY"),
        "trend": data.trend(COUNTY, CODE),
        "unit_value": data.unit_value(COUNTY, CODE, YEAR),  # a village's own value (issue 7)
        "supervision_items": data.supervision_items(CITY, COUNTY, YEAR).query(
            "indicator_code == @CODE"
        ),
    }
    for name, frame in frames.items():
        assert len(frame), name
        assert frame["suppressed"].all(), name
        for col in ("numerator", "denominator", "value", "gap"):
            if col in frame.columns:
                assert frame[col].isna().all(), (name, col, frame[col].tolist())
    assert len(frames["trend"]) == len(ROWS)
    # the city's own row has large counts: it keeps its figures
    for city in (
        data.unit_values(CITY, YEAR).query("indicator_code == @CODE"),
        data.led_indicators(CITY, YEAR).query("indicator_code == @CODE"),
    ):
        assert len(city) and not city["suppressed"].any() and city["value"].notna().all()


# ---- screen by screen ----------------------------------------------------------------------


def test_overview_card(app: AppTest):
    open_page(app, COUNTY, "views/overview.py")
    card = [m for m in app.metric if m.label == NAME]
    assert [m.value for m in card] == ["<5"]
    text = page_text(app)
    assert HIDDEN_GAP in text
    assert GAP_WORDS not in text


def test_regions_table_and_chart(app: AppTest):
    open_page(app, CITY, "views/regions.py")
    table = app.dataframe[0].value.set_index("地区")
    row = table.loc[COUNTY_NAME]
    assert (row["数值"], row["分子"], row["分母"]) == ("<5", "<5", "<5")
    assert row["差距"] == HIDDEN_GAP
    (spec,) = chart_specs(app)
    found = []
    for trace in spec["data"]:
        if trace.get("type") == "bar" and COUNTY_NAME in trace["y"]:
            i = trace["y"].index(COUNTY_NAME)
            found.append((numbers(trace["x"])[i], trace["text"][i]))
    assert found, "宁化县 has no bar"
    for x, label in found:
        assert x is None, f"bar length {x} reveals the rate"
        assert label == "<5"
    no_rates(json.dumps([t for t in spec["data"] if COUNTY_NAME in t.get("y", [])]), "chart")


def test_indicator_trend_table_chart_and_csv(app: AppTest, downloads):
    open_page(app, COUNTY, "views/indicator.py")
    data = next(d.value for d in app.dataframe if "数值" in d.value.columns)
    assert data["年度"].tolist() == list(ROWS)
    for col in ("数值", "分子", "分母"):
        assert data[col].tolist() == ["<5"] * len(ROWS), col
    assert data["差距"].tolist() == [HIDDEN_GAP] * len(ROWS)
    (spec,) = chart_specs(app)
    value_trace = spec["data"][0]
    assert numbers(value_trace["y"]) == [None] * len(ROWS), value_trace["y"]
    assert value_trace["text"] == ["<5"] * len(ROWS)
    csv = [d for d, name in downloads if name and name.endswith(".csv") and CODE in name]
    assert csv, "no CSV download on the Indicator page"
    text = csv[-1].decode("utf-8-sig")
    assert text.count("<5") >= 3 * len(ROWS)
    no_rates(text, "indicator CSV")


def test_supervision_list_and_its_exports(app: AppTest, downloads):
    open_page(app, COUNTY, "views/supervision.py")
    table = app.dataframe[0].value
    row = table[table["事项"] == NAME]
    assert len(row) == 1
    assert row["数值"].iloc[0] == "<5"
    assert row["差距"].iloc[0] == HIDDEN_GAP
    for data, name in downloads:
        if name and name.endswith(".csv"):
            no_rates_in_row(data.decode("utf-8-sig"), "supervision CSV")
        elif name and name.endswith(".xlsx"):
            ws = openpyxl.load_workbook(io.BytesIO(data)).active
            for cells in ws.iter_rows(values_only=True):
                if NAME in cells:
                    no_rates_in_row(" ".join(str(c) for c in cells), "supervision xlsx")
    assert any(n and n.endswith(".xlsx") for _, n in downloads)


def no_rates_in_row(text: str, where: str) -> None:
    for line in text.splitlines():
        if NAME in line:
            assert "<5" in line, line
            no_rates(line, where)


# ---- the brief -------------------------------------------------------------------------------


def test_brief_xlsx(small_warehouse: Path):
    from weibao.brief import brief_xlsx

    wb = openpyxl.load_workbook(io.BytesIO(brief_xlsx(small_warehouse, COUNTY, YEAR)))
    found = 0
    for ws in wb.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        head = next((r for r in rows if "数值" in r), None)
        for cells in rows:
            assert not any(isinstance(c, str) and GAP_WORDS in c for c in cells), ws.title
            if NAME in cells and head is not None:
                found += 1
                assert cells[head.index("数值")] == "<5", (ws.title, cells)
                assert HIDDEN_GAP in cells, (ws.title, cells)
                no_rates(" ".join(str(c) for c in cells), f"brief xlsx {ws.title}")
    assert found == 2  # the 指标 sheet and the 督办清单 sheet


class _Rows(HTMLParser):
    """The text of each table row of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[str] = []
        self._open = False

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append("")
            self._open = True

    def handle_endtag(self, tag):
        if tag == "tr":
            self._open = False

    def handle_data(self, data):
        if self._open:
            self.rows[-1] += data + "|"


def test_brief_pdf(small_warehouse: Path):
    from weibao.brief import load
    from weibao.brief.pdf import brief_html

    page = brief_html(load(small_warehouse, COUNTY, YEAR), b"")
    parser = _Rows()
    parser.feed(page)
    rows = [r for r in parser.rows if r.startswith(NAME)]  # not the owners table
    assert len(rows) >= 2, rows  # indicators and supervision list (and the first page)
    for row in rows:
        assert HIDDEN_GAP in row
        no_rates(row, "brief HTML")
    assert any("<5|" in r for r in rows)
    assert GAP_WORDS not in page

    if shutil.which("chromium") is None:
        pytest.skip("Debian chromium is not installed (make system); the PDF brief needs it")
    from pypdf import PdfReader

    from weibao.brief import brief_pdf

    reader = PdfReader(io.BytesIO(brief_pdf(small_warehouse, COUNTY, YEAR)))
    text = unicodedata.normalize("NFKC", "\n".join(p.extract_text() for p in reader.pages))
    flat = re.sub(r"\s+", "", text)
    assert GAP_WORDS not in flat
    assert re.sub(r"\s+", "", HIDDEN_GAP) in flat
    assert "<5" in flat


def test_english_gap_word(app: AppTest):
    app.session_state["lang"] = "en"
    open_page(app, CITY, "views/regions.py")
    table = app.dataframe[0].value.set_index("Area")
    assert table.loc[COUNTY_NAME, "Gap"] == HIDDEN_GAP_EN
