"""Every query of the meeting brief. Reads only the published marts (docs/contract.md).

Each call opens a short-lived read-only connection and closes it, so a brief being built never
blocks the next `weibao build` (CONVENTIONS.md, DuckDB locks). With WEIBAO_ENGINE=postgres the
same SQL reads the published PostgreSQL schema (weibao/engines/).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from weibao import engines, mart_sql
from weibao.engines import EngineError
from weibao.errors import WeibaoError
from weibao.suppression import suppress_frame

_CHAIN = """
    select a.* from dim_org_units u
    join dim_org_units a on a.org_unit_code in
        (u.province_code, u.city_code, u.county_code, u.township_code, u.org_unit_code)
    where u.org_unit_code = ?
"""
_UNDER = "? in (o.org_unit_code, o.township_code, o.county_code, o.city_code, o.province_code)"


def _query(warehouse: Path, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    """On DuckDB, `warehouse` is the published file; another engine (WEIBAO_ENGINE) reads its
    own publication with the same SQL and ignores it."""
    if engines.engine_name() != "duckdb":
        try:
            return engines.get().query(sql, params)
        except EngineError as exc:
            raise WeibaoError(
                f"无法读取已发布的数据({engines.get().describe()})",
                f"cannot read the publication at {engines.get().describe()}",
                "先运行 weibao build --engine postgres,并检查 PG* 连接变量",
                [str(exc)[:600]],
            ) from exc
    if not warehouse.is_file():
        raise WeibaoError(
            f"找不到已发布的数据文件 {warehouse}",
            f"no published warehouse at {warehouse}",
            "先运行 weibao build(或 weibao demo 生成示例数据)",
        )
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()


def org_unit(warehouse: Path, code: str) -> pd.Series:
    """The jurisdiction's row; a WeibaoError naming the document jurisdictions if unknown."""
    found = _query(warehouse, "select * from dim_org_units where org_unit_code = ?", [code])
    if found.empty:
        known = _query(
            warehouse,
            "select org_unit_code, org_unit_name from dim_org_units "
            "where is_document_jurisdiction order by level_rank, org_unit_code",
        )
        listed = "、".join(f"{c} {n}" for c, n in known.itertuples(index=False))
        raise WeibaoError(
            f"未知的辖区代码 {code}",
            f"unknown jurisdiction code {code}",
            f"使用国家统计局区划代码,例如: {listed}",
        )
    return found.iloc[0]


def chain(warehouse: Path, code: str) -> pd.DataFrame:
    """The unit and every unit above it, top first."""
    return _query(warehouse, _CHAIN + " order by a.level_rank", [code])


def years_with_data(warehouse: Path, code: str) -> list[int]:
    sql = """
        select year from fct_indicator_values where org_unit_code = ?
        union select year from dim_targets where org_unit_code = ?
        order by year
    """
    return [int(y) for y in _query(warehouse, sql, [code, code])["year"]]


def audience(frame: pd.DataFrame, internal: bool) -> pd.DataFrame:
    """What the brief's reader may see of a frame of indicator values: a statistician's internal
    version everything (small counts shown); a leader's, small counts suppressed and figures not
    yet approved hidden when the setting says so (weibao.approval.leader_display)."""
    if internal:
        return frame.assign(suppressed=False, small_counts_shown=True, approval_hidden=False)
    from weibao.approval import hide_unapproved, leader_display

    if leader_display() == "hide":
        frame = hide_unapproved(frame)
    return suppress_frame(frame)


def indicators(warehouse: Path, code: str, year: int, internal: bool = False) -> pd.DataFrame:
    """Every catalog indicator with the unit's value for the year (if any), the target that
    applies (the value row's, else one declared for the unit itself) and its clause."""
    sql = """
        select i.*, v.indicator_code is not null as has_row, v.level, v.numerator,
            v.denominator, v.value,
            coalesce(v.comparator, d.comparator) as comparator,
            coalesce(v.target_value, d.target_value) as target_value,
            coalesce(v.target_value_high, d.target_value_high) as target_value_high,
            coalesce(v.target_is_demo, d.is_demo, false) as target_is_demo,
            coalesce(v.target_basis, d.basis) as target_basis,
            coalesce(t.derivation_note, d.derivation_note) as derivation_note,
            coalesce(t.derivation_note_en, d.derivation_note_en) as derivation_note_en,
            coalesce(v.status, 'no_data') as status, v.gap,
            coalesce(v.is_demo, false) as is_demo, v.approval_status,
            coalesce(t.source_doc, d.source_doc, i.source_doc) as clause_doc,
            coalesce(t.source_clause, d.source_clause, i.source_clause) as clause_text
        from dim_indicators i
        left join fct_indicator_values v
            on v.indicator_code = i.indicator_code and v.org_unit_code = ? and v.year = ?
        left join dim_targets t
            on t.indicator_code = i.indicator_code and t.org_unit_code = v.target_org_unit_code
            and t.year = v.year
        left join dim_targets d
            on d.indicator_code = i.indicator_code and d.org_unit_code = ? and d.year = ?
            and v.indicator_code is null
        order by i.sort_order, i.indicator_code
    """
    return audience(_query(warehouse, sql, [code, year, code, year]), internal)


def supervision(
    warehouse: Path, code: str, jurisdiction: str | None, year: int, internal: bool = False
) -> pd.DataFrame:
    """The supervision items of the unit's committee (its nearest document jurisdiction) for
    the unit and everything below it, own level first, longest lagging first; villages' own
    items only for a township or a village (as on the Supervision page). A leader's brief in
    `hide` mode leaves out items on figures not yet approved, by the page's rule."""
    from weibao.approval import approved_item_sql, leader_display

    hide = not internal and leader_display() == "hide"
    sql = f"""
        select s.*, o.org_unit_name, o.level_rank, i.name_zh, i.name_en, i.value_kind,
            i.unit_zh, i.unit_en, i.gap_template_zh, i.gap_template_en, i.counts_children,
            i.sort_order, k.title_zh as task_title, v.numerator, v.denominator,
            v.comparator, v.target_value_high, v.approval_status
        from fct_supervision_items s
        join dim_org_units o on o.org_unit_code = s.org_unit_code
        left join fct_indicator_values v
            on v.indicator_code = s.indicator_code and v.org_unit_code = s.org_unit_code
            and v.year = s.year
        left join dim_indicators i on i.indicator_code = s.indicator_code
        left join dim_tasks k on k.task_id = s.task_id
        where s.year = ? and s.jurisdiction_code is not distinct from ? and {_UNDER}
            and (coalesce(s.level, o.level) <> 'village' or exists (select 1 from dim_org_units x
                where x.org_unit_code = ? and x.level in ('township', 'village')))
            {"and " + approved_item_sql("v") if hide else ""}
        order by o.level_rank, s.lagging_since, i.sort_order, s.indicator_code, s.task_id,
            s.org_unit_code
    """
    return audience(_query(warehouse, sql, [year, jurisdiction, code, code]), internal)


def member_units(warehouse: Path, jurisdiction: str | None) -> pd.DataFrame:
    sql = """
        select member_unit_id, agency_code, name_zh, agency_name_en, duties_zh
        from dim_member_units where jurisdiction_code = ? order by member_unit_id
    """
    return _query(warehouse, sql, [jurisdiction])


def reporting_counts(warehouse: Path, area: str, year: int) -> pd.DataFrame:
    return _query(warehouse, mart_sql.REPORTING_COUNTS, [area, year])


def overdue(warehouse: Path, area: str, year: int) -> pd.DataFrame:
    """Missing and late submissions in the area's counties, missing first, most overdue first."""
    return _query(warehouse, mart_sql.OVERDUE, [area, year])


def demo_flags(warehouse: Path, code: str, year: int) -> bool:
    """Whether any figure or target the brief shows for the unit and year is demo data."""
    sql = f"""
        select
            coalesce((select bool_or(v.is_demo or coalesce(v.target_is_demo, false))
                from fct_indicator_values v
                join dim_org_units o on o.org_unit_code = v.org_unit_code
                where {_UNDER} and v.year = ?), false)
            or coalesce((select bool_or(is_demo) from dim_targets
                where org_unit_code = ? and year = ?), false)
            or coalesce((select bool_or(s.is_demo) from fct_submission_status s
                join dim_org_units o on o.org_unit_code = s.jurisdiction_code
                where {_UNDER} and s.year = ?), false)
    """
    return bool(_query(warehouse, sql, [code, year, code, year, code, year]).iloc[0, 0])


def document_titles(warehouse: Path) -> dict[str, str]:
    """Policy file name → title; a warehouse published before dim_policy_documents existed
    falls back to the file names."""
    try:
        rows = _query(warehouse, "select source_doc, title_zh from dim_policy_documents")
    except (duckdb.Error, WeibaoError):
        return {}
    return dict(zip(rows["source_doc"], rows["title_zh"], strict=True))
