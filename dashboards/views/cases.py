"""挂牌督办 Cases: 督办单 opened from the supervision list, the unit's reply, verification, 销号.

The office (statistician, inspector) opens a case on a lagging item with a due date and the
leader's instruction, and closes or returns a replied one; an agency replies to its own cases.
Every rule is checked in weibao.cases, not here; this page only collects the words.
"""

from __future__ import annotations

import datetime as dt

import data
import pandas as pd
import streamlit as st
import ui

from weibao import cases
from weibao.errors import WeibaoError
from weibao.i18n import t, word

OFFICE = ("statistician", "inspector")


def _fail(exc: WeibaoError, lang: str) -> None:
    st.error(exc.message_zh if lang == "zh" else exc.message_en, icon=":material/block:")
    for d in exc.details:
        st.caption(d)


def table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("case_id", lang): frame["case_id"],
            t("status", lang): [word("case_statuses", s, lang) for s in frame["status"]],
            t("case_due", lang): frame["due"],
            t("region", lang): frame["org_unit_code"],
            t("item", lang): frame["indicator_code"].fillna(frame["task_id"]),
            t("responsible_units", lang): frame["responsible_units_zh"],
            t("case_instruction", lang): frame["instruction"],
            t("case_measures", lang): frame["measures"],
        }
    )


def open_form(actor, lang: str) -> None:
    items = data.supervision_items(ui.doc_jurisdiction(lang)[0], ui.org(), ui.year())
    if items.empty:
        st.caption(t("case_no_items", lang))
        return
    labels = {
        i: f"{r['org_unit_name']} · {r[ui.name_col(lang)] if r['item_kind'] != 'task' else r['task_title_zh']}"
        for i, r in items.iterrows()
    }
    with st.form("case_open"):
        pick = st.selectbox(t("item", lang), list(labels), format_func=labels.get)
        due = st.date_input(t("case_due", lang), dt.date.today() + dt.timedelta(days=30))
        instruction = st.text_area(t("case_instruction", lang))
        go = st.form_submit_button(t("case_open", lang), icon=":material/flag:")
    if go:
        try:
            case = cases.open_case(actor, items.loc[pick].to_dict(), due.isoformat(), instruction)
        except WeibaoError as exc:
            _fail(exc, lang)
        else:
            st.success(t("case_opened_msg", lang, case_id=case.case_id))


def reply_form(actor, waiting: pd.DataFrame, lang: str) -> None:
    with st.form("case_reply"):
        cid = st.selectbox(t("case_id", lang), list(waiting["case_id"]))
        measures = st.text_area(t("case_measures", lang))
        expected = st.date_input(t("case_expected", lang), dt.date.today() + dt.timedelta(days=30))
        note = st.text_input(t("case_note", lang))
        go = st.form_submit_button(t("case_reply", lang), icon=":material/reply:")
    if go:
        try:
            cases.reply(actor, cid, measures, expected.isoformat(), note)
        except WeibaoError as exc:
            _fail(exc, lang)
        else:
            st.rerun()


def verify_form(actor, replied: pd.DataFrame, lang: str) -> None:
    with st.form("case_verify"):
        cid = st.selectbox(t("case_id", lang), list(replied["case_id"]))
        reason = st.text_input(t("case_reason", lang))
        close, back = st.columns(2)
        do_close = close.form_submit_button(t("case_close", lang), icon=":material/task_alt:")
        do_return = back.form_submit_button(t("case_return", lang), icon=":material/undo:")
    if do_close or do_return:
        try:
            cases.verify(actor, cid, close=do_close, reason=reason)
        except WeibaoError as exc:
            _fail(exc, lang)
        else:
            st.rerun()


lang = ui.lang()
actor = st.session_state["actor"]
st.title(t("cases", lang))
frame = cases.frame(actor)
if frame.empty:
    st.caption(t("case_none", lang))
else:
    st.dataframe(table(frame, lang), hide_index=True, width="stretch")
if actor.role in OFFICE:
    with st.expander(t("case_open", lang), icon=":material/flag:"):
        open_form(actor, lang)
    replied = frame[frame["status"] == "replied"]
    if not replied.empty:
        st.subheader(t("case_verify", lang))
        verify_form(actor, replied, lang)
waiting = frame[frame["status"].isin(["open", "returned", "overdue"])]
if actor.role in ("agency", "statistician") and not waiting.empty:
    st.subheader(t("case_reply", lang))
    reply_form(actor, waiting, lang)
