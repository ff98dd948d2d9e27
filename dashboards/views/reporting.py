"""报送情况 Reporting: who has submitted what, on time, late or missing; the overdue list a
leader can forward; the reporting rate (received ÷ expected) over the years."""

from __future__ import annotations

import datetime as dt

import charts
import data
import exports
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
import ui

from weibao.i18n import agency_name, fmt_count, fmt_date, fmt_rate, submission_status, t
from weibao.submission_types import SUBMISSION_TYPES

STATUSES = ("on_time", "late", "missing", "pending")


def type_name(code: str, lang: str) -> str:
    stype = SUBMISSION_TYPES.get(code)
    return code if stype is None else (stype.name_zh if lang == "zh" else stype.name_en)


def word(code: str, lang: str) -> str:
    return submission_status(code).label(lang)


def summary(counts: pd.DataFrame, lang: str) -> None:
    total = counts.drop(columns=["agency_code", "submission_type"]).sum(numeric_only=True)
    rate = fmt_rate(100 * total["received_count"] / total["expected_count"])
    cols = st.columns(6)
    cols[0].metric(t("expected_count", lang), fmt_count(total["expected_count"]))
    cols[1].metric(t("reporting_rate", lang), rate)
    for col, code in zip(cols[2:], STATUSES, strict=True):
        col.metric(word(code, lang).capitalize(), fmt_count(total[f"{code}_count"]))


def unit_table(counts: pd.DataFrame, lang: str) -> None:
    """Counts per member unit and type; headers carry the status icon, colour and word."""
    head = {
        code: f":{submission_status(code).badge}[{submission_status(code).icon}] {word(code, lang)}"
        for code in STATUSES
    }
    table = pd.DataFrame(
        {
            t("member_unit", lang): [agency_name(a, lang) for a in counts["agency_code"]],
            t("submission_type", lang): [type_name(c, lang) for c in counts["submission_type"]],
            t("expected_count", lang): counts["expected_count"].astype(int),
            **{head[code]: counts[f"{code}_count"].astype(int) for code in STATUSES},
            t("reporting_rate", lang): [fmt_rate(r) for r in counts["reporting_rate"]],
        }
    )
    st.table(table, hide_index=True)


def stacked_bars(counts: pd.DataFrame, lang: str) -> go.Figure:
    labels = [
        f"{agency_name(a, lang)} · {type_name(c, lang)}"
        for a, c in zip(counts["agency_code"], counts["submission_type"], strict=True)
    ]
    fig = go.Figure()
    for code, shape in zip(STATUSES, ("", "/", "x", "."), strict=True):
        s = submission_status(code)
        fig.add_bar(
            y=labels,
            x=counts[f"{code}_count"],
            orientation="h",
            name=s.label(lang),
            marker={
                "color": "white" if s.outline else s.colour,
                "line": {"color": s.colour, "width": 1},
                "pattern": {"shape": shape, "fgcolor": s.colour},
            },
        )
    fig.update_layout(
        barmode="stack",
        height=80 + 36 * len(labels),
        font={"family": charts.FONT},
        margin={"l": 10, "r": 30, "t": 40, "b": 10},
        plot_bgcolor="white",
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
    )
    fig.update_yaxes(autorange="reversed")
    return fig


def overdue_list(area: str, area_name: str, lang: str) -> None:
    st.subheader(t("overdue_heading", lang))
    rows = data.overdue(area, ui.year())
    if rows.empty:
        st.success(t("overdue_none", lang), icon=":material/task_alt:")
        return
    table = pd.DataFrame(
        {
            t("county", lang): rows["county_name"],
            t("member_unit", lang): [agency_name(a, lang) for a in rows["agency_code"]],
            t("submission_type", lang): [type_name(c, lang) for c in rows["submission_type"]],
            t("report_period", lang): rows["period"],
            t("deadline", lang): [fmt_date(d.date(), lang) for d in rows["deadline"]],
            t("status", lang): [word(s, lang) for s in rows["status"]],
            t("days_late", lang): rows["days_late"].astype("Int64"),
            t("data_kind", lang): [
                t("demo_badge" if d else "real_data", lang) for d in rows["is_demo"]
            ],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
    demo = "_示例数据" if rows["is_demo"].any() else ""
    st.download_button(
        t("overdue_csv", lang),
        exports.csv_bytes(table),
        file_name=f"overdue_{area}_{ui.year()}{demo}.csv",
        mime="text/csv",
        icon=":material/download:",
    )
    title = t(
        "overdue_title", lang, area=area_name, year=ui.year(), today=fmt_date(dt.date.today(), lang)
    )
    lines = [
        t(
            f"overdue_line_{r.status}",
            lang,
            county=r.county_name,
            unit=agency_name(r.agency_code, lang),
            type=type_name(r.submission_type, lang) + (f" {r.period}" if "Q" in r.period else ""),
            deadline=fmt_date(r.deadline.date(), lang),
            days=r.days_late,
        )
        for r in rows.itertuples()
    ]
    if demo:
        title = f"({t('demo_badge', lang)}) {title}"
    st.caption(t("overdue_text", lang))
    st.code(
        "\n".join([title, *(f"{i}. {line}" for i, line in enumerate(lines, 1))]),
        language=None,
        wrap_lines=True,
    )


def rate_trend(area: str, lang: str) -> None:
    st.subheader(t("rate_heading", lang))
    frame = data.reporting_trend(area)
    fig = go.Figure()
    for col, colour, dash in (
        ("reporting_rate", "#1565c0", "solid"),
        ("on_time_rate", "#2e7d32", "dash"),
    ):
        fig.add_scatter(
            x=frame["year"].astype(int),
            y=frame[col].astype(float),
            name=t(col, lang),
            mode="lines+markers+text",
            text=[fmt_rate(v) for v in frame[col]],
            textposition="top center",
            line={"color": colour, "dash": dash},
        )
    fig.update_layout(
        height=340,
        font={"family": charts.FONT},
        plot_bgcolor="white",
        margin={"l": 10, "r": 30, "t": 40, "b": 10},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
    )
    fig.update_xaxes(
        tickmode="array", tickvals=frame["year"].astype(int).tolist(), title=t("year", lang)
    )
    fig.update_yaxes(title="%", range=[0, 110])
    st.plotly_chart(fig, config={"displaylogo": False})


lang = ui.lang()
ui.header("reporting")
found = data.reporting_area(ui.org())
area, area_name = str(found["org_unit_code"].iloc[0]), str(found["org_unit_name"].iloc[0])
if area != ui.org():
    st.caption(t("reporting_county_note", lang, name=area_name))
counts = data.reporting_counts(area, ui.year())
if counts.empty:
    st.info(t("no_schedule", lang), icon=":material/info:")
else:
    summary(counts, lang)
    st.subheader(t("by_unit_heading", lang))
    unit_table(counts, lang)
    st.plotly_chart(stacked_bars(counts, lang), config={"displaylogo": False})
    overdue_list(area, area_name, lang)
rate_trend(area, lang)
