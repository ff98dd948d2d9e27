"""方法说明 Methodology: how each status is computed, in plain words. The thresholds are read
from dbt_project.yml's vars, the same values the models use."""

from __future__ import annotations

import data
import pandas as pd
import streamlit as st
import ui

from weibao.i18n import METHODOLOGY, STATUS_MEANINGS, STATUSES, status_badge, t


def thresholds() -> dict[str, str]:
    """The dbt vars, written as the text shows them: 0.95, 0.6, 15%."""
    v = data.dbt_vars()
    return {
        "on_track": f"{float(v['progress_on_track']):g}",
        "acceleration": f"{float(v['progress_acceleration']):g}",
        "tolerance": f"{100 * float(v['within_year_tolerance']):g}%",
    }


def threshold_metrics(values: dict[str, str], lang: str) -> None:
    cols = st.columns(3)
    cols[0].metric(t("threshold_on_track", lang), values["on_track"])
    cols[1].metric(t("threshold_acceleration", lang), values["acceleration"])
    cols[2].metric(t("threshold_tolerance", lang), values["tolerance"].lstrip("±"))
    st.caption(t("threshold_source", lang) + " (`progress_on_track`, `progress_acceleration`, "
               "`within_year_tolerance`)")  # fmt: skip


def status_table(values: dict[str, str], lang: str) -> None:
    """The eight status words with their badge (colour, icon, word) and meaning."""
    st.subheader(t("status_table_heading", lang))
    rows = [
        {
            t("status", lang): status_badge(code, lang),
            t("meaning", lang): STATUS_MEANINGS[code][lang].format(**values),
        }
        for code in STATUSES
    ]
    st.table(pd.DataFrame(rows), hide_index=True)


lang = ui.lang()
st.title(t("methodology", lang))
values = thresholds()
st.subheader(t("thresholds", lang))
threshold_metrics(values, lang)
status_table(values, lang)
for _, text in METHODOLOGY:
    with st.container(border=True):
        st.markdown(text[lang].format(**values))
