"""The dashboard at national scale (issue 7, leaders): the search picker with the path, a
village's own values, paging of many areas, the supervision list grouped above the county,
villages' own items only below the county, and the view kept in the URL.

Expected values come from the published file through small queries of their own (the path
from parent codes, the grouping by walking parents in Python), not from dashboards/data.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from weibao.i18n import fmt_value

APP = "../dashboards/app.py"  # relative to this file
YEAR = 2022


@pytest.fixture
def app(published_warehouse: Path) -> AppTest:
    st.cache_data.clear()  # the cache outlives AppTest instances in one process
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture(scope="module")
def units(published_warehouse: Path) -> pd.DataFrame:
    import duckdb

    con = duckdb.connect(str(published_warehouse), read_only=True)
    try:
        return con.execute(
            "select org_unit_code, org_unit_name, level, parent_code from dim_org_units"
        ).df()
    finally:
        con.close()


def path_of(units: pd.DataFrame, code: str) -> list[str]:
    """Names from the province down to the unit, by walking parent codes."""
    by_code = units.set_index("org_unit_code")
    names: list[str] = []
    while isinstance(code, str) and code in by_code.index:
        names.insert(0, by_code.at[code, "org_unit_name"])
        code = by_code.at[code, "parent_code"]
    return names


def ancestor_at(units: pd.DataFrame, code: str, level: str) -> str | None:
    by_code = units.set_index("org_unit_code")
    while isinstance(code, str) and code in by_code.index:
        if by_code.at[code, "level"] == level:
            return code
        code = by_code.at[code, "parent_code"]
    return None


def go(at: AppTest, page: str, code: str) -> AppTest:
    at.session_state["org_unit_code"] = code
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def test_search_by_name_shows_the_path_and_picks(app: AppTest, units: pd.DataFrame):
    app.text_input(key="_w_unit_search").input("桐乡").run()
    hits = app.selectbox(key="_w_unit_hits")
    above = " › ".join(path_of(units, "330483")[:-1])
    assert above == "浙江省 › 嘉兴市"
    assert hits.options[0] == f"桐乡市(330483) · {above}"  # the exact name... or first match
    hits.set_value("330483").run()
    assert not app.exception, app.exception
    assert app.session_state["org_unit_code"] == "330483"
    assert app.text_input(key="_w_unit_search").value == ""  # the search is cleared


def test_search_by_code_finds_a_village_with_its_whole_path(app: AppTest, units: pd.DataFrame):
    village = units[units["level"] == "village"].sort_values("org_unit_code").iloc[-1]
    app.text_input(key="_w_unit_search").input(village["org_unit_code"]).run()
    hits = app.selectbox(key="_w_unit_hits")
    names = path_of(units, village["org_unit_code"])
    assert len(names) == 5  # 省 › 市 › 县 › 乡 › 村
    above = " › ".join(names[:-1])
    wanted = f"{village['org_unit_name']}({village['org_unit_code']}) · {above}"
    assert hits.options == [wanted]
    hits.set_value(village["org_unit_code"]).run()
    assert app.session_state["org_unit_code"] == village["org_unit_code"]
    assert any(" › ".join(names) in c.value for c in app.caption)  # the page header's path


def test_search_never_lists_more_than_the_limit(app: AppTest, units: pd.DataFrame):
    app.text_input(key="_w_unit_search").input("村").run()
    matches = int(units["org_unit_name"].str.contains("村", regex=False).sum())
    assert matches > 30
    assert len(app.selectbox(key="_w_unit_hits").options) == 30
    assert any("只列出前 30 个" in c.value for c in app.caption)
    app.text_input(key="_w_unit_search").input("没有这个地方").run()
    assert any("没有名称或代码与" in c.value for c in app.caption)


@pytest.mark.parametrize("text", ["桐乡", "村", "镇", "3304", "330483001", "没有这个地方"])
def test_search_loader_ranks_and_paths_every_hit(published_warehouse: Path, units, text: str):
    """data.search_units against a ranking of its own over dim_org_units: exact code or name
    first, then names that start with the text, then the rest; higher levels first; by code.
    Digits search codes only, and every hit's path is its ancestors' names."""
    import dashboards.data as data

    st.cache_data.clear()
    rank_of_level = {"province": 1, "city": 2, "county": 3, "township": 4, "village": 5}
    u = units.copy()
    if text.isdigit():
        hit = u["org_unit_code"].str.startswith(text)
    else:
        hit = u["org_unit_name"].str.contains(text, regex=False)
    u = u[hit].copy()
    u["rank_match"] = 2
    u.loc[u["org_unit_name"].str.startswith(text), "rank_match"] = 1
    u.loc[(u["org_unit_code"] == text) | (u["org_unit_name"] == text), "rank_match"] = 0
    u["level_rank"] = u["level"].map(rank_of_level)
    wanted = u.sort_values(["rank_match", "level_rank", "org_unit_code"]).head(12)
    got = data.search_units(text, 12)
    assert list(got["org_unit_code"]) == list(wanted["org_unit_code"])
    for code, path in zip(got["org_unit_code"], got["path"], strict=True):
        assert path == " › ".join(path_of(units, code)[:-1])


def test_units_below_step_down_the_tree(app: AppTest, units: pd.DataFrame):
    below = app.selectbox(key="_w_units_below")
    kids = units[units["parent_code"] == "330483"].sort_values("org_unit_code")
    assert below.options == kids["org_unit_name"].tolist()
    below.set_value(kids["org_unit_code"].iloc[0]).run()
    assert app.session_state["org_unit_code"] == kids["org_unit_code"].iloc[0]
    app.button(key="path_330483").click().run()  # back up along the path
    assert app.session_state["org_unit_code"] == "330483"


def test_village_shows_its_own_value(app: AppTest, mart):
    row = mart(
        """select v.org_unit_code, v.indicator_code, v.value, i.name_zh
           from fct_indicator_values v join dim_indicators i using (indicator_code)
           where v.level = 'village' and v.year = ? and not i.counts_children
           order by v.org_unit_code, i.sort_order limit 1""",
        [YEAR],
    ).iloc[0]
    app.session_state["indicator_code"] = row["indicator_code"]
    go(app, "views/regions.py", row["org_unit_code"])
    ind = mart("select * from dim_indicators where indicator_code = ?", [row["indicator_code"]])
    metric = next(m for m in app.metric if m.label == row["name_zh"])
    assert metric.value == fmt_value(row["value"], ind.iloc[0].to_dict(), "zh")
    assert not any("已是最低一级" in i.value for i in app.info)


def test_regions_page_many_areas(app: AppTest, mart):
    parent = mart(
        """select o.parent_code, count(*) as n from dim_org_units o
           join fct_indicator_values v on v.org_unit_code = o.org_unit_code
           where v.indicator_code = 'child_director_coverage' and v.year = ?
           group by 1 order by n desc, 1 limit 1""",
        [YEAR],
    ).iloc[0]
    assert parent["n"] > 50, "the demo needs an area with many areas below it"
    children = mart(
        """select o.org_unit_code, o.org_unit_name, v.value from dim_org_units o
           join fct_indicator_values v on v.org_unit_code = o.org_unit_code
           where o.parent_code = ? and v.indicator_code = 'child_director_coverage'
               and v.year = ?
           order by v.value nulls first, o.org_unit_code""",
        [parent["parent_code"], YEAR],
    )
    app.session_state["indicator_code"] = "child_director_coverage"
    go(app, "views/regions.py", parent["parent_code"])
    assert [t.label for t in app.tabs] == ["最低 10 个", "最高 10 个"]
    table = app.dataframe[0].value
    pages = -(-len(children) // 25)
    assert table["地区"].tolist() == children["org_unit_name"].iloc[:25].tolist()
    assert f"第 1 / {pages} 页,共 {len(children)} 个地区" in [c.value for c in app.caption]

    app.number_input(key=f"page_{parent['parent_code']}_").set_value(2).run()
    assert app.dataframe[0].value["地区"].tolist() == children["org_unit_name"].iloc[25:50].tolist()

    word = children["org_unit_name"].iloc[-1][:2]
    app.text_input(key=f"find_{parent['parent_code']}").input(word).run()
    wanted = children[children["org_unit_name"].str.contains(word, regex=False)]
    assert app.dataframe[0].value["地区"].tolist() == wanted["org_unit_name"].iloc[:25].tolist()


def test_supervision_above_the_county_is_grouped(app: AppTest, mart, units: pd.DataFrame):
    province = "35"
    items = mart(
        """select s.org_unit_code, s.item_kind, s.status,
               coalesce(s.level, o.level) as level
           from fct_supervision_items s join dim_org_units o using (org_unit_code)
           where s.year = ?""",
        [YEAR],
    )
    items = items[items["level"] != "village"]
    items["city"] = [ancestor_at(units, c, "city") for c in items["org_unit_code"]]
    counted = items.groupby("city").agg(
        n=("status", "size"), missed=("status", lambda s: int((s == "not_achieved").sum()))
    )
    go(app, "views/supervision.py", province)
    table = app.dataframe[0].value
    cities = units[units["parent_code"] == province]
    assert len(table) == len(cities)
    by_name = table.set_index("地区")
    for code, name in zip(cities["org_unit_code"], cities["org_unit_name"], strict=True):
        n = int(counted["n"].get(code, 0))
        assert by_name.at[name, "落后事项"] == n, name
        assert by_name.at[name, "其中未达标"] == int(counted["missed"].get(code, 0)), name
    assert table["其中未达标"].is_monotonic_decreasing  # worst first
    assert counted["n"].sum() > 0

    worst = cities.set_index("org_unit_name").at[table["地区"].iloc[0], "org_unit_code"]
    app.selectbox(key="sup_open_area").set_value(worst).run()
    assert app.session_state["org_unit_code"] == worst


def test_villages_items_only_at_township_or_village(app: AppTest, mart):
    township = mart(
        """select o.township_code, s.jurisdiction_code, count(*) as n
           from fct_supervision_items s join dim_org_units o using (org_unit_code)
           where s.year = ? and s.level = 'village'
           group by 1, 2 order by n desc, 1 limit 1""",
        [YEAR],
    ).iloc[0]
    county = mart(
        "select parent_code from dim_org_units where org_unit_code = ?",
        [township["township_code"]],
    ).iloc[0, 0]
    go(app, "views/supervision.py", county)
    assert "村(社区)" not in set(app.dataframe[0].value["层级"])
    go(app, "views/supervision.py", township["township_code"])
    (expected,) = mart(
        """select count(*) from fct_supervision_items s join dim_org_units o using (org_unit_code)
           where s.year = ? and s.jurisdiction_code = ? and ? in (o.org_unit_code, o.township_code)""",
        [YEAR, township["jurisdiction_code"], township["township_code"]],
    ).iloc[0]
    table = app.dataframe[0].value
    assert (table["层级"] == "村(社区)").sum() == township["n"]
    assert len(table) == expected


def test_view_lives_in_the_url(published_warehouse: Path, mart):
    township = mart(
        "select min(org_unit_code) from dim_org_units where parent_code = '330483'"
    ).iloc[0, 0]
    st.cache_data.clear()
    link = AppTest.from_file(APP, default_timeout=90)
    link.query_params.update(
        {"lang": "en", "org": township, "year": "2023", "indicator": "child_director_coverage"}
    )
    link.run()
    assert not link.exception, link.exception
    assert [t.value for t in link.title] == ["Overview"]
    assert link.session_state["org_unit_code"] == township
    assert link.session_state["year"] == 2023
    link.switch_page("views/regions.py").run()
    assert [t.value for t in link.title] == ["Regions"]
    assert link.selectbox(key="_w_indicator_code").value == "child_director_coverage"
    assert link.query_params == {
        "lang": "en", "org": township, "year": "2023", "indicator": "child_director_coverage"
    }  # fmt: skip

    # A refresh is a new session on the same URL: the same view, still in English.
    again = AppTest.from_file(APP, default_timeout=90)
    again.query_params.update(link.query_params)
    again.run()
    assert [t.value for t in again.title] == ["Overview"]
    assert again.session_state["org_unit_code"] == township

    # Choices made on the page go into the URL.
    again.radio(key="_w_lang").set_value("zh").run()
    assert again.query_params["lang"] == "zh"
    assert [t.value for t in again.title] == ["总览"]


def test_a_bad_link_falls_back(published_warehouse: Path):
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update({"lang": "xx", "org": "999999", "year": "abc"})
    at.run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["总览"]
    assert at.query_params["org"] != "999999"


SMALL = "entrusted_care_agreement_rate"  # counts children; most villages have fewer than 5


def test_village_value_of_few_children_is_suppressed(app: AppTest, mart, monkeypatch):
    """A village's own value from fewer than 5 children shows "<5", in the page and in the
    frame the loader hands out, and its gap is hidden."""
    row = mart(
        """select v.org_unit_code, v.numerator, v.denominator, v.value, i.name_zh
           from fct_indicator_values v join dim_indicators i using (indicator_code)
           where v.level = 'village' and v.year = ? and v.indicator_code = ?
               and i.counts_children and v.numerator between 1 and 4 and v.value > 0
               and v.status = 'not_achieved'
           order by v.org_unit_code limit 1""",
        [YEAR, SMALL],
    ).iloc[0]
    app.session_state["indicator_code"] = SMALL
    go(app, "views/regions.py", row["org_unit_code"])
    metric = next(m for m in app.metric if m.label == row["name_zh"])
    assert metric.value == "<5"
    text = "\n".join(m.value for m in app.markdown)
    assert "涉及儿童不足 5 名,差距不予显示" in text
    rate = f"{row['value']:.1f}%"
    assert rate not in text and rate not in metric.value

    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[1] / "dashboards"))
    import data

    own = data.unit_value(row["org_unit_code"], SMALL, YEAR)
    assert own["suppressed"].tolist() == [True]
    assert own[["numerator", "value", "gap"]].isna().all().all()


def test_ranking_leaves_out_suppressed_areas(app: AppTest, mart):
    """With many areas, the lowest and highest charts rank only areas whose value can be
    shown: a "<5" area's place in a ranking would tell its value."""
    parent = mart(
        """select o.parent_code from dim_org_units o
           join fct_indicator_values v on v.org_unit_code = o.org_unit_code
           where v.indicator_code = ? and v.year = ?
           group by 1
           having count(*) > 20 and sum(case when v.numerator < 5 or v.denominator < 5
               then 1 else 0 end) between 1 and count(*) - 1
           order by 1 limit 1""",
        [SMALL, YEAR],
    ).iloc[0, 0]
    kids = mart(
        """select o.org_unit_name, v.numerator, v.denominator from dim_org_units o
           join fct_indicator_values v on v.org_unit_code = o.org_unit_code
           where o.parent_code = ? and v.indicator_code = ? and v.year = ?""",
        [parent, SMALL, YEAR],
    )
    shown_ok = set(kids[(kids["numerator"] >= 5) & (kids["denominator"] >= 5)]["org_unit_name"])
    app.session_state["indicator_code"] = SMALL
    go(app, "views/regions.py", parent)
    assert [t.label for t in app.tabs] == ["最低 10 个", "最高 10 个"]
    ranked = set()
    for chart in app.get("plotly_chart"):
        for trace in json.loads(chart.proto.spec)["data"]:
            if trace.get("type") == "bar":
                ranked |= set(trace["y"])
    assert ranked and ranked <= shown_ok, ranked - shown_ok
