"""All SQL of the dashboard. Reads only the published marts (docs/contract.md).

Each loader opens a short-lived read-only connection, runs one query and closes it: a held
connection would block the next build (CONVENTIONS.md, DuckDB locks). The cache key carries the
file's path and mtime, so a new publication is picked up at the next rerun.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from weibao.paths import warehouse_path

TTL = 600  # seconds; the mtime in the key does the real invalidation
DbKey = tuple[str, int]


class WarehouseMissing(RuntimeError):
    """The published DuckDB file does not exist yet."""


def warehouse_file() -> Path:
    return warehouse_path()


def available() -> bool:
    return warehouse_file().is_file()


def _db_key() -> DbKey:
    path = warehouse_file()
    try:
        return str(path), path.stat().st_mtime_ns
    except FileNotFoundError as exc:
        raise WarehouseMissing(str(path)) from exc


def _query(db: DbKey, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    con = duckdb.connect(db[0], read_only=True)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()


def _loader(fn: Callable[..., pd.DataFrame]) -> Callable[..., pd.DataFrame]:
    """Cache fn(db, ...) and call it with the current warehouse key."""
    cached = st.cache_data(ttl=TTL, show_spinner=False)(fn)

    @functools.wraps(fn)
    def wrapper(*args: Any) -> pd.DataFrame:
        return cached(_db_key(), *args)

    return wrapper


_ANCESTORS = """
    select a.org_unit_code, a.org_unit_name, a.level, a.level_rank
    from dim_org_units u
    join dim_org_units a on a.org_unit_code in
        (u.province_code, u.city_code, u.county_code, u.township_code, u.org_unit_code)
    where u.org_unit_code = ?
"""


@_loader
def indicators(db: DbKey) -> pd.DataFrame:
    return _query(db, "select * from dim_indicators order by sort_order, indicator_code")


@_loader
def jurisdictions(db: DbKey) -> pd.DataFrame:
    sql = """
        select org_unit_code, org_unit_name, level from dim_org_units
        where is_document_jurisdiction order by level_rank, org_unit_code
    """
    return _query(db, sql)


@_loader
def ancestors(db: DbKey, org_unit_code: str) -> pd.DataFrame:
    """The unit and everything above it, top first."""
    return _query(db, _ANCESTORS + " order by a.level_rank", [org_unit_code])


@_loader
def years(db: DbKey) -> pd.DataFrame:
    return _query(db, "select distinct year from fct_indicator_values order by year")


@_loader
def unit_values(db: DbKey, org_unit_code: str, year: int) -> pd.DataFrame:
    """Every indicator for one unit and year (left join: indicators without a row stay)."""
    sql = """
        select i.*, v.org_unit_code, v.level, v.year, v.numerator, v.denominator, v.value,
            v.target_org_unit_code, v.comparator, v.target_value, v.target_value_high,
            v.target_is_demo, v.status, v.gap, v.is_demo, v.indicator_code is not null as has_row
        from dim_indicators i
        left join fct_indicator_values v
            on v.indicator_code = i.indicator_code and v.org_unit_code = ? and v.year = ?
        order by i.sort_order, i.indicator_code
    """
    return _query(db, sql, [org_unit_code, year])


@_loader
def child_values(db: DbKey, org_unit_code: str, indicator_code: str, year: int) -> pd.DataFrame:
    """The indicator for each unit one level below, lowest value first."""
    sql = """
        select o.org_unit_code, o.org_unit_name, o.level,
            exists (select 1 from dim_org_units c where c.parent_code = o.org_unit_code)
                as has_children,
            v.numerator, v.denominator, v.value, v.comparator, v.target_value,
            v.target_value_high, v.target_is_demo, v.status, v.gap, v.is_demo
        from dim_org_units o
        join fct_indicator_values v
            on v.org_unit_code = o.org_unit_code and v.indicator_code = ? and v.year = ?
        where o.parent_code = ?
        order by v.value nulls first, o.org_unit_code
    """
    return _query(db, sql, [indicator_code, year, org_unit_code])


@_loader
def trend(db: DbKey, org_unit_code: str, indicator_code: str) -> pd.DataFrame:
    sql = """
        select year, value, numerator, denominator, comparator, target_value,
            target_value_high, target_is_demo, status, gap, is_demo, level
        from fct_indicator_values where org_unit_code = ? and indicator_code = ?
        order by year
    """
    return _query(db, sql, [org_unit_code, indicator_code])


@_loader
def targets(db: DbKey, org_unit_code: str, indicator_code: str) -> pd.DataFrame:
    """Targets declared for the unit or any unit above it, nearest first."""
    sql = f"""
        with chain as ({_ANCESTORS})
        select t.year, chain.org_unit_name, t.comparator, t.target_value, t.target_value_high,
            t.source_doc, t.source_clause, t.is_demo, t.note
        from dim_targets t join chain on chain.org_unit_code = t.org_unit_code
        where t.indicator_code = ?
        order by t.year, chain.level_rank desc
    """
    return _query(db, sql, [org_unit_code, indicator_code])


@_loader
def staff_by_sector(db: DbKey, org_unit_code: str, year: int) -> pd.DataFrame:
    sql = """
        select sector, sector_zh, new_hires, new_hires_checked, staff_in_post, staff_checked,
            hire_check_rate, annual_check_rate, is_demo
        from fct_staff_checks_by_sector where org_unit_code = ? and year = ?
        order by sector
    """
    return _query(db, sql, [org_unit_code, year])


@_loader
def demo_flags(db: DbKey, org_unit_code: str, year: int) -> pd.DataFrame:
    """Whether any value or target shown for the unit, its subtree or its trend is demo."""
    sql = """
        select coalesce(bool_or(v.is_demo), false) as values_demo,
            coalesce(bool_or(v.target_is_demo), false) as targets_demo
        from fct_indicator_values v
        join dim_org_units o on o.org_unit_code = v.org_unit_code
        where ? in (o.org_unit_code, o.township_code, o.county_code, o.city_code, o.province_code)
            and (v.year = ? or v.org_unit_code = ?)
    """
    return _query(db, sql, [org_unit_code, year, org_unit_code])


@_loader
def reporting_area(db: DbKey, org_unit_code: str) -> pd.DataFrame:
    """The county, city or province whose submissions a unit's Reporting page shows: the unit
    itself, or the county it lies in (submissions are made per county)."""
    sql = _ANCESTORS + " and a.level in ('province', 'city', 'county') order by a.level_rank desc"
    return _query(db, sql, [org_unit_code])


@_loader
def reporting_counts(db: DbKey, org_unit_code: str, year: int) -> pd.DataFrame:
    """Expected, on time, late, missing and pending per agency and type (quarters summed)."""
    sql = """
        select agency_code, submission_type, sum(expected_count) as expected_count,
            sum(received_count) as received_count, sum(on_time_count) as on_time_count,
            sum(late_count) as late_count, sum(missing_count) as missing_count,
            sum(pending_count) as pending_count,
            cast(round(cast(sum(received_count) as decimal(18, 4)) * 100
                / nullif(sum(expected_count), 0), 2) as decimal(18, 2)) as reporting_rate,
            bool_or(is_demo) as is_demo
        from fct_reporting_rates where org_unit_code = ? and year = ?
        group by agency_code, submission_type
        order by agency_code, submission_type
    """
    return _query(db, sql, [org_unit_code, year])


@_loader
def reporting_trend(db: DbKey, org_unit_code: str) -> pd.DataFrame:
    """Reporting and on-time rates per year, all agencies and types together."""
    sql = """
        select year, sum(expected_count) as expected_count,
            sum(received_count) as received_count, sum(on_time_count) as on_time_count,
            cast(round(cast(sum(received_count) as decimal(18, 4)) * 100
                / nullif(sum(expected_count), 0), 2) as decimal(18, 2)) as reporting_rate,
            cast(round(cast(sum(on_time_count) as decimal(18, 4)) * 100
                / nullif(sum(expected_count), 0), 2) as decimal(18, 2)) as on_time_rate
        from fct_reporting_rates where org_unit_code = ?
        group by year order by year
    """
    return _query(db, sql, [org_unit_code])


@_loader
def overdue(db: DbKey, org_unit_code: str, year: int) -> pd.DataFrame:
    """Missing and late submissions in the unit's counties, most overdue first."""
    sql = """
        select s.jurisdiction_code, c.org_unit_name as county_name, s.agency_code,
            s.submission_type, s.period, s.deadline, s.status, s.days_late,
            s.first_received_at, s.is_demo
        from fct_submission_status s
        join dim_org_units c on c.org_unit_code = s.jurisdiction_code
        where ? in (c.county_code, c.city_code, c.province_code) and s.year = ?
            and s.status in ('missing', 'late')
        order by s.status = 'late', s.days_late desc, s.jurisdiction_code, s.agency_code,
            s.submission_type
    """
    return _query(db, sql, [org_unit_code, year])


@_loader
def counties_under(db: DbKey, org_unit_code: str) -> pd.DataFrame:
    """The counties in a county, city or province (a county: itself)."""
    sql = """
        select org_unit_code, org_unit_name from dim_org_units
        where level = 'county' and ? in (county_code, city_code, province_code)
        order by org_unit_code
    """
    return _query(db, sql, [org_unit_code])


def recent_submissions(
    submission_type: str, agency_code: str, jurisdiction_code: str, n: int = 5
) -> pd.DataFrame:
    """The unit's last submissions of a type, accepted and rejected, newest first. Read from
    the store's manifest (not the warehouse): it shows what was sent before the next build."""
    from weibao.store import read_manifest

    m = read_manifest()
    m = m[
        (m["submission_type"] == submission_type)
        & (m["agency_code"] == agency_code)
        & (m["jurisdiction_code"] == jurisdiction_code)
    ]
    return m.sort_values(["received_at", "submission_id"], ascending=False).head(n)


def is_demo(org_unit_code: str, year: int) -> bool:
    flags = demo_flags(org_unit_code, year)
    return bool(flags.iloc[0]["values_demo"] or flags.iloc[0]["targets_demo"])


def clear() -> None:
    st.cache_data.clear()
