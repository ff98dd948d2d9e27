"""工作要点 Work plan: the jurisdiction's tasks by quarter, with each quarter's status in colour
and in words, the responsible units and the linked indicator; filter by unit."""

from __future__ import annotations

import data
import pandas as pd
import streamlit as st
import ui

from weibao.i18n import TASK_STATUS_ORDER, status, t, task_status

QUARTERS = (1, 2, 3, 4)


def worst(codes: pd.Series) -> str:
    """The least advanced status among the reports (a quarter's cell when units differ)."""
    known = [c for c in codes if c in TASK_STATUS_ORDER]
    return min(known, key=TASK_STATUS_ORDER.index) if known else "no_report"


def quarter_status(progress: pd.DataFrame) -> dict[tuple[str, int], str]:
    """(task, quarter) → status code."""
    if progress.empty:
        return {}
    grouped = progress.groupby(["task_id", "quarter"])["status"].agg(worst)
    return {(task, int(q)): code for (task, q), code in grouped.items()}


def matrix(tasks: pd.DataFrame, owners: pd.DataFrame, cells: dict, lang: str) -> pd.DataFrame:
    names = owners.groupby("task_id")["unit_name"].agg("、".join if lang == "zh" else ", ".join)
    linked = [
        "" if pd.isna(r["indicator_code"])
        else f"{r['indicator_name_' + lang]}({status(r['indicator_status']).label(lang)})"
        for _, r in tasks.iterrows()
    ]  # fmt: skip
    return pd.DataFrame(
        {
            t("task_no", lang): tasks["task_id"],
            t("task", lang): tasks["title_zh"],
            **{
                t("quarter", lang, q=q): [
                    task_status(cells.get((task, q))).label(lang) for task in tasks["task_id"]
                ]
                for q in QUARTERS
            },
            t("linked_indicator", lang): linked,
            t("responsible_units", lang): tasks["task_id"].map(names).fillna(""),
        }
    )


def choose_unit(owners: pd.DataFrame, lang: str) -> str | None:
    units = owners.drop_duplicates("member_unit_id").set_index("member_unit_id")["unit_name"]
    every = t("all_units", lang)
    choice = st.selectbox(
        t("filter_unit", lang), [every, *units.index], format_func=lambda v: units.get(v, v),
        key="plan_unit",
    )  # fmt: skip
    return None if choice == every else str(choice)


def summary(tasks: pd.DataFrame, cells: dict, lang: str) -> None:
    latest = [next((cells[(k, q)] for q in QUARTERS[::-1] if (k, q) in cells), "no_report")
              for k in tasks["task_id"]]  # fmt: skip
    counts = pd.Series(latest).value_counts()
    codes = ("done", "in_progress", "not_started", "lagging", "no_report")
    cols = st.columns(1 + len(codes))
    cols[0].metric(t("tasks", lang), len(tasks))
    for col, code in zip(cols[1:], codes, strict=True):
        col.metric(task_status(code).label(lang).capitalize(), int(counts.get(code, 0)))


lang, year = ui.lang(), ui.year()
ui.header("work_plan")
juris, _ = ui.doc_jurisdiction(lang)
tasks = data.tasks(juris, year)
if tasks.empty:
    st.info(t("work_plan_none", lang), icon=":material/info:")
    st.stop()
owners = data.task_units(juris)
owners["unit_name"] = [ui.member_unit_name(r, lang) for _, r in owners.iterrows()]
owners = owners[owners["task_id"].isin(tasks["task_id"])]
progress = data.task_progress(juris, year)
unit = choose_unit(owners, lang)
if unit is not None:
    tasks = tasks[tasks["task_id"].isin(owners.loc[owners["member_unit_id"] == unit, "task_id"])]
    progress = progress[progress["member_unit_id"] == unit]
cells = quarter_status(progress)
summary(tasks, cells, lang)
if progress.empty:
    st.info(t("work_plan_no_progress", lang), icon=":material/info:")
elif unit is None:
    st.caption(t("work_plan_cell_note", lang))
table = matrix(tasks, owners, cells, lang)
quarters = [t("quarter", lang, q=q) for q in QUARTERS]
widths = {t("task", lang): "large", t("linked_indicator", lang): "medium"}
ui.show_table(table, lang, tuple(quarters), widths | dict.fromkeys(quarters, "small"))
