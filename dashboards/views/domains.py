"""六大保护 Six protections: the indicators grouped by protection (family, school, society,
online, government, judicial), with targets met, counts by status and a bar per protection."""

from __future__ import annotations

import charts
import data
import pandas as pd
import streamlit as st
import ui

from weibao.i18n import (
    DOMAINS,
    STATUSES,
    domain_name,
    fmt_value,
    gap_text,
    is_suppressed,
    status,
    status_badge,
    t,
)


def statuses(org: str, year: int) -> pd.DataFrame:
    """Indicators computed for the unit: annual status, pace to the deadline, and the latest
    quarter's within-year status for indicators reported quarterly."""
    values = data.unit_values(org, year)
    values = values[values["has_row"]]
    for extra in (data.unit_progress(org, year), data.in_year(org, year)):
        # the value row's own flags (suppressed, approval_status ...) win over the extra's
        shared = [c for c in extra.columns if c in values.columns and c != "indicator_code"]
        values = values.merge(extra.drop(columns=shared), on="indicator_code", how="left")
    return values


def in_year_word(row: pd.Series, lang: str) -> str:
    """'进度正常(第3季度)' for an indicator reported quarterly; '' otherwise."""
    if pd.isna(row["quarter"]):
        return ""
    quarter = t("quarter", lang, q=int(row["quarter"]))
    word = status(row["in_year_status"]).label(lang)
    return f"{word}({quarter})" if lang == "zh" else f"{word} ({quarter})"


def status_counts(values: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Protection (by name, in the law's order) × annual status code → number of indicators."""
    table = pd.crosstab(values["protection_domain"], values["status"].fillna("no_data"))
    table = table.reindex(index=list(DOMAINS), columns=list(STATUSES), fill_value=0)
    table = table.loc[:, table.sum() > 0]
    return table.set_axis([domain_name(d, lang) for d in table.index], axis=0)


def achieved(rows: pd.DataFrame) -> tuple[int, int]:
    """(achieved, with a target) among the protection's indicators."""
    with_target = rows[rows["target_value"].notna()]
    return int((with_target["status"] == "achieved").sum()), len(with_target)


def indicator_table(rows: pd.DataFrame, lang: str) -> None:
    table = pd.DataFrame(
        {
            t("indicator", lang): rows[ui.name_col(lang)],
            t("value", lang): [
                "<5" if is_suppressed(r, r) else fmt_value(r["value"], r, lang)
                for _, r in rows.iterrows()
            ],
            t("target", lang): [ui.target_cell(r, r, lang) for _, r in rows.iterrows()],
            t("annual_status", lang): [status(s).label(lang) for s in rows["status"]],
            t("progress_status", lang): [status(s).label(lang) for s in rows["progress_status"]],
            t("in_year_status", lang): [in_year_word(r, lang) for _, r in rows.iterrows()],
            t("gap", lang): [gap_text(r, r, lang) for _, r in rows.iterrows()],
            t("responsible_units", lang): [ui.responsible(r, lang) for _, r in rows.iterrows()],
        }
    )
    if not table[t("in_year_status", lang)].any():  # no quarterly indicator here
        table = table.drop(columns=t("in_year_status", lang))
    cols = (t("annual_status", lang), t("progress_status", lang))
    ui.show_table(table, lang, cols, {t("indicator", lang): "medium", t("gap", lang): "large"})


def domain_block(code: str, rows: pd.DataFrame, task_count: int, lang: str) -> None:
    with st.container(border=True):
        name = domain_name(code, lang)
        st.subheader(name)
        if rows.empty:
            st.caption(t("domain_no_indicators", lang, n=task_count))
            return
        met, total = achieved(rows)
        left, right = st.columns([1, 3])
        left.metric(
            f"{name} · {t('achieved_label', lang)}", t("achieved_value", lang, x=met, y=total)
        )
        counts = rows["status"].fillna("no_data").value_counts()
        right.markdown(
            "  ".join(f"{status_badge(c, lang)} {counts[c]}" for c in STATUSES if c in counts)
        )
        pace = rows["progress_status"].fillna("no_data").value_counts()
        right.caption(
            f"{t('status_counts_progress', lang)}: "
            + "  ".join(f"{status(c).label(lang)} {pace[c]}" for c in STATUSES if c in pace)
        )
        indicator_table(rows, lang)


lang, year = ui.lang(), ui.year()
ui.header("domains")
values = statuses(ui.org(), year)
juris, _ = ui.doc_jurisdiction(lang)
tasks = data.tasks(juris, year)
st.subheader(t("domain_summary", lang))
ends = [
    f"{t('achieved_label', lang)} {t('achieved_value', lang, x=met, y=total)}" if total else ""
    for met, total in (achieved(values[values["protection_domain"] == d]) for d in DOMAINS)
]
chart = charts.domain_bars(status_counts(values, lang), ends, lang)
st.plotly_chart(chart, config={"displaylogo": False})
for code in DOMAINS:
    domain_tasks = int((tasks["protection_domain"] == code).sum())
    domain_block(code, values[values["protection_domain"] == code], domain_tasks, lang)
