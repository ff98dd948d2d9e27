"""Each dashboard page runs without an exception and shows what the marts hold.

Enters through dashboards/app.py with AppTest and switches to each page (the page path is
relative to the main script); expected figures are queried from the published file directly.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from weibao.i18n import fmt_target, fmt_value, status

APP = "../dashboards/app.py"  # relative to this file
ORG, YEAR = "330483", 2022  # the default jurisdiction and year


def query(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def indicator_row(path: Path, code: str) -> dict:
    con = duckdb.connect(str(path), read_only=True)
    try:
        cur = con.execute("select * from dim_indicators where indicator_code = ?", [code])
        names = [d[0] for d in cur.description]
        return dict(zip(names, cur.fetchone(), strict=True))
    finally:
        con.close()


@pytest.fixture
def app(published_warehouse: Path) -> AppTest:
    st.cache_data.clear()  # the cache outlives AppTest instances in one process
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def markdown_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_overview_counts_and_cards(app: AppTest, published_warehouse: Path):
    assert [t.value for t in app.title] == ["总览"]
    achieved, with_target = query(
        published_warehouse,
        """select count(*) filter (where status = 'achieved'),
                  count(*) filter (where target_value is not null)
           from fct_indicator_values where org_unit_code = ? and year = ?""",
        [ORG, YEAR],
    )[0]
    assert app.metric[0].label == "已达标"
    assert app.metric[0].value == f"{achieved} / 共 {with_target} 项"

    rows = query(
        published_warehouse,
        """select v.indicator_code, i.name_zh, v.value, v.status
           from fct_indicator_values v join dim_indicators i using (indicator_code)
           where v.org_unit_code = ? and v.year = ? order by i.sort_order""",
        [ORG, YEAR],
    )
    assert rows, "no values for 桐乡市 2022 in the mart"
    cards = {m.label: m.value for m in app.metric}
    for code, name_zh, value, code_status in rows:
        ind = indicator_row(published_warehouse, code)
        if not ind["counts_children"]:
            assert cards[name_zh] == fmt_value(value, ind, "zh")
        assert status(code_status).zh in markdown_text(app)


def _mixed_copy(published: Path, tmp_path: Path) -> Path:
    """A copy of the demo warehouse in which every value and every target is made real
    (is_demo false, demo targets stated), so each badge a test expects is one it put there."""
    path = tmp_path / "mixed.duckdb"
    shutil.copy(published, path)
    con = duckdb.connect(str(path))
    try:
        con.execute(
            "update fct_indicator_values set is_demo = false, target_is_demo = false, "
            "target_basis = case when target_basis = 'demo' then 'stated' else target_basis end"
        )
        con.execute(
            "update dim_targets set is_demo = false, "
            "basis = case when basis = 'demo' then 'stated' else basis end"
        )
    finally:
        con.close()
    return path


def _overview(path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("WEIBAO_WAREHOUSE", str(path))
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def test_demo_badge_on_mixed_data(published_warehouse: Path, tmp_path: Path, monkeypatch):
    """Real figures against stated targets carry no 示例数据 badge; one demo target alone
    (for one indicator of the unit shown) brings the badge back, and its card says 示例目标."""
    path = _mixed_copy(published_warehouse, tmp_path)
    real = _overview(path, monkeypatch)
    assert "示例数据" not in markdown_text(real)
    assert "示例目标" not in markdown_text(real)

    # published as a build publishes: a new file replaces the served one (the dashboard's
    # reader holds the served file open, so it is never written in place)
    edited = tmp_path / "mixed-edited.duckdb"
    shutil.copy(path, edited)
    con = duckdb.connect(str(edited))
    try:
        con.execute(
            "update fct_indicator_values set target_is_demo = true, target_basis = 'demo' "
            "where indicator_code = 'child_director_coverage' and org_unit_code = ? "
            "and year = ?",
            [ORG, YEAR],
        )
    finally:
        con.close()
    os.replace(edited, path)
    one_demo_target = _overview(path, monkeypatch)
    assert "示例数据" in markdown_text(one_demo_target)
    assert markdown_text(one_demo_target).count("示例目标") == 1


def test_derived_target_is_marked_with_its_derivation(app: AppTest, published_warehouse: Path):
    """桐乡市 2022: the child-director target reads 有效发挥…作用 as 100% (derived, by hand in
    targets.csv); its card carries 推定目标 and the tooltip gives what was read."""
    (note,) = query(
        published_warehouse,
        "select derivation_note from dim_targets where indicator_code = "
        "'child_director_coverage' and org_unit_code = ? and year = ?",
        [ORG, YEAR],
    )[0]
    assert "发挥" in note
    marked = [m for m in app.markdown if "推定目标" in m.value]
    assert marked, "no 推定目标 badge on the overview"
    assert any(note in m.proto.help for m in marked)


def test_english_toggle(app: AppTest):
    app.radio(key="_w_lang").set_value("en").run()
    assert not app.exception
    assert [t.value for t in app.title] == ["Overview"]
    assert app.metric[0].label == "Targets met"
    app.switch_page("views/regions.py").run()
    assert [t.value for t in app.title] == ["Regions"]


def test_regions_lists_children_and_drills(app: AppTest, published_warehouse: Path):
    app.switch_page("views/regions.py").run()
    assert not app.exception, app.exception
    assert [t.value for t in app.title] == ["地区"]
    code = app.session_state["indicator_code"]
    children = query(
        published_warehouse,
        """select o.org_unit_code, o.org_unit_name, v.value from fct_indicator_values v
           join dim_org_units o using (org_unit_code)
           where o.parent_code = ? and v.indicator_code = ? and v.year = ?
           order by v.value nulls first, o.org_unit_code""",
        [ORG, code, YEAR],
    )
    assert children, "no township values under 桐乡市"
    table = app.dataframe[0].value
    assert table["地区"].tolist() == [name for _, name, _ in children]
    ind = indicator_row(published_warehouse, code)
    if not ind["counts_children"]:
        assert table["数值"].iloc[0] == fmt_value(children[0][2], ind, "zh")

    app.selectbox(key=f"drill_{ORG}").set_value(children[0][0]).run()
    assert not app.exception, app.exception
    assert app.session_state["org_unit_code"] == children[0][0]
    app.button(key=f"crumb_{ORG}").click().run()
    assert app.session_state["org_unit_code"] == ORG


def test_indicator_page(app: AppTest, published_warehouse: Path):
    app.switch_page("views/indicator.py").run()
    assert not app.exception, app.exception
    assert [t.value for t in app.title] == ["指标"]
    code = app.session_state["indicator_code"]
    ind = indicator_row(published_warehouse, code)
    assert ind["name_zh"] in [s.value for s in app.subheader]
    assert ind["source_clause"] in markdown_text(app)
    years = query(
        published_warehouse,
        """select year, value from fct_indicator_values
           where org_unit_code = ? and indicator_code = ? order by year""",
        [ORG, code],
    )
    data = next(d.value for d in app.dataframe if "数值" in d.value.columns)
    assert data["年度"].tolist() == [y for y, _ in years]
    if not ind["counts_children"]:
        assert data["数值"].tolist() == [fmt_value(v, ind, "zh") for _, v in years]
    (target,) = query(
        published_warehouse,
        """select comparator, target_value, target_value_high from fct_indicator_values
           where org_unit_code = ? and indicator_code = ? and year = ?""",
        [ORG, code, YEAR],
    )
    if target[1] is not None:
        row = dict(zip(("comparator", "target_value", "target_value_high"), target, strict=True))
        assert f"2022年目标**: {fmt_target(row, ind, 'zh')}" in markdown_text(app)


def test_staff_check_breakdown_by_sector(app: AppTest, published_warehouse: Path):
    app.switch_page("views/indicator.py").run()
    app.selectbox(key="_w_indicator_code").set_value("staff_check_annual_rate").run()
    assert not app.exception, app.exception
    sectors = query(
        published_warehouse,
        "select count(*) from fct_staff_checks_by_sector where org_unit_code = ? and year = ?",
        [ORG, YEAR],
    )[0][0]
    assert sectors > 0
    assert "分行业查询情况" in [s.value for s in app.subheader]
    assert len(app.dataframe[-1].value) == sectors


def test_missing_warehouse_says_run_build(published_warehouse, monkeypatch, tmp_path):
    monkeypatch.setenv("WEIBAO_WAREHOUSE", str(tmp_path / "nothing.duckdb"))
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert any("weibao build" in e.value for e in at.error)
