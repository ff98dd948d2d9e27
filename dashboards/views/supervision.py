"""督办清单 Supervision list: every lagging indicator or task of the jurisdiction and year, with
its responsible unit, the gap in words, the source clause and since when it has lagged;
filters by level, protection and unit; export as CSV and xlsx. Above the county it opens
grouped by the areas one level below (national scale: millions of items), with the unit's own
items after; villages' own items only for a township or a village."""

from __future__ import annotations

import data
import exports
import pandas as pd
import streamlit as st
import ui

from weibao.i18n import (
    LEVEL_NAMES,
    domain_name,
    fmt_value,
    gap_text,
    is_suppressed,
    status,
    t,
    task_status,
    word,
)


def gap_words(row: pd.Series, lang: str) -> str:
    """The gap in words; an item lagging only on pace, or a task, says why instead."""
    if row["item_kind"] == "task":
        return t("task_gap", lang, word=task_status(row["status"]).label(lang))
    text = gap_text(row, row, lang)
    if not text and row["progress_status"] in ui.OFF_PACE:
        text = t("pace_gap", lang, word=status(row["progress_status"]).label(lang))
    return text


def owners(row: pd.Series, names: dict[str, str], lang: str) -> str:
    ids = str(row["responsible_member_units"] or "").split(";")
    if lang == "zh" or not any(i in names for i in ids):
        return str(row["responsible_units_zh"] or "")
    return ", ".join(names[i] for i in ids if i in names)


def item_row(r: pd.Series, names: dict[str, str], lang: str) -> dict[str, str]:
    """One line of the list, every cell in words."""
    task = r["item_kind"] == "task"
    shown = "<5" if is_suppressed(r, r) else fmt_value(r["value"], r, lang)
    since = r["lagging_since"]
    return {
        t("region", lang): r["org_unit_name"],
        t("item", lang): r["task_title_zh"] if task else r[ui.name_col(lang)],
        t("gap", lang): gap_words(r, lang),
        t("status", lang): (task_status if task else status)(r["status"]).label(lang),
        t("progress_status", lang): "" if task else status(r["progress_status"]).label(lang),
        t("lagging_since", lang): t("since_year", lang, year=int(since)) if pd.notna(since) else "",
        t("responsible_units", lang): owners(r, names, lang),
        t("value", lang): "" if task else shown,
        t("target", lang): "" if task else ui.target_cell(r, r, lang),
        t("derivation", lang): "" if task else derivation(r, lang),
        t("level", lang): LEVEL_NAMES[r["level"]][lang],
        t("item_kind", lang): t(f"kind_{r['item_kind']}", lang),
        t("source", lang): f"{r['source_clause']}({ui.doc_label(r['source_doc'])})",
        t("data_kind", lang): t("demo_badge" if r["is_demo"] else "real_data", lang),
    }


def derivation(r: pd.Series, lang: str) -> str:
    """What was read, for a derived target (the supervision list's own note columns)."""
    if r.get("target_basis") != "derived":
        return ""
    note = r.get("target_derivation_note" if lang == "zh" else "target_derivation_note_en")
    return note if isinstance(note, str) else ""


def item_table(items: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    table = pd.DataFrame([item_row(r, names, lang) for _, r in items.iterrows()])
    states = case_states()
    table.insert(
        4,
        t("cases", lang),
        [word("case_statuses", states[i], lang) if i in states else "" for i in items["item_id"]],
    )
    return table


def case_states() -> dict[str, str]:
    """The 督办 state of each item with a case (the latest case of the item)."""
    from weibao import cases

    return {c.item.get("item_id"): c.status() for c in cases.load().values()}


def cases_left_the_list(items: pd.DataFrame, lang: str) -> None:
    """A 督办单 stays open until it is verified and closed, even when its item is no longer
    lagging: say so, under the list."""
    from weibao import cases

    here = set(items["item_id"])
    gone = [
        c
        for c in cases.load().values()
        if c.state != "closed"
        and c.item.get("item_id") not in here
        and c.item.get("year") == year
        and str(c.item.get("org_unit_code", "")).startswith(ui.org())
    ]
    for c in gone:
        st.info(t("case_target_met", lang, case_id=c.case_id), icon=":material/flag:")


def filtered(items: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    """Level, protection and unit filters; each lists only what occurs in the items."""
    every = t("filter_all", lang)
    levels = [lv for lv in LEVEL_NAMES if lv in set(items["level"])]
    domains = list(dict.fromkeys(items["protection_domain"].fillna("")))
    ids = sorted({i for v in items["responsible_member_units"].dropna() for i in v.split(";")})
    a, b, c = st.columns(3)
    level = a.selectbox(
        t("level", lang),
        [every, *levels],
        format_func=lambda v: v if v == every else LEVEL_NAMES[v][lang],
        key="sup_level",
    )
    domain = b.selectbox(
        t("domain", lang),
        [every, *domains],
        format_func=lambda v: v if v == every else domain_name(v, lang),
        key="sup_domain",
    )
    unit = c.selectbox(
        t("filter_unit", lang), [every, *ids], format_func=lambda v: names.get(v, v), key="sup_unit"
    )
    keep = pd.Series(True, index=items.index)
    if level != every:
        keep &= items["level"] == level
    if domain != every:
        keep &= items["protection_domain"].fillna("") == domain
    if unit != every:
        keep &= (
            items["responsible_member_units"]
            .fillna("")
            .str.split(";")
            .apply(lambda ids: unit in ids)
        )
    return items[keep]


def metrics(items: pd.DataFrame, lang: str) -> None:
    ids = {i for v in items["responsible_member_units"].dropna() for i in v.split(";")}
    cols = st.columns(4)
    cols[0].metric(t("supervision_total", lang), len(items))
    cols[1].metric(
        t("supervision_indicators", lang), int((items["item_kind"] == "indicator").sum())
    )
    cols[2].metric(t("supervision_tasks", lang), int((items["item_kind"] == "task").sum()))
    cols[3].metric(t("supervision_units", lang), len(ids))


def groups(items: pd.DataFrame, lang: str) -> None:
    """Above the county: one row per area one level below, most missed targets first; choose
    one to open its list."""
    st.subheader(t("sup_groups_heading", lang))
    st.caption(t("sup_groups_note", lang))
    frame = data.supervision_groups(ui.org(), year)
    shown = pd.DataFrame(
        {
            t("region", lang): frame["org_unit_name"],
            t("sup_group_items", lang): frame["items"],
            t("sup_group_missed", lang): frame["not_achieved"],
            t("supervision_indicators", lang): frame["indicator_items"],
            t("supervision_tasks", lang): frame["task_items"],
            t("lagging_since", lang): [
                t("since_year", lang, year=int(y)) if pd.notna(y) else ""
                for y in frame["lagging_since"]
            ],
        }
    )
    ui.show_table(shown, lang)
    names = dict(zip(frame["org_unit_code"], frame["org_unit_name"], strict=True))
    st.selectbox(
        t("sup_open_area", lang),
        list(names),
        index=None,
        format_func=names.get,
        placeholder=t("drill_placeholder", lang),
        key="sup_open_area",
        on_change=lambda: ui.set_state("org_unit_code", st.session_state["sup_open_area"]),
    )
    if len(items):
        st.subheader(t("sup_own_heading", lang))


lang, year = ui.lang(), ui.year()
ui.header("supervision")
juris, juris_name = ui.doc_jurisdiction(lang)
st.caption(t("supervision_note", lang))
st.caption(t("sup_villages_note", lang))
units = data.member_units(juris)
names = {r["member_unit_id"]: ui.member_unit_name(r, lang) for _, r in units.iterrows()}
above_county = data.ancestors(ui.org())["level"].iloc[-1] in ("province", "city")
items = data.supervision_items(juris, ui.org(), year, above_county)
if above_county:
    groups(items, lang)
cases_left_the_list(items, lang)
if items.empty:
    if not above_county:
        st.success(t("supervision_none", lang), icon=":material/task_alt:")
    st.stop()
shown = filtered(items, names, lang)
metrics(shown, lang)
table = item_table(shown, names, lang)
colour = (t("status", lang), t("progress_status", lang))
ui.show_table(table, lang, colour, {t("item", lang): "medium", t("gap", lang): "large"})
title = f"{ui.unit_name(ui.org())} {year}{'年' if lang == 'zh' else ''} {t('supervision', lang)}"
stem = f"supervision_{ui.org()}_{year}"
demo = bool(shown["is_demo"].any() or (shown["target_basis"] == "demo").any())
exports.buttons(table, stem, title, t("supervision", lang), demo, lang)
