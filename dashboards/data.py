"""All SQL of the dashboard. Reads only the published marts (docs/contract.md).

The same SQL runs on every engine (weibao/engines/: DuckDB by default, PostgreSQL with
WEIBAO_ENGINE=postgres): portable SQL with `?` placeholders, which an engine translates if its
driver wants another style. On DuckDB each loader runs one query in a cursor of one held
in-memory instance that ATTACHes the published file read-only (weibao/engines/duckdb.py): builds
publish a new file by os.replace, so nothing a build needs is locked, and opening the file once
per publication instead of once per query saves about 70 ms a query. The cache key carries the
engine's publication id, so a new publication is picked up at the next rerun.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from weibao import engines, mart_sql
from weibao.approval import approved_item_sql, hide_unapproved
from weibao.engines import EngineError
from weibao.suppression import suppress_frame

TTL = 600  # seconds; the publication id in the key does the real invalidation
DbKey = tuple[str, str]  # (engine, publication id)
WarehouseMissing = EngineError  # nothing published yet, or a read failed: said in words


def warehouse_file() -> str:
    """Where the publication lives (a file, or a server and schema), for messages."""
    return engines.get().describe()


def available() -> bool:
    return engines.get().available()


def _db_key() -> DbKey:
    return engines.engine_name(), engines.get().publication_id()


def publication() -> str:
    """Changes with every publication: a cache key for anything built from the marts."""
    return _db_key()[1]


def _query(db: DbKey, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    return engines.get(db[0]).query(sql, params)


def _loader(fn: Callable[..., pd.DataFrame]) -> Callable[..., pd.DataFrame]:
    """Cache fn(db, ...) and call it with the current warehouse key. Every frame is suppressed
    before it is cached (weibao.suppression): a small count of children, or a figure derived
    from one, never reaches a page, a chart, an export or the browser."""

    # a loader with a `hide` parameter leaves unapproved rows out in its SQL (counts, lists)
    takes_hide = "hide" in inspect.signature(fn).parameters

    def load(db: DbKey, full: bool, hide: bool, *args: Any) -> pd.DataFrame:
        # `full` (a statistician's view) and `hide` (figures not yet approved left out) are
        # arguments, so they are part of the cache key: a leader's call can never be answered
        # from a statistician's cached frame.
        frame = fn(db, *args, hide=hide) if takes_hide else fn(db, *args)
        if hide:
            frame = hide_unapproved(frame)
        return (
            frame.assign(suppressed=False, small_counts_shown=True)
            if full
            else suppress_frame(frame)
        )

    cached = st.cache_data(ttl=TTL, show_spinner=False)(functools.wraps(fn)(load))

    @functools.wraps(fn)
    def wrapper(*args: Any) -> pd.DataFrame:
        return cached(_db_key(), sees_small_counts(), hides_unapproved(), *args)

    return wrapper


def sees_small_counts() -> bool:
    """A signed-in statistician sees counts of children below 5 (DESIGN.md privacy); everyone
    else, and the dashboard without sign-in, sees them suppressed. Decided per query from the
    session's user, so a page cannot ask for more than its user may see."""
    from weibao.access import sees_small_counts as allowed
    from weibao.settings import settings

    actor = st.session_state.get("actor")
    return settings().sign_in_required and actor is not None and allowed(actor)


def hides_unapproved() -> bool:
    """Whether figures not yet approved are left out of what this session reads: for everyone
    but a signed-in statistician (who previews everything, marked), when the statistician's
    setting `unapproved_for_leaders` is "hide" (weibao.approval.leader_display)."""
    from weibao.approval import leader_display

    return leader_display() == "hide" and not sees_small_counts()


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
def policy_documents(db: DbKey) -> pd.DataFrame:
    return _query(db, "select source_doc, title_zh from dim_policy_documents")


@_loader
def jurisdictions(db: DbKey) -> pd.DataFrame:
    """The committees served (committees.csv) and the documents' jurisdictions."""
    sql = """
        select org_unit_code, org_unit_name, level from dim_org_units
        where is_committee or is_document_jurisdiction order by level_rank, org_unit_code
    """
    return _query(db, sql)


@_loader
def _default_org(db: DbKey) -> pd.DataFrame:
    sql = """
        select org_unit_code from dim_org_units
        where is_committee order by committee_order limit 1
    """
    return _query(db, sql)


def default_org() -> str:
    """The first committee of committees.csv: the jurisdiction a page opens on."""
    found = _default_org()
    return str(found["org_unit_code"].iloc[0]) if len(found) else ""


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
            v.target_is_demo, v.target_basis, tg.derivation_note, tg.derivation_note_en,
            v.status, v.gap, v.is_demo, v.approval_status,
            v.indicator_code is not null as has_row
        from dim_indicators i
        left join fct_indicator_values v
            on v.indicator_code = i.indicator_code and v.org_unit_code = ? and v.year = ?
        left join dim_targets tg on tg.indicator_code = v.indicator_code
            and tg.org_unit_code = v.target_org_unit_code and tg.year = v.year
        order by i.sort_order, i.indicator_code
    """
    return _query(db, sql, [org_unit_code, year])


@_loader
def child_values(db: DbKey, org_unit_code: str, indicator_code: str, year: int) -> pd.DataFrame:
    """The indicator for each unit one level below, lowest value first."""
    sql = """
        select o.org_unit_code, o.org_unit_name, o.level, v.numerator, v.denominator,
            v.value, v.comparator, v.target_value, v.target_value_high, v.target_is_demo,
            v.target_basis, v.status, v.gap, v.is_demo, v.approval_status, i.counts_children
        from dim_org_units o
        join fct_indicator_values v
            on v.org_unit_code = o.org_unit_code and v.indicator_code = ? and v.year = ?
        join dim_indicators i on i.indicator_code = v.indicator_code
        where o.parent_code = ?
    """
    # Sorted after suppression: sorted before, the place of a "<5" row among the others
    # would tell its value.
    frame = _query(db, sql, [indicator_code, year, org_unit_code])
    if hides_unapproved():
        frame = hide_unapproved(frame)
    frame = (
        frame.assign(suppressed=False, small_counts_shown=True)
        if sees_small_counts()
        else suppress_frame(frame)
    )
    order = frame.sort_values(["value", "org_unit_code"], na_position="first").index
    return frame.loc[order].reset_index(drop=True)


@_loader
def trend(db: DbKey, org_unit_code: str, indicator_code: str) -> pd.DataFrame:
    sql = """
        select v.year, v.value, v.numerator, v.denominator, v.comparator, v.target_value,
            v.target_value_high, v.target_is_demo, v.target_basis, tg.derivation_note,
            tg.derivation_note_en, v.status, v.gap, v.is_demo, v.approval_status, v.level,
            i.counts_children
        from fct_indicator_values v join dim_indicators i on i.indicator_code = v.indicator_code
        left join dim_targets tg on tg.indicator_code = v.indicator_code
            and tg.org_unit_code = v.target_org_unit_code and tg.year = v.year
        where v.org_unit_code = ? and v.indicator_code = ?
        order by v.year
    """
    return _query(db, sql, [org_unit_code, indicator_code])


@_loader
def targets(db: DbKey, org_unit_code: str, indicator_code: str) -> pd.DataFrame:
    """Targets declared for the unit or any unit above it, nearest first."""
    sql = f"""
        with chain as ({_ANCESTORS})
        select t.year, chain.org_unit_name, t.comparator, t.target_value, t.target_value_high,
            t.source_doc, t.source_clause, t.is_demo, t.basis, t.derivation_note,
            t.derivation_note_en, t.note
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
    return _query(db, mart_sql.REPORTING_COUNTS, [org_unit_code, year])


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
    return _query(db, mart_sql.OVERDUE, [org_unit_code, year])


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
    return m.assign(seq=m.seq.astype(int)).sort_values("seq", ascending=False).head(n)


# ---- issue 4: units, supervision list, six protections, work plan ----------------------

TASK_PROGRESS_COLUMNS = (
    "task_id", "member_unit_id", "year", "quarter", "period", "status", "note", "received_at",
    "is_demo",
)  # fmt: skip


def _has_table(db: DbKey, name: str) -> bool:
    sql = (
        "select count(*) as n from information_schema.tables "
        "where table_schema = current_schema() and table_name = ?"
    )
    return bool(_query(db, sql, [name])["n"].iloc[0])


@_loader
def document_jurisdiction(db: DbKey, org_unit_code: str) -> pd.DataFrame:
    """The nearest document jurisdiction at or above the unit (whose member units and tasks
    apply to it)."""
    sql = f"""
        with chain as ({_ANCESTORS})
        select chain.org_unit_code, chain.org_unit_name, chain.level from chain
        join dim_org_units d on d.org_unit_code = chain.org_unit_code
        where d.is_document_jurisdiction
        order by chain.level_rank desc limit 1
    """
    return _query(db, sql, [org_unit_code])


@_loader
def member_units(db: DbKey, jurisdiction_code: str) -> pd.DataFrame:
    sql = """
        select member_unit_id, agency_code, name_zh, agency_name_en, duties_zh, source_doc,
            source_clause
        from dim_member_units where jurisdiction_code = ? order by member_unit_id
    """
    return _query(db, sql, [jurisdiction_code])


@_loader
def unit_progress(db: DbKey, org_unit_code: str, year: int) -> pd.DataFrame:
    """Pace to the deadline year (Open SDG) for every indicator of one unit and year."""
    sql = """
        select indicator_code, progress_status, caveat, target_year, progress_ratio,
            approval_status
        from fct_indicator_progress where org_unit_code = ? and year = ?
    """
    return _query(db, sql, [org_unit_code, year])


@_loader
def in_year(db: DbKey, org_unit_code: str, year: int) -> pd.DataFrame:
    """Within-year status at the latest quarter reported, per quarterly indicator, with the
    year's figure's approval status (the latest quarters' submissions are behind both)."""
    sql = """
        select y.indicator_code, y.quarter, y.in_year_status, y.prorated_target,
            y.projected_year_end, v.approval_status
        from fct_indicator_values_in_year y
        left join fct_indicator_values v on v.indicator_code = y.indicator_code
            and v.org_unit_code = y.org_unit_code and v.year = y.year
        where y.org_unit_code = ? and y.year = ? and y.quarter = (
            select max(quarter) from fct_indicator_values_in_year z
            where z.indicator_code = y.indicator_code and z.org_unit_code = y.org_unit_code
                and z.year = y.year)
    """
    return _query(db, sql, [org_unit_code, year])


@_loader
def led_indicators(db: DbKey, jurisdiction_code: str, year: int) -> pd.DataFrame:
    """Each member unit × indicator it leads (its agency among the responsible units), with the
    jurisdiction's own annual status and pace for the year."""
    sql = """
        select m.member_unit_id, i.*, v.level, v.numerator, v.denominator, v.value,
            v.comparator, v.target_value, v.target_value_high, v.target_is_demo,
            v.target_basis, v.status, v.gap, v.is_demo, v.approval_status, p.progress_status,
            p.caveat
        from dim_member_units m
        join dim_indicators i
            on position(';' || m.agency_code || ';' in ';' || i.responsible_units || ';') > 0
        left join fct_indicator_values v on v.indicator_code = i.indicator_code
            and v.org_unit_code = m.jurisdiction_code and v.year = ?
        left join fct_indicator_progress p on p.indicator_code = i.indicator_code
            and p.org_unit_code = m.jurisdiction_code and p.year = ?
        where m.jurisdiction_code = ?
        order by m.member_unit_id, i.sort_order
    """
    return _query(db, sql, [year, year, jurisdiction_code])


@_loader
def tasks(db: DbKey, jurisdiction_code: str, year: int) -> pd.DataFrame:
    """The jurisdiction's work-plan tasks in force in the year (issued that year or before),
    with the linked indicator's name and its annual status for the jurisdiction."""
    sql = """
        select t.task_id, t.year as plan_year, t.title_zh, t.detail_zh, t.protection_domain,
            t.indicator_code, i.name_zh as indicator_name_zh, i.name_en as indicator_name_en,
            v.status as indicator_status, t.source_doc, t.source_clause
        from dim_tasks t
        left join dim_indicators i on i.indicator_code = t.indicator_code
        left join fct_indicator_values v on v.indicator_code = t.indicator_code
            and v.org_unit_code = t.jurisdiction_code and v.year = ?
        where t.jurisdiction_code = ? and t.year <= ?
        order by t.task_id
    """
    return _query(db, sql, [year, jurisdiction_code, year])


@_loader
def task_units(db: DbKey, jurisdiction_code: str) -> pd.DataFrame:
    """Task × responsible member unit (bridge) for the jurisdiction's tasks."""
    sql = """
        select b.task_id, b.member_unit_id, m.name_zh, m.agency_name_en
        from bridge_task_member_units b
        join dim_tasks t on t.task_id = b.task_id
        join dim_member_units m on m.member_unit_id = b.member_unit_id
        where t.jurisdiction_code = ?
        order by b.task_id, b.member_unit_id
    """
    return _query(db, sql, [jurisdiction_code])


@_loader
def task_progress(db: DbKey, jurisdiction_code: str, year: int) -> pd.DataFrame:
    """Quarterly task progress for the jurisdiction's tasks in the year; empty (with its
    columns) while the warehouse has no fct_task_progress yet."""
    if not _has_table(db, "fct_task_progress"):
        return pd.DataFrame(columns=list(TASK_PROGRESS_COLUMNS))
    sql = f"""
        select {", ".join("p." + c for c in TASK_PROGRESS_COLUMNS)}
        from fct_task_progress p join dim_tasks t on t.task_id = p.task_id
        where t.jurisdiction_code = ? and p.year = ?
        order by p.task_id, p.member_unit_id, p.quarter
    """
    return _query(db, sql, [jurisdiction_code, year])


@_loader
def agency_submissions(db: DbKey, jurisdiction_code: str, year: int) -> pd.DataFrame:
    """Each agency's submissions due in the jurisdiction's counties: counts by status."""
    sql = """
        select s.agency_code,
            cast(sum(case when s.status = 'on_time' then 1 else 0 end) as bigint) as on_time,
            cast(sum(case when s.status = 'late' then 1 else 0 end) as bigint) as late,
            cast(sum(case when s.status = 'missing' then 1 else 0 end) as bigint) as missing,
            cast(sum(case when s.status = 'pending' then 1 else 0 end) as bigint) as pending,
            cast(count(*) as bigint) as expected
        from fct_submission_status s
        join dim_org_units c on c.org_unit_code = s.jurisdiction_code
        where ? in (c.county_code, c.city_code, c.province_code) and s.year = ?
        group by s.agency_code order by s.agency_code
    """
    return _query(db, sql, [jurisdiction_code, year])


# Villages' own supervision items are listed only when a township or a village is chosen.
_VILLAGES_ONLY_BELOW_COUNTY = """(coalesce(s.level, o.level) <> 'village' or exists (
    select 1 from dim_org_units x where x.org_unit_code = ? and x.level in ('township', 'village')))"""


@_loader
def supervision_items(
    db: DbKey,
    jurisdiction_code: str,
    org_unit_code: str,
    year: int,
    own_only: bool = False,
    hide: bool = False,
) -> pd.DataFrame:
    """The jurisdiction's lagging items for the year within the chosen unit's area, with the
    indicator or task they concern; higher levels first. A task item takes the level of the
    unit it belongs to (the jurisdiction). Villages' own items only for a township or village;
    own_only: the unit's own items alone. hide: items on figures not yet approved left out."""
    sql = f"""
        select s.item_id, s.item_kind, s.jurisdiction_code, s.org_unit_code,
            coalesce(s.level, o.level) as level, s.year, s.indicator_code, s.task_id, s.status,
            s.progress_status, s.value, s.target_value, s.gap, s.responsible_units_zh,
            s.responsible_member_units, s.source_doc, s.source_clause, s.lagging_since,
            s.is_demo, o.org_unit_name, o.level_rank,
            coalesce(i.protection_domain, t.protection_domain) as protection_domain,
            i.name_zh, i.name_en, i.value_kind, i.unit_zh, i.unit_en, i.counts_children,
            i.gap_template_zh, i.gap_template_en, t.title_zh as task_title_zh,
            v.numerator, v.denominator, v.comparator, v.target_value_high, v.approval_status
        from fct_supervision_items s
        join dim_org_units o on o.org_unit_code = s.org_unit_code
        left join dim_indicators i on i.indicator_code = s.indicator_code
        left join fct_indicator_values v on v.indicator_code = s.indicator_code
            and v.org_unit_code = s.org_unit_code and v.year = s.year
        left join dim_tasks t on t.task_id = s.task_id
        where s.jurisdiction_code = ? and s.year = ?
            and ? in (o.org_unit_code, o.township_code, o.county_code, o.city_code,
                o.province_code)
            and {_VILLAGES_ONLY_BELOW_COUNTY} and (not ? or s.org_unit_code = ?)
            {"and " + approved_item_sql("v") if hide else ""}
        order by o.level_rank, s.item_kind, i.sort_order, s.task_id, s.org_unit_code
    """
    params = [jurisdiction_code, year, org_unit_code, org_unit_code, own_only, org_unit_code]
    return _query(db, sql, params)


def dbt_vars() -> dict[str, Any]:
    """The vars of dbt_project.yml (status thresholds), as the models read them; read on every
    run (a small file), so the page cannot drift from the models."""
    import yaml

    from weibao.paths import ROOT

    return dict(yaml.safe_load((ROOT / "dbt_project.yml").read_text(encoding="utf-8"))["vars"])


def is_demo(org_unit_code: str, year: int) -> bool:
    flags = demo_flags(org_unit_code, year)
    return bool(flags.iloc[0]["values_demo"] or flags.iloc[0]["targets_demo"])


def clear() -> None:
    st.cache_data.clear()


# ---- issue 7: national scale (search picker, paged regions, grouped supervision) ----------

_PATH_NAMES = """
    , above as (
        -- only the few units named in the hits' codes, not all 665k: a semi-join on the
        -- code, so the four joins below are on at most 4 × limit rows
        select org_unit_code, org_unit_name from dim_org_units
        where org_unit_code in (
            select province_code from hits union select city_code from hits
            union select county_code from hits union select township_code from hits)
    )
    select h.*, concat_ws(' › ', p.org_unit_name, c.org_unit_name, k.org_unit_name,
            w.org_unit_name) as path
    from hits h
    left join above p on p.org_unit_code = h.province_code and h.level <> 'province'
    left join above c on c.org_unit_code = h.city_code and h.level <> 'city'
    left join above k on k.org_unit_code = h.county_code and h.level <> 'county'
    left join above w on w.org_unit_code = h.township_code and h.level <> 'township'
"""


@_loader
def search_units(db: DbKey, text: str, limit: int, within: str = "") -> pd.DataFrame:
    """Units whose code starts with text or whose name contains it, with the path of the
    units above them (省 › 市 › 县 › 乡); an exact code or name first, then higher levels, then code.
    At most limit rows: a picker never lists every unit.

    Digits alone are a code prefix, and the scan of every name is skipped (no division name is
    written in ASCII digits); anything else is looked for in the names. `within`, a signed-in
    user's jurisdiction, limits the search to it and below before the limit is applied, so
    that units elsewhere never crowd out the user's own."""
    if text.isascii() and text.isdigit():
        match, params = "substr(org_unit_code, 1, ?) = ?", [len(text), text]
    else:
        match, params = "position(? in org_unit_name) > 0", [text]
    sql = f"""
        with hits as (
            select org_unit_code, org_unit_name, level, level_rank, province_code, city_code,
                county_code, township_code,
                case when org_unit_code = ? or org_unit_name = ? then 0
                    when position(? in org_unit_name) = 1 then 1 else 2 end as rank_match
            from dim_org_units
            where {match} and substr(org_unit_code, 1, ?) = ?
            order by rank_match, level_rank, org_unit_code
            limit ?
        )
        {_PATH_NAMES}
        order by h.rank_match, h.level_rank, h.org_unit_code
    """
    # position/substr rather than starts_with/contains: the same SQL on DuckDB and PostgreSQL;
    # no LIKE, so % and _ typed in the search are plain characters.
    return _query(db, sql, [text, text, text, *params, len(within), within, limit])


@_loader
def children(db: DbKey, org_unit_code: str) -> pd.DataFrame:
    """The units one level below, by code."""
    sql = """
        select org_unit_code, org_unit_name, level from dim_org_units
        where parent_code = ? order by org_unit_code
    """
    return _query(db, sql, [org_unit_code])


@_loader
def unit_value(db: DbKey, org_unit_code: str, indicator_code: str, year: int) -> pd.DataFrame:
    """One indicator's row for one unit and year (a village's own value), or no row. With the
    indicator's counts_children, so that the loader suppresses a small count of children."""
    sql = """
        select v.org_unit_code, v.level, v.numerator, v.denominator, v.value, v.comparator,
            v.target_value, v.target_value_high, v.target_is_demo, v.target_basis, v.status,
            v.gap, v.is_demo, v.approval_status, i.counts_children
        from fct_indicator_values v
        join dim_indicators i on i.indicator_code = v.indicator_code
        where v.org_unit_code = ? and v.indicator_code = ? and v.year = ?
    """
    return _query(db, sql, [org_unit_code, indicator_code, year])


# joined only in `hide` mode, where an item on a figure not yet approved is not counted
_ITEM_VALUES = """left join fct_indicator_values v on v.indicator_code = s.indicator_code
    and v.org_unit_code = s.org_unit_code and v.year = s.year"""
_IN_AREA = """? in (o.org_unit_code, o.township_code, o.county_code, o.city_code,
    o.province_code)"""


@_loader
def supervision_count(
    db: DbKey, jurisdiction_code: str, org_unit_code: str, year: int, hide: bool = False
) -> pd.DataFrame:
    """How many items (column n) the Supervision page lists for the unit, counted in SQL."""
    sql = f"""
        select cast(count(*) as bigint) as n from fct_supervision_items s
        join dim_org_units o on o.org_unit_code = s.org_unit_code
        {_ITEM_VALUES if hide else ""}
        where s.jurisdiction_code = ? and s.year = ? and {_IN_AREA}
            and {_VILLAGES_ONLY_BELOW_COUNTY}
            {"and " + approved_item_sql("v") if hide else ""}
    """
    return _query(db, sql, [jurisdiction_code, year, org_unit_code, org_unit_code])


@_loader
def supervision_groups(
    db: DbKey, org_unit_code: str, year: int, hide: bool = False
) -> pd.DataFrame:
    """Above the county: lagging items of every committee in the area, counted per unit one
    level below (villages' own items left out), the units with most targets missed first.
    hide: items on figures not yet approved are not counted."""
    sql = f"""
        with area as (
            select org_unit_code, org_unit_name, level from dim_org_units where parent_code = ?
        ),
        items as (
            select s.item_kind, s.status, s.lagging_since,
                case ? when 'province' then o.city_code else o.county_code end as group_code
            from fct_supervision_items s
            join dim_org_units o on o.org_unit_code = s.org_unit_code
            {_ITEM_VALUES if hide else ""}
            where s.year = ? and coalesce(s.level, o.level) <> 'village'
                and ? in (o.province_code, o.city_code)
                {"and " + approved_item_sql("v") if hide else ""}
        )
        select a.org_unit_code, a.org_unit_name, a.level,
            cast(count(i.group_code) as bigint) as items,
            cast(sum(case when i.status = 'not_achieved' then 1 else 0 end) as bigint)
                as not_achieved,
            cast(sum(case when i.item_kind = 'indicator' then 1 else 0 end) as bigint)
                as indicator_items,
            cast(sum(case when i.item_kind = 'task' then 1 else 0 end) as bigint) as task_items,
            min(i.lagging_since) as lagging_since
        from area a left join items i on i.group_code = a.org_unit_code
        group by 1, 2, 3
        order by not_achieved desc, items desc, a.org_unit_code
    """
    level = _query(db, "select level from dim_org_units where org_unit_code = ?", [org_unit_code])
    if level.empty:
        return pd.DataFrame()
    return _query(db, sql, [org_unit_code, str(level["level"].iloc[0]), year, org_unit_code])
