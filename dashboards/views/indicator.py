"""指标 Indicator: definition, source clause, targets, trend with the target line, data."""

from __future__ import annotations

import charts
import data
import exports
import pandas as pd
import streamlit as st
import ui

from weibao.i18n import (
    basis_word,
    count_text,
    fmt_target,
    gap_text,
    status_with_mark,
    t,
    target_basis,
    value_text,
)

STAFF_CHECKS = ("staff_check_hire_rate", "staff_check_annual_rate")


def definition(ind: pd.Series, lang: str) -> None:
    zh = lang == "zh"
    st.subheader(ind["name_zh"] if zh else ind["name_en"])
    st.markdown(f"**{t('definition', lang)}**: {ind['definition_zh' if zh else 'definition_en']}")
    num, den = (
        (ind["numerator_zh"], ind["denominator_zh"])
        if zh
        else (ind["numerator_en"], ind["denominator_en"])
    )
    st.markdown(f"**{t('numerator', lang)}**: {num}  \n**{t('denominator', lang)}**: {den}")
    unit = ind["unit_zh"] if zh else ind["unit_en"]
    responsible = ui.responsible(ind, lang)
    st.markdown(
        f"**{t('unit', lang)}**: {unit}  \n**{t('responsible_units', lang)}**: {responsible}"
    )
    st.markdown(
        f"**{t('source', lang)}**:\n\n> {ind['source_clause']}\n>\n> — {ui.doc_label(ind['source_doc'])}"
    )


def targets(code: str, ind: pd.Series, lang: str) -> None:
    """This year's applicable target (nearest unit with one) with its source; all years below."""
    st.subheader(t("targets_heading", lang))
    frame = data.targets(code, str(ind.name))
    this_year = frame[frame["year"] == ui.year()]
    if this_year.empty:
        st.info(t("no_targets", lang), icon=":material/info:")
    else:
        row = this_year.iloc[0]
        with st.container(border=True):
            badge = ui.basis_badge(row, lang)
            st.markdown(
                f"**{t('this_year_target', lang, year=ui.year())}**: {fmt_target(row, ind, lang)}"
                f" ({row['org_unit_name']}) {badge}",
                help=ui.derivation_help(row, lang),
            )
            st.markdown(f"> {row['source_clause']}\n>\n> — {ui.doc_label(row['source_doc'])}")
            if row["basis"] == "derived":
                st.caption(f"{t('derivation', lang)}: {ui.derivation_text(row, lang)}")
    if frame.empty:
        return
    with st.expander(t("all_targets", lang), icon=":material/flag:"):
        st.dataframe(
            pd.DataFrame(
                {
                    t("year", lang): frame["year"].astype(str),
                    t("jurisdiction_of_target", lang): frame["org_unit_name"],
                    t("target", lang): [fmt_target(r, ind, lang) for _, r in frame.iterrows()],
                    t("target_basis", lang): [basis_word(b, lang) for b in frame["basis"]],
                    t("derivation", lang): [
                        ui.derivation_text(r, lang) for _, r in frame.iterrows()
                    ],
                    t("source", lang): frame["source_doc"].map(ui.doc_label)
                    + " "
                    + frame["source_clause"].fillna(""),
                }
            ),
            hide_index=True,
            width="stretch",
        )


def data_table(frame: pd.DataFrame, ind: pd.Series, lang: str) -> pd.DataFrame:
    rows = [r for _, r in frame.iterrows()]
    return pd.DataFrame(
        {
            t("year", lang): frame["year"].astype(int),
            t("value", lang): [value_text(r, ind, lang) for r in rows],
            t("numerator", lang): [count_text(r, "numerator", ind) for r in rows],
            t("denominator", lang): [count_text(r, "denominator", ind) for r in rows],
            t("target", lang): [fmt_target(r, ind, lang) for _, r in frame.iterrows()],
            t("target_basis", lang): [
                basis_word(target_basis(r), lang) for _, r in frame.iterrows()
            ],
            t("status", lang): [status_with_mark(r, lang) for r in rows],
            t("gap", lang): [gap_text(ind, r, lang) for _, r in frame.iterrows()],
            t("data_kind", lang): [
                t("demo_badge" if (r["is_demo"] or r["target_is_demo"]) else "real_data", lang)
                for _, r in frame.iterrows()
            ],
        }
    )


def trend(code: str, ind: pd.Series, lang: str) -> None:
    frame = data.trend(code, str(ind.name))
    st.subheader(t("trend_heading", lang))
    if frame.empty:
        st.info(t("not_at_level", lang), icon=":material/info:")
        return
    st.plotly_chart(charts.trend_line(frame, ind, lang), config={"displaylogo": False})
    st.subheader(t("data_heading", lang))
    table = data_table(frame, ind, lang)
    st.dataframe(table, hide_index=True, width="stretch")
    demo = "_示例数据" if frame["is_demo"].any() or frame["target_is_demo"].any() else ""
    st.download_button(
        t("download_csv", lang),
        exports.csv_bytes(table),
        file_name=f"{ind.name}_{code}{demo}.csv",
        mime="text/csv",
        icon=":material/download:",
    )


def sectors(code: str, lang: str) -> None:
    frame = data.staff_by_sector(code, ui.year())
    if frame.empty:
        return
    st.subheader(t("sector_heading", lang))
    st.plotly_chart(charts.sector_bars(frame, lang), config={"displaylogo": False})
    shown = frame.rename(columns={c: t(c, lang) for c in frame.columns if c != "is_demo"})
    st.dataframe(shown.drop(columns=["is_demo"]), hide_index=True, width="stretch")


lang = ui.lang()
ui.header("indicator")
chosen = ui.choose_indicator(lang)
left, right = st.columns([3, 2])
with left:
    definition(chosen, lang)
with right:
    targets(ui.org(), chosen, lang)
trend(ui.org(), chosen, lang)
if chosen.name in STAFF_CHECKS:
    sectors(ui.org(), lang)
