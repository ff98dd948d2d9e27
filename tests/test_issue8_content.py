"""Content the catalog first missed (issue 8): each new indicator reaches the marts, the
dashboard and the brief, from demo submissions of its own type. Expected figures come from the
submitted files (read straight from the demo store) and from targets.csv, computed here."""

from __future__ import annotations

import io
import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from weibao.brief import brief_xlsx
from weibao.store import read_manifest

YONGNING, NAIMAN, FUJIAN = "640121", "150525", "35"
APP = "../dashboards/app.py"
REFS = Path(__file__).resolve().parents[1] / "seeds" / "reference"
NEW = {
    "minor_victim_case_count": ("minor_victim_cases", "cases_filed", YONGNING),
    "poverty_dropout_count": ("poverty_dropouts", "poverty_dropouts", FUJIAN),
    "child_labour_violation_count": ("child_labour_inspections", "employers_violating", YONGNING),
    "minor_sales_violation_count": ("minor_sales_inspections", "outlets_violating", NAIMAN),
    "holiday_patrol_rounds": ("holiday_patrols", "patrol_rounds", YONGNING),
    "housing_activity_room_rate": ("housing_activity_rooms", "projects_compliant", NAIMAN),
}


def submitted(store: Path, stype: str, year: int, under: str) -> pd.DataFrame:
    """The latest accepted file of a type for every county under `under`, read from the store."""
    m = read_manifest(store)
    m = m[(m.submission_type == stype) & (m.period == str(year)) & (m.status == "accepted")]
    m = m[m.jurisdiction_code.str.startswith(under)].sort_values("received_at")
    paths = m.groupby("jurisdiction_code").stored_path.last()
    return pd.concat([pd.read_csv(store / p, dtype={"org_unit_code": str}) for p in paths])


def target(code: str, org: str, year: int) -> pd.Series:
    t = pd.read_csv(REFS / "targets.csv", dtype=str, keep_default_na=False)
    return t[(t.indicator_code == code) & (t.org_unit_code == org) & (t.year == str(year))].iloc[0]


@pytest.mark.parametrize("code", list(NEW))
def test_new_indicator_in_the_marts(code, mart, demo_store):
    stype, column, org = NEW[code]
    year = 2025 if code == "minor_victim_case_count" else 2023
    files = submitted(demo_store, stype, year, org)
    row = mart(
        "select * from fct_indicator_values where indicator_code = ? and org_unit_code = ? "
        "and year = ?",
        [code, org, year],
    ).iloc[0]
    assert int(row.numerator) == int(files[column].sum())
    assert bool(row.is_demo)
    expected_basis = "stated" if code == "poverty_dropout_count" else "derived"
    assert row.target_basis == expected_basis
    assert row.status in ("achieved", "not_achieved")


def test_marked_fall_from_2021_by_hand(mart, demo_store):
    """明显下降 read as at least 10% below 2021: 永宁县 filed 40 cases in 2021, so at most
    floor(40 × 0.9) = 36 in 2025; its 2025 count decides status and gap."""
    base = int(submitted(demo_store, "minor_victim_cases", 2021, YONGNING).cases_filed.sum())
    now = int(submitted(demo_store, "minor_victim_cases", 2025, YONGNING).cases_filed.sum())
    t = target("minor_victim_case_count", YONGNING, 2025)
    ceiling = math.floor(base * (100 - float(t.target_value)) / 100)
    row = mart(
        "select * from fct_indicator_values where indicator_code = 'minor_victim_case_count' "
        "and org_unit_code = ? and year = 2025",
        [YONGNING],
    ).iloc[0]
    assert (row.comparator, float(row.target_value)) == ("<=", ceiling)
    assert row.status == ("achieved" if now <= ceiling else "not_achieved")
    assert float(row.gap) == max(now - ceiling, 0)
    # no target before 2025: the clause is the plan's 2025 outcome
    earlier = mart(
        "select distinct status from fct_indicator_values where indicator_code = "
        "'minor_victim_case_count' and org_unit_code = ? and year < 2025",
        [YONGNING],
    )
    assert set(earlier.status) == {"no_target"}


def test_lower_is_better_progress_by_hand(mart, demo_store):
    """Pace to 2025 of a falling count, by Open SDG's growth rates (both negative when it
    falls), computed here from the files."""
    base = int(submitted(demo_store, "minor_victim_cases", 2021, YONGNING).cases_filed.sum())
    now = int(submitted(demo_store, "minor_victim_cases", 2023, YONGNING).cases_filed.sum())
    ceiling = math.floor(base * 0.9)
    observed = (now / base) ** (1 / 2) - 1
    required = (ceiling / base) ** (1 / 4) - 1
    ratio = observed / required
    expected = (
        "achieved"
        if now <= ceiling
        else "deteriorating"
        if ratio < 0
        else "on_track"
        if ratio >= 0.95
        else "needs_acceleration"
        if ratio >= 0.6
        else "limited_progress"
    )
    row = mart(
        "select * from fct_indicator_progress where indicator_code = 'minor_victim_case_count' "
        "and org_unit_code = ? and year = 2023",
        [YONGNING],
    ).iloc[0]
    assert row.progress_status == expected
    if expected != "achieved":
        assert float(row.progress_ratio) == pytest.approx(ratio, abs=1e-3)


def test_new_indicators_on_the_dashboard(published_warehouse):
    """永宁县 2025's overview shows the case count with its 推定目标 badge."""
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["org_unit_code"] = YONGNING
    at.session_state["year"] = 2025
    at.run()
    assert not at.exception, at.exception
    labels = [m.label for m in at.metric]
    assert "侵害未成年人合法权益案件数" in labels
    assert "农村留守儿童寒暑期巡查轮次" in labels
    marked = [m for m in at.markdown if "推定目标" in m.value]
    assert any("明显" in m.proto.help for m in marked)


def test_new_indicators_in_the_brief(published_warehouse):
    wb = openpyxl.load_workbook(io.BytesIO(brief_xlsx(published_warehouse, NAIMAN, 2023)))
    rows = [r for r in wb["指标"].iter_rows(min_row=3, values_only=True) if r[0]]
    by_name = {r[0]: r for r in rows}
    room = by_name["新建住宅未成年人活动场所“三同步”比例"]
    assert "推定目标" in str(room[4])  # the target cell carries the mark
    assert "指导监督" in str(room[10])  # and the derivation is written out
    assert "向未成年人销售烟酒彩票的网点占比" in by_name
