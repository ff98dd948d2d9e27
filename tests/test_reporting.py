"""Completeness and timeliness: the schedule (from the definition files), fct_submission_status and the Reporting page.

Expected statuses are computed here from the demo store's manifest with pandas, independently of
the dbt SQL: a key is late when its first accepted submission arrived after the end of the
deadline day in China Standard Time (UTC+8).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
import yaml
from streamlit.testing.v1 import AppTest

from weibao.demo import calibration
from weibao.paths import ROOT
from weibao.store import read_manifest
from weibao.submission_types import SUBMISSION_TYPES

# The demo's deliberately missing submissions, from its calibration file (data, not code).
MISSING_SUBMISSIONS = calibration()["missing_submissions"]

APP = "../dashboards/app.py"  # relative to this file
DEFINITIONS = ROOT / "expectations"
KEY = ["submission_type", "agency_code", "jurisdiction_code", "period"]


def years() -> list[int]:
    config = yaml.safe_load((ROOT / "dbt_project.yml").read_text(encoding="utf-8"))
    return list(range(config["vars"]["first_year"], config["vars"]["last_year"] + 1))


def schedule() -> pd.DataFrame:
    """Who must submit what, read here with plain YAML from the definition files (not through
    weibao.submission_types): one row per type × submitting agency of the types expected from
    every county."""
    rows = []
    for path in sorted(DEFINITIONS.glob("*.yml")):
        d = yaml.safe_load(path.read_text(encoding="utf-8"))
        if d["expected_from"]["per"] != "county":
            continue
        for agency in d["submitters"]:
            rows.append((d["code"], agency, d["period"], d["deadline_days"]))
    return pd.DataFrame(
        rows, columns=["submission_type", "agency_code", "period_kind", "deadline_days"]
    )


def test_schedule_comes_from_the_definition_files(mart):
    """One source of truth: the warehouse's schedule is the definition files' (issue 8)."""
    want = schedule()
    # 28 types, task_progress expected per task; staff_checks has 3 submitters and
    # school_surroundings 2: 27 + 2 + 1 rows.
    assert len(want) == 30
    assert "task_progress" not in set(want["submission_type"])
    assert not (ROOT / "seeds" / "reference" / "submission_schedule.csv").exists()
    have = mart(
        "select distinct submission_type, agency_code from fct_submission_status order by 1, 2"
    )
    assert set(have.itertuples(index=False, name=None)) == set(
        want[["submission_type", "agency_code"]].itertuples(index=False, name=None)
    )


def scheduled(mart) -> set[tuple[str, str, str, str]]:
    """Every key the schedule expects: type × agency × county × period, built in Python."""
    counties = mart("select org_unit_code from dim_org_units where level = 'county'")
    suffixes = {"year": [""], "quarter": ["Q1", "Q2", "Q3", "Q4"]}
    return {
        (row.submission_type, row.agency_code, county, f"{year}{suffix}")
        for row in schedule().itertuples()
        for county in counties["org_unit_code"]
        for year in years()
        for suffix in suffixes[row.period_kind]
    }


def keys(frame: pd.DataFrame) -> set[tuple[str, str, str, str]]:
    return set(frame[KEY].itertuples(index=False, name=None))


@pytest.fixture(scope="module")
def expected_status(demo_store: Path) -> pd.DataFrame:
    """First accepted submission per key, its deadline and on time / late, from the manifest."""
    m = read_manifest(demo_store)
    m = m[m["status"] == "accepted"].copy()
    m["received_at"] = pd.to_datetime(m["received_at"], utc=True).dt.tz_localize(None)
    first = m.groupby(KEY, as_index=False)["received_at"].min()
    first["deadline"] = [
        pd.Timestamp(SUBMISSION_TYPES[t].deadline(p))
        for t, p in zip(first["submission_type"], first["period"], strict=True)
    ]
    local_day = (first["received_at"] + timedelta(hours=8)).dt.normalize()
    first["late"] = local_day > first["deadline"]
    first["days_late"] = (local_day - first["deadline"]).dt.days
    return first


def test_expected_rows_are_counties_times_schedule_times_periods(mart):
    counties = mart("select count(*) as n from dim_org_units where level = 'county'")["n"][0]
    per_year = schedule()["period_kind"].map({"year": 1, "quarter": 4})
    assert per_year.notna().all()
    rows = mart("select * from fct_submission_status")
    assert counties == 87
    assert len(rows) == counties * int(per_year.sum()) * len(years())
    assert keys(rows) == scheduled(mart)
    assert rows["expected"].all()


def test_demo_missing_submissions_are_missing(mart, demo_store: Path):
    missing = mart(
        "select submission_type, agency_code, jurisdiction_code, period, received,"
        " submission_count, days_late from fct_submission_status where status = 'missing'"
    )
    assert set(MISSING_SUBMISSIONS) <= keys(missing)
    # exactly what the schedule expects and the demo store never accepted (all demo deadlines
    # have passed)
    manifest = read_manifest(demo_store)
    accepted = keys(manifest[manifest["status"] == "accepted"])
    assert keys(missing) == scheduled(mart) - accepted
    assert not missing["received"].any()
    assert (missing["submission_count"] == 0).all()
    assert (missing["days_late"] > 0).all()


def test_late_exactly_when_first_received_after_deadline(mart, expected_status: pd.DataFrame):
    got = mart(
        "select submission_type, agency_code, jurisdiction_code, period, status, days_late"
        " from fct_submission_status where received"
    )
    expected_keys = scheduled(mart)
    in_schedule = [
        k in expected_keys for k in expected_status[KEY].itertuples(index=False, name=None)
    ]
    expected_status = expected_status[in_schedule]
    merged = got.merge(expected_status, on=KEY, how="outer", indicator=True)
    assert (merged["_merge"] == "both").all(), "received keys differ from the manifest's"
    assert merged["late"].any() and not merged["late"].all(), "the demo should mix both"
    assert merged["status"].tolist() == ["late" if x else "on_time" for x in merged["late"]]
    late = merged[merged["late"]]
    assert (late["days_late_x"] == late["days_late_y"]).all()
    assert merged.loc[~merged["late"], "days_late_x"].isna().all()


def test_resubmission_counts_twice_and_keeps_the_first_time(mart, demo_store: Path):
    m = read_manifest(demo_store)
    counts = m[m["status"] == "accepted"].groupby(KEY).size()
    (key,) = counts[counts > 1].index.tolist()
    row = mart(
        "select submission_count, first_received_at, last_received_at from fct_submission_status"
        " where submission_type = ? and agency_code = ? and jurisdiction_code = ? and period = ?",
        list(key),
    ).iloc[0]
    assert row["submission_count"] == 2
    assert row["last_received_at"] > row["first_received_at"]


def test_rates_roll_up_from_the_counties(mart):
    rolled = mart(
        "select sum(expected_count) as e, sum(received_count) as r, sum(late_count) as l,"
        " sum(missing_count) as m from fct_reporting_rates where org_unit_code = '35'"
        " and year = 2023"
    ).iloc[0]
    direct = mart(
        "select count(*) as e, count(*) filter (where received) as r,"
        " count(*) filter (where status = 'late') as l,"
        " count(*) filter (where status = 'missing') as m"
        " from fct_submission_status s"
        " join dim_org_units c on c.org_unit_code = s.jurisdiction_code"
        " where c.province_code = '35' and s.year = 2023"
    ).iloc[0]
    assert rolled.tolist() == direct.tolist()


@pytest.fixture
def reporting(published_warehouse: Path) -> AppTest:
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/reporting.py").run()
    assert not at.exception, at.exception
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def status_counts(mart, org: str, year: int) -> pd.Series:
    return mart(
        "select count(*) filter (where s.status = 'missing') as missing,"
        " count(*) filter (where s.status = 'late') as late"
        " from fct_submission_status s"
        " join dim_org_units c on c.org_unit_code = s.jurisdiction_code"
        " where ? in (c.county_code, c.city_code, c.province_code) and s.year = ?",
        [org, year],
    ).iloc[0]


def test_reporting_page_shows_the_marts_counts(reporting: AppTest, mart):
    assert [t.value for t in reporting.title] == ["报送情况"]
    counts = status_counts(mart, "330483", 2022)
    assert metric(reporting, "未报送") == str(counts["missing"])
    assert metric(reporting, "逾期报送") == str(counts["late"])


def test_reporting_page_lists_the_missing_submission(reporting: AppTest, mart):
    stype, agency, county, period = MISSING_SUBMISSIONS[0]
    reporting.session_state["org_unit_code"] = county
    reporting.session_state["year"] = int(period)
    reporting.run()
    assert not reporting.exception, reporting.exception
    counts = status_counts(mart, county, int(period))
    assert counts["missing"] >= 1
    assert metric(reporting, "未报送") == str(counts["missing"])
    overdue = next(d.value for d in reporting.dataframe if "逾期天数" in d.value.columns)
    assert len(overdue) == counts["missing"] + counts["late"]
    name = SUBMISSION_TYPES[stype].name_zh
    row = overdue[(overdue["报送类型"] == name) & (overdue["成员单位"] == "教育局")]
    assert row["状态"].tolist() == ["未报送"]
    assert row["截止日期"].tolist() == ["2024年1月15日"]
    text = reporting.code[0].value
    assert text.startswith("(示例数据)")
    assert f"永宁县 教育局:{name},截止2024年1月15日,未报送" in text


def test_reporting_page_aggregates_a_province_and_speaks_english(reporting: AppTest, mart):
    reporting.session_state["org_unit_code"] = "35"
    reporting.session_state["year"] = 2023
    reporting.run()
    assert not reporting.exception, reporting.exception
    counts = status_counts(mart, "35", 2023)
    assert metric(reporting, "逾期报送") == f"{counts['late']:,}"
    reporting.radio(key="_w_lang").set_value("en").run()
    assert not reporting.exception, reporting.exception
    assert [t.value for t in reporting.title] == ["Reporting"]
    assert metric(reporting, "Missing") == str(counts["missing"])
