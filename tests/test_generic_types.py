"""Generic submission types: every indicator has one, every type has a GX suite that matches it,
the demo's files pass intake, and a build turns them into indicator values with no new SQL.

The build runs over a small store of its own (桐乡市 and 福州市鼓楼区, 2022), so these tests do
not depend on the session's full demo build.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from weibao import demo
from weibao.build import build
from weibao.intake import validate
from weibao.intake.gx import EXPECTATIONS_DIR
from weibao.load import load_submissions
from weibao.paths import REFERENCE_DIR
from weibao.store import read_manifest
from weibao.submission_types import SUBMISSION_TYPES

# Task progress status codes (the task_progress template, DESIGN.md work-plan words).
TASK_STATUSES = ("not_started", "in_progress", "done", "lagging")

ORIGINAL_INDICATORS = {
    "child_director_coverage",
    "child_supervisor_coverage",
    "staff_check_hire_rate",
    "staff_check_annual_rate",
    "orphan_centralized_standard",
    "orphan_scattered_standard",
    "foster_family_compliance",
}
LEVEL_EXCEPTIONS = {
    "service_station_village_coverage": "township",
    "joint_conference_plenary_count": "county",
}
TODAY = date(2026, 6, 1)  # after every demo period, so none is "in the future"


def indicators() -> pd.DataFrame:
    return pd.read_csv(REFERENCE_DIR / "indicators.csv", dtype=str, keep_default_na=False)


def new_indicators() -> pd.DataFrame:
    ind = indicators()
    return ind[~ind.indicator_code.isin(ORIGINAL_INDICATORS)]


# --------------------------------------------------------------------------- registry


def test_every_new_indicator_has_a_type_whose_measures_carry_it():
    ind = indicators()
    assert ORIGINAL_INDICATORS <= set(ind.indicator_code)
    for row in new_indicators().itertuples():
        stype = SUBMISSION_TYPES.get(row.submission_type)
        assert stype is not None, f"{row.indicator_code}: no type {row.submission_type}"
        measures = {m.indicator_code: m for m in stype.measures}
        assert row.indicator_code in measures, row.indicator_code
        assert row.indicator_code in stype.indicators
        m = measures[row.indicator_code]
        names = [c.name for c in stype.columns]
        assert m.numerator in names
        # counts have no denominator; rates and per-thousand ratios do
        if row.value_kind == "count":
            assert m.denominator is None, row.indicator_code
        else:
            assert m.denominator == "1" or m.denominator in names, row.indicator_code
        # rows are at the indicator's base level, but for two judgement calls: village
        # coverage of service stations is counted per township (villages, villages with a
        # station), and 福建省's plenary meetings come in the county-level meetings file as the
        # province's own row (jurisdiction_rows)
        level = LEVEL_EXCEPTIONS.get(row.indicator_code, row.base_level)
        assert stype.level == level, row.indicator_code
    # and nothing in the registry measures an indicator the catalog does not have
    measured = {m.indicator_code for t in SUBMISSION_TYPES.values() for m in t.measures}
    assert measured == set(new_indicators().indicator_code)


def test_submitters_and_columns():
    agencies = set(pd.read_csv(REFERENCE_DIR / "agencies.csv", dtype=str).agency_code)
    ind = indicators().set_index("indicator_code")
    for code, stype in SUBMISSION_TYPES.items():
        assert set(stype.submitters) <= agencies, code
        names = [c.name for c in stype.columns]
        assert len(set(names)) == len(names), code
        assert all(c.header_zh for c in stype.columns)
        for m in stype.measures:
            # the submitting unit is one of the indicator's responsible units
            assert set(stype.submitters) <= set(
                ind.loc[m.indicator_code, "responsible_units"].split(";")
            ), code
        if stype.period == "quarter":
            assert stype.column("quarter").is_key
        if stype.level == "institution":
            assert {"institution_code", "org_unit_code"} <= set(names)
    tp = SUBMISSION_TYPES["task_progress"]
    assert [c.name for c in tp.columns] == ["task_id", "year", "quarter", "status", "note"]
    assert tp.period == "quarter" and not tp.measures


@pytest.mark.parametrize("code", sorted(SUBMISSION_TYPES))
def test_gx_suite_matches_the_registry(code):
    spec = json.loads((EXPECTATIONS_DIR / f"{code}.json").read_text(encoding="utf-8"))
    assert spec["name"] == code
    stype = SUBMISSION_TYPES[code]
    names = [c.name for c in stype.columns]
    exps = spec["expectations"]
    exist = [e["kwargs"]["column"] for e in exps if e["type"] == "expect_column_to_exist"]
    assert exist == names
    not_null = {
        e["kwargs"]["column"] for e in exps if e["type"] == "expect_column_values_to_not_be_null"
    }
    assert not_null == set(names)
    for e in exps:
        kw = e["kwargs"]
        for key in ("column", "column_A", "column_B"):
            if key in kw:
                assert kw[key] in names, (code, e["type"], kw[key])
        if e["type"] == "expect_column_pair_values_a_to_be_greater_than_b":
            assert e["meta"]["code"] == "E_NUMERATOR_GT_DENOMINATOR"
            assert (e["meta"]["whole"], e["meta"]["part"]) == (kw["column_A"], kw["column_B"])
    if stype.measures:
        # every rate's part <= whole, unless the whole is "1" (a 0/1 flag, checked by set)
        pairs = {
            (e["meta"]["part"], e["meta"]["whole"])
            for e in exps
            if e["meta"].get("code") == "E_NUMERATOR_GT_DENOMINATOR"
        }
        in_set = {
            e["kwargs"]["column"]: e["kwargs"]["value_set"]
            for e in exps
            if e["type"] == "expect_column_values_to_be_in_set"
        }
        for m in stype.measures:
            if m.denominator == "1":
                assert in_set.get(m.numerator) == [0, 1], (code, m.numerator)
            elif m.denominator is not None:
                assert (m.numerator, m.denominator) in pairs, (code, m)
        # every number has a range or a value set
        ranged = {
            e["kwargs"]["column"]
            for e in exps
            if e["type"]
            in ("expect_column_values_to_be_between", "expect_column_values_to_be_in_set")
        }
        assert {c.name for c in stype.columns if c.is_number} <= ranged, code
    if code == "task_progress":
        statuses = next(
            e
            for e in exps
            if e["type"] == "expect_column_values_to_be_in_set"
            and e["kwargs"]["column"] == "status"
        )
        assert statuses["kwargs"]["value_set"] == list(TASK_STATUSES)


# --------------------------------------------------------------------------- intake


@pytest.fixture(scope="module")
def small_store(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("generic_store")
    demo.generate(root, years=[2022], counties=["330483", "350102"])
    return root


def _validate(root: Path, row, data: bytes | None = None, period: str | None = None, **kw):
    data = data if data is not None else (root / row.original_path).read_bytes()
    args = dict(
        submission_type=row.submission_type,
        agency_code=row.agency_code,
        jurisdiction_code=row.jurisdiction_code,
        period=period or row.period,
        today=TODAY,
        root=root / "empty",
    )
    args.update(kw)
    return validate(data, row.original_filename, **args)


def test_demo_submissions_of_every_new_type_pass_intake(small_store):
    m = read_manifest(small_store)
    new_types = {c for c, t in SUBMISSION_TYPES.items() if t.measures} | {"task_progress"}
    assert new_types <= set(m.submission_type)
    # one file per type, agency and jurisdiction (福建省's own rows included), all quarters
    # of the quarterly committee meetings
    first = m[m.submission_type.isin(new_types)].drop_duplicates(
        ["submission_type", "agency_code", "jurisdiction_code"]
    )
    quarters = m[(m.submission_type == "committee_meetings")]
    for row in pd.concat([first, quarters]).drop_duplicates("submission_id").itertuples():
        receipt, frame = _validate(small_store, row)
        assert receipt.status == "accepted", (
            row.submission_type,
            row.jurisdiction_code,
            [(i.code, i.column) for i in receipt.issues],
        )
        stored = pd.read_csv(small_store / row.stored_path, dtype=str, keep_default_na=False)
        assert stored.to_numpy().tolist() == frame.astype(str).to_numpy().tolist()


def _committee_row(m: pd.DataFrame, jurisdiction: str, period: str):
    return m[
        (m.submission_type == "committee_meetings")
        & (m.jurisdiction_code == jurisdiction)
        & (m.period == period)
    ].iloc[0]


def _codes(receipt) -> set[str]:
    return {i.code for i in receipt.issues}


def test_quarterly_period(small_store):
    m = read_manifest(small_store)
    row = _committee_row(m, "330483", "2022Q3")
    assert _validate(small_store, row)[0].status == "accepted"
    # a quarterly type needs YYYYQn
    receipt, _ = _validate(small_store, row, period="2022")
    assert receipt.status == "rejected"
    (issue,) = [i for i in receipt.issues if i.code == "E_PERIOD_MISMATCH"]
    assert issue.message_en.endswith("submission period YYYYQn")
    # the quarter column must be the period's quarter
    receipt, _ = _validate(small_store, row, period="2022Q2")
    assert "E_PERIOD_MISMATCH" in _codes(receipt)
    assert any(
        i.code == "E_PERIOD_MISMATCH"
        and i.message_en.endswith("period 2022Q2")
        and i.row == 2
        and i.column == "季度"
        for i in receipt.issues
    )
    # a quarter not yet begun
    receipt, _ = _validate(small_store, row, period="2022Q3", today=date(2022, 6, 30))
    assert "E_PERIOD_IN_FUTURE" in _codes(receipt)
    # an annual type still wants YYYY
    annual = m[m.submission_type == "protection_stations"].iloc[0]
    receipt, _ = _validate(small_store, annual, period="2022Q1")
    assert [
        i.message_en.rsplit(" ", 1)[1] for i in receipt.issues if i.code == "E_PERIOD_MISMATCH"
    ] == ["YYYY"]


def test_jurisdiction_rows_only_for_the_jurisdiction_itself(small_store):
    m = read_manifest(small_store)
    row = _committee_row(m, "35", "2022Q4")
    assert _validate(small_store, row)[0].status == "accepted"
    # the province's row handed in by a city: not a county and not the jurisdiction itself
    receipt, _ = _validate(small_store, row, jurisdiction_code="3501")
    assert "E_WRONG_LEVEL" in _codes(receipt)
    # a county-level type without jurisdiction rows refuses a province code
    county = m[m.submission_type == "childcare_places"].iloc[0]
    text = (small_store / county.original_path).read_text(encoding="utf-8")
    bad = text.replace(county.jurisdiction_code, "35", 1).encode()
    receipt, _ = _validate(small_store, county, data=bad, jurisdiction_code="35")
    assert "E_WRONG_LEVEL" in _codes(receipt)


def test_task_progress_intake(small_store):
    m = read_manifest(small_store)
    row = m[(m.submission_type == "task_progress") & (m.jurisdiction_code == "35")].iloc[0]
    # a province's member unit: there is no org_unit_code column to check against divisions
    assert _validate(small_store, row)[0].status == "accepted"
    text = (small_store / row.original_path).read_text(encoding="utf-8")
    table = list(csv.reader(io.StringIO(text)))

    def variant(col: int, value: str) -> bytes:
        rows = [r[:] for r in table]
        rows[1][col] = value
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerows(rows)
        return buf.getvalue().encode()

    status, note = table[0].index("进展状态"), table[0].index("备注")
    assert "E_INVALID_VALUE" in _codes(_validate(small_store, row, data=variant(status, "完成"))[0])
    too_long = "按计划推进" * 41  # 205 characters
    assert "E_OUT_OF_RANGE" in _codes(_validate(small_store, row, data=variant(note, too_long))[0])
    phone = "联系人手机13912345678"
    assert "E_PERSONAL_DATA" in _codes(_validate(small_store, row, data=variant(note, phone))[0])


# --------------------------------------------------------------------------- load and build


def test_load_creates_every_registry_table(small_store):
    con = duckdb.connect()
    loaded = load_submissions(con, small_store)
    for code, stype in SUBMISSION_TYPES.items():
        cols = [r[0] for r in con.execute(f"describe raw.{code}").fetchall()]
        assert cols == [c.name for c in stype.columns] + ["submission_id"], code
        assert loaded.rows[code] > 0, code
    tp = con.execute("select distinct status from raw.task_progress").fetchall()
    assert {s for (s,) in tp} <= set(TASK_STATUSES)
    con.close()


@pytest.fixture(scope="module")
def small_build(small_store, tmp_path_factory):
    path = tmp_path_factory.mktemp("generic_warehouse") / "w.duckdb"
    published = build(path, submissions=small_store).published

    def query(sql: str, params: list | None = None) -> pd.DataFrame:
        con = duckdb.connect(str(published), read_only=True)
        try:
            return con.execute(sql, params or []).df()
        finally:
            con.close()

    return query


def _latest(store: Path, stype: str, jurisdiction: str, period: str) -> pd.DataFrame:
    m = read_manifest(store)
    row = m[
        (m.submission_type == stype)
        & (m.jurisdiction_code == jurisdiction)
        & (m.period == period)
        & (m.status == "accepted")
    ].sort_values("received_at")
    return pd.read_csv(store / row.stored_path.iloc[-1], dtype={"org_unit_code": str})


def test_build_gives_every_new_indicator_a_value(small_build):
    values = small_build(
        "select indicator_code, value, status from fct_indicator_values"
        " where org_unit_code = '330483' and year = 2022"
    )
    got = values.set_index("indicator_code")
    for code in new_indicators().indicator_code:
        assert code in got.index, code
        assert pd.notna(got.loc[code, "value"]), code
    # 桐乡 2022 against its targets: ten stations of eleven, childcare just short of 3.1
    assert got.loc["protection_station_count", "status"] == "not_achieved"
    assert got.loc["childcare_places_per_thousand", "status"] == "not_achieved"
    assert got.loc["smart_campus_coverage", "status"] == "achieved"
    fj = small_build(
        "select indicator_code, value from fct_indicator_values where"
        " org_unit_code = '35' and year = 2022"
    ).set_index("indicator_code")
    assert set(new_indicators().indicator_code) <= set(fj.index)


def test_hand_computed_rate_count_and_ratio_equal_the_mart(small_build, small_store):
    def mart(code: str, unit: str = "330483") -> pd.Series:
        return small_build(
            "select numerator, denominator, value from fct_indicator_values"
            " where indicator_code = ? and org_unit_code = ? and year = 2022",
            [code, unit],
        ).iloc[0]

    # a rate: smart-safe campuses among schools and kindergartens
    smart = _latest(small_store, "smart_campuses", "330483", "2022")
    row = mart("smart_campus_coverage")
    assert (row.numerator, row.denominator) == (smart.is_smart_campus.sum(), len(smart))
    assert float(row.value) == round(100 * smart.is_smart_campus.sum() / len(smart), 2)
    # a count: stations, summed over the townships
    stations = _latest(small_store, "protection_stations", "330483", "2022")
    assert float(mart("protection_station_count").value) == stations.has_station.sum() == 10
    # a township's count is its own 0/1
    town = stations.iloc[0]
    assert float(mart("protection_station_count", town.org_unit_code).value) == town.has_station
    # a rate from counts, summed up from the villages
    lb = _latest(small_store, "left_behind_carers", "330483", "2022")
    row = mart("left_behind_carer_rate")
    assert (row.numerator, row.denominator) == (
        lb.left_behind_with_carer.sum(),
        lb.left_behind_children.sum(),
    )
    # per thousand: 1000 × places ÷ population
    cc = _latest(small_store, "childcare_places", "330483", "2022").iloc[0]
    assert float(mart("childcare_places_per_thousand").value) == round(
        1000 * cc.childcare_places / cc.resident_population, 2
    )


def test_quarterly_year_value_is_the_q4_cumulative_figure(small_build, small_store):
    for unit, code, column in [
        ("330483", "office_member_meeting_count", "office_meetings"),
        ("35", "joint_conference_plenary_count", "plenary_meetings"),
        ("35", "office_member_meeting_count", "office_meetings"),
    ]:
        q4 = _latest(small_store, "committee_meetings", unit, "2022Q4")
        own = int(q4[q4.org_unit_code == unit][column].iloc[0])
        value = small_build(
            "select value from fct_indicator_values where indicator_code = ?"
            " and org_unit_code = ? and year = 2022",
            [code, unit],
        ).value.iloc[0]
        if unit == "35" and code == "office_member_meeting_count":
            # the province's office meetings plus those of its counties (a count sums up)
            county = _latest(small_store, "committee_meetings", "350102", "2022Q4")
            own += int(county.office_meetings.sum())
        assert float(value) == own, (unit, code)
