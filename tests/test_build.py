"""The demo build end to end: real divisions, roll-up by summing parts, status and gap."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from weibao import demo
from weibao.store import read_manifest

TONGXIANG = "330483"


def _latest_rows(store: Path, stype: str, jurisdiction: str, period: str) -> pd.DataFrame:
    """The normalised file of the latest accepted submission, read straight from the store."""
    m = read_manifest(store)
    hit = m[
        (m.submission_type == stype)
        & (m.jurisdiction_code == jurisdiction)
        & (m.period == period)
        & (m.status == "accepted")
    ].sort_values("received_at")
    frames = [
        pd.read_csv(store / p, dtype={"org_unit_code": str})
        for p in hit.groupby("agency_code").stored_path.last()
    ]
    return pd.concat(frames)


def test_real_division_counts(mart):
    counts = (
        mart(
            "select level, count(*) as n from dim_org_units where county_code = ? group by level",
            [TONGXIANG],
        )
        .set_index("level")
        .n
    )
    assert counts["township"] == 11
    assert counts["village"] == 221
    fujian = mart(
        "select count(*) as n from dim_org_units where province_code = '35' and level = 'village'"
    ).n[0]
    assert fujian == 17498
    sanming = mart(
        "select count(*) as n from dim_org_units where city_code = '3504' and level = 'village'"
    ).n[0]
    assert sanming == 1964


@pytest.mark.parametrize("indicator", ["child_director_coverage", "staff_check_annual_rate"])
def test_county_equals_sum_of_its_townships(mart, indicator):
    rows = mart(
        """
        select v.level, sum(v.numerator) as num, sum(v.denominator) as den, max(v.value) as value
        from fct_indicator_values as v
        join dim_org_units as o using (org_unit_code)
        where v.indicator_code = ? and v.year = 2022 and o.county_code = ?
            and v.level in ('county', 'township')
        group by v.level
        """,
        [indicator, TONGXIANG],
    ).set_index("level")
    assert rows.loc["county", "num"] == rows.loc["township", "num"]
    assert rows.loc["county", "den"] == rows.loc["township", "den"]
    expected = round(100 * rows.loc["county", "num"] / rows.loc["county", "den"], 2)
    assert float(rows.loc["county", "value"]) == pytest.approx(expected)


def test_child_director_status_and_gap_by_hand(mart, demo_store):
    files = _latest_rows(demo_store, "child_directors", TONGXIANG, "2022")
    covered = int((files.child_director_count >= 1).sum())
    villages = 221  # every village of the county is in the denominator
    row = mart(
        "select * from fct_indicator_values where indicator_code = "
        "'child_director_coverage' and org_unit_code = ? and year = 2022",
        [TONGXIANG],
    ).iloc[0]
    assert (row.numerator, row.denominator) == (covered, villages)
    assert covered == villages - 7  # calibration.yml: 330483 villages_without_director 2022
    assert row.target_value == 100 and row.comparator == ">="
    assert row.status == "not_achieved"
    assert row.gap == villages - covered
    assert bool(row.is_demo) and not bool(row.target_is_demo)


def test_staff_check_gap_counts_people(mart, demo_store):
    files = _latest_rows(demo_store, "staff_checks", TONGXIANG, "2022")
    row = mart(
        "select * from fct_indicator_values where indicator_code = "
        "'staff_check_annual_rate' and org_unit_code = ? and year = 2022",
        [TONGXIANG],
    ).iloc[0]
    assert row.numerator == files.staff_checked.sum()
    assert row.denominator == files.staff_in_post.sum()
    target = float(row.target_value)
    assert row.gap == max(math.ceil(target * row.denominator / 100 - row.numerator), 0)


def test_orphan_standard_county_and_above(mart):
    county = mart(
        "select * from fct_indicator_values where indicator_code = "
        "'orphan_centralized_standard' and org_unit_code = ? and year = 2022",
        [TONGXIANG],
    ).iloc[0]
    assert float(county.value) == 25_200  # 2,100 元/月 × 12 (calibration.yml)
    assert float(county.target_value) == 25000
    expected_gap = max(25000 - 25_200, 0)
    assert float(county.gap) == expected_gap
    assert county.status == ("achieved" if expected_gap == 0 else "not_achieved")


def test_orphan_standard_above_the_county_from_the_files(mart, demo_store):
    """Above the county: the lowest county standard, and how many counties meet the target
    that applies to them. Expected values come from the submitted files and targets.csv, not
    from the mart's own county statuses."""
    refs = Path(__file__).resolve().parents[1] / "seeds" / "reference"
    targets = pd.read_csv(refs / "targets.csv", dtype=str)
    own = targets[
        (targets.indicator_code == "orphan_centralized_standard") & (targets.year == "2022")
    ].set_index("org_unit_code")
    counties = mart(
        "select org_unit_code from dim_org_units where city_code = '3504' and level = 'county'"
    ).org_unit_code
    standards = {}
    for code in counties:
        files = _latest_rows(demo_store, "orphan_foster", code, "2022")
        standards[code] = float(files.orphan_centralized_standard.iloc[-1])
    # a county's own target, else the city's (Sanming, 3504)
    target = {c: float(own.target_value.get(c, own.target_value["3504"])) for c in standards}
    met = sum(standards[c] >= target[c] for c in standards)
    city = mart(
        "select * from fct_indicator_values where indicator_code = "
        "'orphan_centralized_standard' and org_unit_code = '3504' and year = 2022"
    ).iloc[0]
    assert len(standards) == 11
    assert float(city.value) == min(standards.values())
    assert (city.numerator, city.denominator) == (met, 11)
    assert city.gap == 11 - met
    assert city.status == ("achieved" if met == 11 else "not_achieved")


def test_missing_submission_shows_as_no_data(mart):
    stype, agency, county, period = demo.calibration()["missing_submissions"][0]
    present = mart(
        "select count(*) as n from fct_staff_checks_by_sector where org_unit_code = ? and year = ?",
        [county, int(period)],
    ).n[0]
    assert present > 0  # the other agencies did submit
    sectors = set(
        mart(
            "select distinct sector from fct_staff_checks_by_sector "
            "where org_unit_code = ? and year = ?",
            [county, int(period)],
        ).sector
    )
    assert not sectors & {"school", "kindergarten", "off_campus_training"}


def test_every_status_is_a_design_word(mart):
    statuses = set(mart("select distinct status from fct_indicator_values").status)
    assert statuses <= {"achieved", "not_achieved", "no_target", "no_data"}
    assert {"achieved", "not_achieved"} <= statuses


def test_standards_are_not_defined_below_the_county(mart):
    counts = (
        mart(
            "select i.value_kind, count(*) as n from fct_indicator_values as v "
            "join dim_indicators as i using (indicator_code) "
            "where v.level in ('township', 'village') group by 1"
        )
        .set_index("value_kind")
        .n
    )
    assert "standard" not in counts.index
    assert counts["rate"] > 0  # while rates are, so the query is not vacuous


@pytest.mark.parametrize(
    "table, columns",
    [
        ("fct_indicator_values", "org_unit_code, indicator_code, year"),
        ("fct_indicator_progress", "org_unit_code, indicator_code, year"),
        ("fct_indicator_values_in_year", "org_unit_code, indicator_code, year, quarter"),
        ("fct_supervision_items", "jurisdiction_code, year, org_unit_code"),
    ],
)
def test_marts_are_stored_in_lookup_order(mart, table, columns):
    """macros/lookup_order.sql: DuckDB's zone maps skip row groups only if a table is stored in
    the order the dashboard looks it up (unsorted, one unit's lookup in the national store read
    all 36M rows). rowid is the storage order; no row may come before the one stored above it."""
    keys = [c.strip() for c in columns.split(",")]
    prev = ", ".join(f"lag({k}) over (order by rowid) as prev_{k}" for k in keys)
    later = " or ".join(
        "(" + " and ".join([f"prev_{a} = {a}" for a in keys[:i]] + [f"prev_{k} > {k}"]) + ")"
        for i, k in enumerate(keys)
    )
    found = mart(
        f"select count(*) as n, count(*) filter (where {later}) as out_of_order "
        f"from (select {columns}, {prev} from {table})"
    )
    assert found.n[0] > 0 and found.out_of_order[0] == 0
