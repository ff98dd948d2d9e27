"""总览 Overview: targets met out of total, then one card per indicator."""

from __future__ import annotations

import data
import pandas as pd
import streamlit as st
import ui

from weibao.i18n import STATUSES, approval_mark, gap_text, status_badge, t, value_text

CARDS_PER_ROW = {"zh": 3, "en": 2}  # English units (yuan/person/year) need the wider card


def counts(values: pd.DataFrame) -> tuple[int, int, int]:
    """(achieved, with a target, not achieved) among indicators computed for this unit."""
    rows = values[values["has_row"]]
    with_target = rows[rows["target_value"].notna()]
    achieved = int((with_target["status"] == "achieved").sum())
    lagging = int((with_target["status"] == "not_achieved").sum())
    return achieved, len(with_target), lagging


def summary(values: pd.DataFrame, lang: str) -> None:
    achieved, total, lagging = counts(values)
    if total == 0:
        st.info(t("no_targets_area", lang), icon=":material/info:")
    left, mid, _ = st.columns([2, 2, 3])
    left.metric(t("achieved_label", lang), t("achieved_value", lang, x=achieved, y=total))
    mid.metric(t("lagging_label", lang), lagging)


def badge_counts(codes: pd.Series, lang: str) -> str:
    """'已达标 3  未达标 4 …' as status badges, in the vocabulary's order."""
    counts = codes.fillna("no_data").value_counts()
    return "  ".join(f"{status_badge(c, lang)} {counts[c]}" for c in STATUSES if c in counts)


def status_counts(values: pd.DataFrame, lang: str) -> None:
    """Indicators of this unit and year by annual status and by pace to the deadline."""
    rows = values[values["has_row"]]
    pace = data.unit_progress(ui.org(), ui.year())
    pace = pace[pace["indicator_code"].isin(rows["indicator_code"])]
    st.markdown(f"**{t('status_counts_annual', lang)}**  {badge_counts(rows['status'], lang)}")
    st.markdown(
        f"**{t('status_counts_progress', lang)}**  {badge_counts(pace['progress_status'], lang)}"
    )


def links(lang: str) -> None:
    """Into the lists of what lags: supervision list (with its count), units, protections."""
    found = data.document_jurisdiction(ui.org())
    juris = str(found["org_unit_code"].iloc[0]) if len(found) else ui.org()
    n = int(data.supervision_count(juris, ui.org(), ui.year())["n"].iloc[0])
    cols = st.columns(3)
    cols[0].page_link(
        "views/supervision.py",
        label=t("go_supervision", lang, n=n),
        icon=":material/assignment_late:",
    )
    cols[1].page_link("views/units.py", label=t("go_units", lang), icon=":material/groups:")
    cols[2].page_link("views/domains.py", label=t("go_domains", lang), icon=":material/category:")


def open_indicator(code: str) -> None:
    st.session_state["indicator_code"] = code
    st.switch_page("views/indicator.py")


def card(row: pd.Series, lang: str) -> None:
    with st.container(border=True):
        name = row[ui.name_col(lang)]
        st.markdown(f"**{name}**")  # in full: long names would be cut in a metric label
        if not row["has_row"]:
            st.metric(name, "—", label_visibility="collapsed")
            st.caption(t("not_at_level", lang))
            return
        # the approval mark goes beside the status word, not into the big figure
        shown = value_text(row, row, lang)
        st.metric(name, shown, label_visibility="collapsed")
        st.markdown(ui.target_markdown(row, row, lang), help=ui.derivation_help(row, lang))
        mark = approval_mark(row, lang)
        st.markdown(status_badge(row["status"], lang) + (f"  :orange[{mark}]" if mark else ""))
        gap = gap_text(row, row, lang)
        if gap:
            st.markdown(f":material/arrow_right_alt: {gap}")
        st.caption(f"{t('responsible_units', lang)}: {ui.responsible(row, lang)}")
        if st.button(
            t("details", lang),
            key=f"open_{row['indicator_code']}",
            type="tertiary",
            icon=":material/open_in_new:",
        ):
            open_indicator(str(row["indicator_code"]))


def cards(values: pd.DataFrame, lang: str) -> None:
    rows = [row for _, row in values.iterrows()]
    per_row = CARDS_PER_ROW.get(lang, 3)
    for start in range(0, len(rows), per_row):
        for col, row in zip(st.columns(per_row), rows[start : start + per_row], strict=False):
            with col:
                card(row, lang)


lang = ui.lang()
ui.header("overview")
unit_values = data.unit_values(ui.org(), ui.year())
summary(unit_values, lang)
status_counts(unit_values, lang)
links(lang)
cards(unit_values, lang)
