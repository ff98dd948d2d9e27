"""地区 Regions: one indicator across the units one level below; drill down and back up."""

from __future__ import annotations

import charts
import data
import exports
import pandas as pd
import streamlit as st
import ui

from weibao.i18n import count_text, gap_text, status, t, value_text


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
            t("status", lang): [status(s).label(lang) for s in children["status"]],
            t("gap", lang): [gap_text(indicator, r, lang) for _, r in children.iterrows()],
        }
    )


def regions(code: str, indicator: pd.Series, lang: str) -> None:
    children = data.child_values(code, str(indicator.name), ui.year())
    if children.empty:
        lowest = data.ancestors(code)["level"].iloc[-1] == "village"
        st.info(t("lowest_level" if lowest else "no_children", lang), icon=":material/info:")
        return
    drillable = children[children["has_children"]]
    chart_key = f"bars_{code}_{indicator.name}_{ui.year()}"
    codes = set(drillable["org_unit_code"])
    if codes:
        st.caption(t("chart_hint", lang))
    st.plotly_chart(
        charts.area_bars(children, indicator, lang),
        key=chart_key,
        on_select=lambda: drill_from_chart(chart_key, codes),
        selection_mode="points",
        config={"displaylogo": False},
    )
    if not drillable.empty:
        names = dict(zip(drillable["org_unit_code"], drillable["org_unit_name"], strict=True))
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
    shown = table(children, indicator, lang)
    st.dataframe(shown, hide_index=True, width="stretch")
    name = indicator["name_zh" if lang == "zh" else "name_en"]
    title = f"{ui.unit_name(code)} {ui.year()} {name}"
    stem = f"regions_{code}_{indicator.name}_{ui.year()}"
    exports.buttons(shown, stem, title, t("regions", lang), bool(children["is_demo"].any()), lang)


lang = ui.lang()
ui.header("regions")
chosen = ui.choose_indicator(lang)
breadcrumb(ui.org())
regions(ui.org(), chosen, lang)
