"""The pages of issue 4 (Units, Supervision list, Six protections, Work plan, Methodology) and
the overview's new counts and links: each runs without an exception, shows its Chinese title,
and shows figures equal to the marts (queried here directly from the published file)."""

from __future__ import annotations

import io
import re
import shutil
import sys
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
import streamlit as st
import yaml
from streamlit.testing.v1 import AppTest

from weibao.i18n import DOMAINS, STATUSES

ROOT = Path(__file__).resolve().parent.parent
APP = "../dashboards/app.py"  # relative to this file
ORG, YEAR = "330483", 2022  # 桐乡市, a document jurisdiction, and the default year
sys.path.insert(0, str(ROOT / "dashboards"))
import exports  # noqa: E402
import test_browser  # noqa: E402

# The real-browser fixtures (Debian chromium, a streamlit server on a free port), shared.
ARTIFACTS = test_browser.ARTIFACTS
chromium, server, page = test_browser.chromium, test_browser.server, test_browser.page


@pytest.fixture
def app(published_warehouse: Path) -> AppTest:
    st.cache_data.clear()  # the cache outlives AppTest instances in one process
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception, at.exception
    return at


def open_page(at: AppTest, path: str, title: str) -> AppTest:
    at.switch_page(path).run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == [title]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def markdown_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_units_lists_every_member_unit_with_its_lagging_indicators(app: AppTest, mart):
    open_page(app, "views/units.py", "责任单位")
    labels = [e.label for e in app.expander]
    units = mart(
        """select m.name_zh, count(v.indicator_code) filter (where v.status = 'not_achieved'
                or p.progress_status in ('needs_acceleration', 'limited_progress',
                    'deteriorating')) as lagging
           from dim_member_units m
           left join dim_indicators i on position(';' || m.agency_code || ';'
               in ';' || i.responsible_units || ';') > 0
           left join fct_indicator_values v on v.indicator_code = i.indicator_code
               and v.org_unit_code = m.jurisdiction_code and v.year = ?
           left join fct_indicator_progress p on p.indicator_code = i.indicator_code
               and p.org_unit_code = m.jurisdiction_code and p.year = ?
           where m.jurisdiction_code = ? group by m.member_unit_id, m.name_zh""",
        [YEAR, YEAR, ORG],
    )
    assert len(labels) == len(units) > 0
    for name, lagging in zip(units["name_zh"], units["lagging"], strict=True):
        label = next(lb for lb in labels if lb.startswith(f"**{name}**"))
        assert (f"落后指标 {lagging}" in label) == (lagging > 0), label
    # Most behind first: lagging indicators + lagging tasks + missing submissions.
    behind = [
        sum(int(m.group(1)) for m in re.finditer(r"(?:落后指标|滞后任务|未报送) (\d+)", lb))
        for lb in labels
    ]
    assert behind == sorted(behind, reverse=True) and behind[0] > 0


def test_units_of_a_township_are_those_of_its_county(app: AppTest, mart):
    (township,) = mart(
        "select min(org_unit_code) from dim_org_units where parent_code = ?", [ORG]
    ).iloc[0]
    app.session_state["org_unit_code"] = township
    open_page(app, "views/units.py", "责任单位")
    assert any("桐乡市" in c.value for c in app.caption)
    (n,) = mart("select count(*) from dim_member_units where jurisdiction_code = ?", [ORG]).iloc[0]
    assert len(app.expander) == n


def test_supervision_list_counts_and_filters(app: AppTest, mart):
    open_page(app, "views/supervision.py", "督办清单")
    counts = mart(
        """select count(*) as total, count(*) filter (where item_kind = 'indicator') as ind,
                  count(*) filter (where coalesce(s.level, o.level) = 'county') as county
           from fct_supervision_items s join dim_org_units o using (org_unit_code)
           where jurisdiction_code = ? and year = ? and o.level <> 'village'""",
        [ORG, YEAR],
    ).iloc[0]
    assert counts["ind"] > 0
    shown = metrics(app)
    assert shown["督办事项"] == str(counts["total"])
    assert shown["指标事项"] == str(counts["ind"])
    assert len(app.dataframe[0].value) == counts["total"]
    labels = [b.proto.label for b in app.get("download_button")]
    assert labels == ["导出 CSV", "导出 Excel"]

    # A task item has no level of its own: it is filed under its jurisdiction's level.
    app.selectbox(key="sup_level").set_value("county").run()
    assert not app.exception, app.exception
    assert metrics(app)["督办事项"] == str(counts["county"])


def test_supervision_gap_and_clause_come_from_the_mart(app: AppTest, mart):
    open_page(app, "views/supervision.py", "督办清单")
    table = app.dataframe[0].value
    items = mart(
        """select s.org_unit_code, s.source_clause, s.lagging_since from fct_supervision_items s
           where s.jurisdiction_code = ? and s.year = ? and s.item_kind = 'indicator'
               and s.level <> 'village'""",
        [ORG, YEAR],
    )
    for clause in items["source_clause"].unique():
        assert table["依据"].str.startswith(clause).any(), clause
    assert set(table["滞后起始"]) >= {f"{y}年起" for y in items["lagging_since"]}
    assert table["差距"].str.len().gt(0).all()


def test_exported_files_carry_the_demo_marker():
    table = pd.DataFrame({"地区": ["桐乡市"], "差距": ["还有 7 个村(社区)未配备儿童主任"]})
    files = exports.files(table, "supervision_330483_2022", "桐乡市 2022年 督办清单", "督办清单",
                          demo=True, lang="zh")  # fmt: skip
    csv_name, xlsx_name = files
    assert csv_name == "supervision_330483_2022_示例数据.csv"
    assert files[csv_name].startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the Chinese
    assert pd.read_csv(io.BytesIO(files[csv_name]), encoding="utf-8-sig").equals(table)
    ws = openpyxl.load_workbook(io.BytesIO(files[xlsx_name])).active
    assert "示例数据" in ws["A1"].value and ws["A3"].value == "地区"
    assert ws["B4"].value == "还有 7 个村(社区)未配备儿童主任"


def test_six_protections_achieved_per_domain(app: AppTest, mart):
    open_page(app, "views/domains.py", "六大保护")
    rows = mart(
        """select i.protection_domain, count(*) filter (where v.status = 'achieved') as met,
                  count(*) filter (where v.target_value is not null) as total
           from fct_indicator_values v join dim_indicators i using (indicator_code)
           where v.org_unit_code = ? and v.year = ? group by 1""",
        [ORG, YEAR],
    )
    assert len(rows) > 0
    shown = metrics(app)
    for domain, met, total in rows.itertuples(index=False):
        assert shown[f"{DOMAINS[domain]['zh']} · 已达标"] == f"{met} / 共 {total} 项"
    assert [s.value for s in app.subheader][1:] == [d["zh"] for d in DOMAINS.values()]


def test_work_plan_lists_the_tasks(app: AppTest, mart):
    open_page(app, "views/work_plan.py", "工作要点")
    tasks = mart(
        "select task_id from dim_tasks where jurisdiction_code = ? and year <= ? order by 1",
        [ORG, YEAR],
    )
    assert metrics(app)["工作任务"] == str(len(tasks)) != "0"
    table = app.dataframe[0].value
    assert table["编号"].tolist() == tasks["task_id"].tolist()
    assert {"第1季度", "第2季度", "第3季度", "第4季度"} <= set(table.columns)


@pytest.fixture
def progress_warehouse(published_warehouse: Path, tmp_path: Path, monkeypatch) -> tuple:
    """A copy of the warehouse whose task progress is two known reports on one task."""
    path = tmp_path / "weibao.duckdb"
    shutil.copy(published_warehouse, path)
    con = duckdb.connect(str(path))
    try:
        task, a, b = con.execute(
            """select task_id, min(member_unit_id), max(member_unit_id)
               from bridge_task_member_units join dim_tasks using (task_id)
               where jurisdiction_code = ? group by 1 having count(*) > 1 order by 1 limit 1""",
            [ORG],
        ).fetchone()
        con.execute(
            """create or replace table fct_task_progress as
               select * from (values
                   (?, ?, 2022, 1, '2022Q1', 'done', '已完成', timestamp '2022-04-08', true),
                   (?, ?, 2022, 1, '2022Q1', 'lagging', '滞后', timestamp '2022-04-09', true)
               ) as v(task_id, member_unit_id, year, quarter, period, status, note,
                      received_at, is_demo)""",
            [task, a, task, b],
        )
    finally:
        con.close()
    monkeypatch.setenv("WEIBAO_WAREHOUSE", str(path))
    return task, a, b


def test_work_plan_cell_shows_the_least_advanced_report(progress_warehouse, app: AppTest):
    task, done_unit, lagging_unit = progress_warehouse
    open_page(app, "views/work_plan.py", "工作要点")
    table = app.dataframe[0].value.set_index("编号")
    assert table.loc[task, "第1季度"] == "滞后"
    assert table.loc[task, "第2季度"] == "未填报"
    app.selectbox(key="plan_unit").set_value(done_unit).run()
    assert app.dataframe[0].value.set_index("编号").loc[task, "第1季度"] == "已完成"
    open_page(app, "views/units.py", "责任单位")
    assert any("滞后任务 1" in e.label for e in app.expander)


def test_methodology_thresholds_come_from_dbt_project(app: AppTest):
    open_page(app, "views/methodology.py", "方法说明")
    dbt_vars = yaml.safe_load((ROOT / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]
    on_track, acceleration = dbt_vars["progress_on_track"], dbt_vars["progress_acceleration"]
    assert (on_track, acceleration) == (0.95, 0.6)
    shown = metrics(app)
    assert shown["进度正常:比值 ≥"] == f"{on_track:g}"
    assert shown["需加快:比值 ≥"] == f"{acceleration:g}"
    assert shown["年内容差 ±"] == f"{100 * dbt_vars['within_year_tolerance']:g}%"
    text = markdown_text(app)
    assert f"≥ {on_track:g}" in text and f"≥ {acceleration:g}" in text
    assert "Open SDG" in text and "TolaData" in text
    table = app.table[0].value
    assert len(table) == len(STATUSES)


def test_overview_counts_by_status_and_links(app: AppTest, mart):
    counts = mart(
        """select v.status, count(*) as n from fct_indicator_values v
           where v.org_unit_code = ? and v.year = ? group by 1""",
        [ORG, YEAR],
    )
    text = markdown_text(app)
    annual = next(line for line in text.splitlines() if line.startswith("**年度状态**"))
    for code, n in counts.itertuples(index=False):
        assert f"{STATUSES[code].zh}] {n}" in annual
    (items,) = mart(
        """select count(*) from fct_supervision_items
           where jurisdiction_code = ? and year = ? and coalesce(level, '') <> 'village'""",
        [ORG, YEAR],
    ).iloc[0]
    links = {p.proto.page for p in app.get("page_link")}
    assert links == {"supervision", "units", "domains"}
    assert f"督办清单({items} 项)" in [p.proto.label for p in app.get("page_link")]


@pytest.mark.parametrize(
    "path, title",
    [
        ("views/units.py", "Units"),
        ("views/supervision.py", "Supervision list"),
        ("views/domains.py", "Six protections"),
        ("views/work_plan.py", "Work plan"),
        ("views/methodology.py", "Methodology"),
    ],
)
def test_pages_in_english(app: AppTest, path: str, title: str):
    app.radio(key="_w_lang").set_value("en").run()
    open_page(app, path, title)


@pytest.mark.browser
@pytest.mark.parametrize(
    "url, title",
    [
        ("units", "责任单位"),
        ("supervision", "督办清单"),
        ("domains", "六大保护"),
        ("work_plan", "工作要点"),
        ("methodology", "方法说明"),
    ],
)
def test_new_pages_render_in_chromium(server: str, page, url: str, title: str):
    """Deep link, Chinese heading, a table (or the units' expanders) drawn, no exception; a
    screenshot to look at."""
    page.goto(f"{server}/{url}", wait_until="domcontentloaded")
    page.get_by_role("heading", name=title, exact=True).wait_for(timeout=60_000)
    drawn = '[data-testid="stDataFrame"], [data-testid="stTable"], [data-testid="stExpander"]'
    page.locator(drawn).first.wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(ARTIFACTS / f"{url}.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0
