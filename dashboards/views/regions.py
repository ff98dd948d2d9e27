"""地区 Regions: one indicator across the units one level below; drill down and back up."""

from __future__ import annotations

import charts
import data
import exports
import pandas as pd
import streamlit as st
import ui

from weibao.i18n import approval_mark, count_text, gap_text, status_with_mark, t, value_text


def breadcrumb(code: str) -> None:
    chain = data.ancestors(code)
    with st.container(horizontal=True, gap="small"):
        for i, (unit, name) in enumerate(
            zip(chain["org_unit_code"], chain["org_unit_name"], strict=True)
        ):
            last = i == len(chain) - 1
            st.button(
                name,
                key=f"crumb_{unit}",
                disabled=last,
                type="secondary" if last else "tertiary",
                icon=":material/chevron_right:" if i else ":material/home:",
                on_click=ui.set_state,
                args=("org_unit_code", unit),
            )


TOP_N = 10  # bars in each of the lowest and highest charts when there are many areas
PAGE_SIZE = 25  # rows per page of the full table


def drill_from_chart(key: str, drillable: set[str]) -> None:
    points = st.session_state[key].selection.points
    if points and points[0].get("customdata") in drillable:
        ui.set_state("org_unit_code", points[0]["customdata"])


def drill_from_select(key: str) -> None:
    if st.session_state.get(key):
        ui.set_state("org_unit_code", st.session_state[key])


def table(children: pd.DataFrame, indicator: pd.Series, lang: str) -> pd.DataFrame:
    rows = [r for _, r in children.iterrows()]
    return pd.DataFrame(
        {
            t("region", lang): children["org_unit_name"],
            t("value", lang): [value_text(r, indicator, lang) for r in rows],
            t("numerator", lang): [count_text(r, "numerator", indicator) for r in rows],
            t("denominator", lang): [count_text(r, "denominator", indicator) for r in rows],
            t("status", lang): [status_with_mark(r, lang) for r in rows],
            t("gap", lang): [gap_text(indicator, r, lang) for _, r in children.iterrows()],
        }
    )


def bars(children: pd.DataFrame, indicator: pd.Series, key: str, lang: str) -> None:
    codes = set(children["org_unit_code"])
    st.plotly_chart(
        charts.area_bars(children, indicator, lang),
        key=key,
        on_select=lambda: drill_from_chart(key, codes),
        selection_mode="points",
        config={"displaylogo": False},
    )


def charts_of(children: pd.DataFrame, indicator: pd.Series, key: str, lang: str) -> None:
    """All areas in one chart; with many, the lowest and the highest TOP_N (children come
    lowest value first)."""
    st.caption(t("chart_hint", lang))
    if len(children) <= 2 * TOP_N:
        bars(children, indicator, key, lang)
        return
    valued = children[children["value"].notna()]  # a "<5" row has no place in a ranking
    if valued.empty:
        return
    low, high = st.tabs([t("lowest_n", lang, n=TOP_N), t("highest_n", lang, n=TOP_N)])
    with low:
        bars(valued.head(TOP_N), indicator, f"{key}_low", lang)
    with high:
        bars(valued.tail(TOP_N).iloc[::-1], indicator, f"{key}_high", lang)


def found(children: pd.DataFrame, text: str) -> pd.DataFrame:
    if not text:
        return children
    hit = children["org_unit_name"].str.contains(text, regex=False) | children[
        "org_unit_code"
    ].str.startswith(text)
    return children[hit]


def paged_table(children: pd.DataFrame, indicator: pd.Series, code: str, lang: str) -> None:
    """Every area below, searchable, PAGE_SIZE rows a page; drill into any row shown."""
    st.subheader(t("all_children", lang, n=len(children)))
    text = st.text_input(t("children_search", lang), key=f"find_{code}").strip()
    rows = found(children, text)
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = 1
    if pages > 1:
        page = int(st.number_input(t("page_number", lang), 1, pages, 1, key=f"page_{code}_{text}"))
    shown = rows.iloc[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    st.caption(t("page_of", lang, page=page, pages=pages, n=len(rows)))
    st.dataframe(table(shown, indicator, lang), hide_index=True, width="stretch")
    if shown.empty:
        return
    # The export holds every row found, not only this page.
    name = indicator["name_zh" if lang == "zh" else "name_en"]
    title = f"{ui.unit_name(code)} {ui.year()} {name}"
    stem = f"regions_{code}_{indicator.name}_{ui.year()}"
    demo = bool(rows["is_demo"].any())
    exports.buttons(table(rows, indicator, lang), stem, title, t("regions", lang), demo, lang)
    names = dict(zip(shown["org_unit_code"], shown["org_unit_name"], strict=True))
    select_key = f"drill_{code}"
    st.selectbox(
        t("drill_down", lang),
        list(names),
        index=None,
        format_func=names.get,
        placeholder=t("drill_placeholder", lang),
        key=select_key,
        on_change=drill_from_select,
        args=(select_key,),
    )


def village(code: str, indicator: pd.Series, lang: str) -> None:
    """The lowest level: the village's own value of the indicator; its other indicators are on
    the Overview."""
    st.caption(t("village_own_value", lang))
    own = data.unit_value(code, str(indicator.name), ui.year())
    if own.empty:
        st.info(t("not_at_level", lang), icon=":material/info:")
    else:
        row = own.iloc[0]
        st.metric(indicator[ui.name_col(lang)], value_text(row, indicator, lang))
        st.markdown(
            ui.target_markdown(row, indicator, lang)
            + "  "
            + ui.status_md(row["status"], lang)
            + (f"  :orange[{mark}]" if (mark := approval_mark(row, lang)) else "")
        )
        gap = gap_text(indicator, row, lang)
        if gap:
            st.markdown(f":material/arrow_right_alt: {gap}")
    st.page_link(
        "views/overview.py", label=t("village_all_indicators", lang), icon=":material/dashboard:"
    )


def regions(code: str, indicator: pd.Series, lang: str) -> None:
    if data.ancestors(code)["level"].iloc[-1] == "village":
        village(code, indicator, lang)
        return
    children = data.child_values(code, str(indicator.name), ui.year())
    if children.empty:
        st.info(t("no_children", lang), icon=":material/info:")
        return
    charts_of(children, indicator, f"bars_{code}_{indicator.name}_{ui.year()}", lang)
    paged_table(children, indicator, code, lang)


lang = ui.lang()
ui.header("regions")
chosen = ui.choose_indicator(lang)
breadcrumb(ui.org())
regions(ui.org(), chosen, lang)
