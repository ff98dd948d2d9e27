"""责任单位 Units: each member unit of the jurisdiction with its duties, the indicators it leads
and their status, its tasks and their latest progress, and its reporting record; the units with
most behind come first."""

from __future__ import annotations

import data
import pandas as pd
import streamlit as st
import ui

from weibao.i18n import (
    fmt_value,
    gap_text,
    is_suppressed,
    status,
    submission_badge,
    t,
    task_status,
    word,
)

SCORE_COLUMNS = {
    "lagging_indicators": "lagging_indicators",
    "lagging_tasks": "lagging_tasks",
    "missing": "missing_submissions",
    "late": "late_submissions",
}


def behind(units: pd.DataFrame, led: pd.DataFrame, latest: pd.DataFrame, subs: pd.DataFrame):
    """Per member unit: lagging indicators, lagging tasks, missing and late submissions; sorted
    with the most behind first."""
    lag = led[
        [ui.is_lagging(s, p) for s, p in zip(led["status"], led["progress_status"], strict=True)]
    ]
    late_tasks = latest[latest["status"].isin(ui.LAGGING_TASK)]
    out = units.assign(
        lagging_indicators=units["member_unit_id"].map(lag["member_unit_id"].value_counts()),
        lagging_tasks=units["member_unit_id"].map(late_tasks["member_unit_id"].value_counts()),
        missing=units["agency_code"].map(subs.set_index("agency_code")["missing"]),
        late=units["agency_code"].map(subs.set_index("agency_code")["late"]),
    )
    counts = list(SCORE_COLUMNS)
    out[counts] = out[counts].fillna(0).astype(int)
    out["behind"] = out["lagging_indicators"] + out["lagging_tasks"] + out["missing"]
    return out.sort_values(["behind", "late", "member_unit_id"], ascending=[False, False, True])


def indicator_table(rows: pd.DataFrame, lang: str) -> None:
    if rows.empty:
        st.caption(t("no_led_indicators", lang))
        return
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
            t("gap", lang): [gap_text(r, r, lang) for _, r in rows.iterrows()],
        }
    )
    cols = (t("annual_status", lang), t("progress_status", lang))
    ui.show_table(table, lang, cols, {t("indicator", lang): "medium", t("gap", lang): "large"})


def task_table(rows: pd.DataFrame, lang: str) -> None:
    if rows.empty:
        st.caption(t("no_tasks", lang))
        return
    table = pd.DataFrame(
        {
            t("task_no", lang): rows["task_id"],
            t("task", lang): rows["title_zh"],
            t("latest_progress", lang): [task_status(s).label(lang) for s in rows["status"]],
            t("period", lang): rows["period"].fillna(""),
            t("note", lang): rows["note"].fillna(""),
        }
    )
    ui.show_table(table, lang, (t("latest_progress", lang),), {t("task", lang): "large"})


def reporting_line(agency: str, subs: pd.DataFrame, lang: str) -> None:
    row = subs[subs["agency_code"] == agency]
    if row.empty:
        st.caption(t("no_submissions_due", lang))
        return
    r = row.iloc[0]
    badges = [f"{submission_badge(c, lang)} {int(r[c])}" for c in ("on_time", "late", "missing")]
    if r["pending"]:
        badges.append(f"{submission_badge('pending', lang)} {int(r['pending'])}")
    st.markdown(f"{t('expected_count', lang)} {int(r['expected'])}: " + "  ".join(badges))


def unit_block(unit: pd.Series, led: pd.DataFrame, tasks: pd.DataFrame, subs, lang) -> None:
    parts = [f"{t(word, lang)} {unit[col]}" for col, word in SCORE_COLUMNS.items() if unit[col]]
    label = f"**{ui.member_unit_name(unit, lang)}** · " + (
        " · ".join(parts) if parts else t("nothing_behind", lang)
    )
    icon = ":material/warning:" if parts else ":material/task_alt:"
    with st.expander(label, icon=icon, expanded=False):
        note = "" if lang == "zh" else f" {t('duties_zh_note', lang)}"  # duties exist in Chinese
        st.markdown(f"**{t('duties', lang)}**{note}: {unit['duties_zh']}")
        st.caption(
            f"{t('source', lang)}: {unit['source_clause']} — {ui.doc_label(unit['source_doc'])}"
        )
        st.markdown(f"**{t('led_indicators', lang)}**")
        indicator_table(led[led["member_unit_id"] == unit["member_unit_id"]], lang)
        st.markdown(f"**{t('tasks', lang)}**")
        task_table(tasks[tasks["member_unit_id"] == unit["member_unit_id"]], lang)
        st.markdown(f"**{t('reporting_record', lang)}**")
        reporting_line(str(unit["agency_code"]), subs, lang)
        case_line(str(unit["member_unit_id"]), lang)


def case_line(member_unit_id: str, lang: str) -> None:
    """The unit's 督办单 by state (open, overdue, replied, returned, closed)."""
    from weibao import cases

    mine = [c for c in cases.load().values() if member_unit_id in _ids(c)]
    if not mine:
        return
    counts: dict[str, int] = {}
    for c in mine:
        counts[c.status()] = counts.get(c.status(), 0) + 1
    words = [f"{word('case_statuses', s, lang)} {n}" for s, n in counts.items()]
    st.markdown(f"**{t('cases', lang)}** " + " · ".join(words))


def _ids(case) -> list[str]:
    return str(case.item.get("responsible_member_units") or "").split(";")


lang, year = ui.lang(), ui.year()
ui.header("units")
juris, _ = ui.doc_jurisdiction(lang)
units = data.member_units(juris)
led = data.led_indicators(juris, year)
latest = ui.latest_progress(data.task_progress(juris, year))
unit_tasks = data.task_units(juris).merge(data.tasks(juris, year), on="task_id")
unit_tasks = unit_tasks.merge(latest, on=["task_id", "member_unit_id"], how="left")
subs = data.agency_submissions(juris, year)
scores = behind(units, led, latest, subs)
st.caption(t("units_sort_note", lang))
for _, unit in scores.iterrows():
    unit_block(unit, led, unit_tasks, subs, lang)
